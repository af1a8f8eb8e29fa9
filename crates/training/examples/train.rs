//! Runs one training with default parameters and prints the end-of-training metrics.
//! `cargo run --release -p goalspace-training --example train -- [population] [ticks]`

fn main() {
    let mut args = std::env::args().skip(1);
    let population = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let ticks = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let run = goalspace_training::TrainingRun { population, ticks, ..Default::default() };
    match goalspace_training::run_training(&run) {
        Ok(report) => {
            println!("onset counts {:?}", report.onset_counts);
            println!("final counts {:?}", report.final_counts);
            for (name, value) in report.metrics.scalars() {
                println!("{name:>24} {value:.6}");
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
