//! Replays one fuzz input through a target body and prints how long it took:
//! `cargo run --release -p goalspace-fuzzing --example replay -- TARGET FILE`.

#[expect(clippy::disallowed_methods, reason = "measures how long one input takes; not simulation code")]
fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(target), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: replay TARGET FILE");
        std::process::exit(2);
    };
    let data = std::fs::read(&file).expect("readable input");
    let start = std::time::Instant::now();
    match target.as_str() {
        "scenario_text" => goalspace_fuzzing::scenario_text(&data),
        "set_overrides" => goalspace_fuzzing::set_overrides(&data),
        "small_world" => goalspace_fuzzing::small_world(&data),
        other => {
            eprintln!("no target {other}");
            std::process::exit(2);
        }
    }
    println!("{target} {file}: {:.3} s", start.elapsed().as_secs_f64());
    if target == "small_world" && std::env::var_os("SHOW").is_some() {
        let mut u = arbitrary::Unstructured::new(&data);
        if let Ok(run) = goalspace_fuzzing::arbitrary_run(&mut u) {
            println!("{run:#?}");
            println!("{:#?}", goalspace_fuzzing::arbitrary_deployment(&mut u, run.population));
        }
    }
}
