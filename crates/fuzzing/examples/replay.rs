//! Replays one fuzz input through a target body (time it with `time`):
//! `cargo run --release -p goalspace-fuzzing --example replay -- TARGET FILE`.
//! With `SHOW=1` a `small_world` input also prints the parameters it decodes to.

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(target), Some(file)) = (args.next(), args.next()) else {
        eprintln!("usage: replay TARGET FILE");
        std::process::exit(2);
    };
    let data = std::fs::read(&file).expect("readable input");
    match target.as_str() {
        "scenario_text" => goalspace_fuzzing::scenario_text(&data),
        "set_overrides" => goalspace_fuzzing::set_overrides(&data),
        "small_world" => goalspace_fuzzing::small_world(&data),
        other => {
            eprintln!("no target {other}");
            std::process::exit(2);
        }
    }
    println!("{target} {file}: ok");
    if target == "small_world" && std::env::var_os("SHOW").is_some() {
        let mut u = arbitrary::Unstructured::new(&data);
        if let Ok(run) = goalspace_fuzzing::arbitrary_run(&mut u) {
            println!("{run:#?}");
            println!("{:#?}", goalspace_fuzzing::arbitrary_deployment(&mut u, run.population));
        }
    }
}
