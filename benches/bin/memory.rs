//! Memory per agent and time to spawn: builds a world of N models (first argument,
//! default 1e6), trains it 10 updates, and prints the peak resident memory per agent
//! (from `VmHWM`, minus the peak before spawning) and the spawn and update times.
//! `cargo run --release -p goalspace-benches --bin memory -- 10000000`

use goalspace_benches::{advance, bench_run, peak_rss_bytes};

#[expect(clippy::disallowed_methods, reason = "a benchmark measures wall time; no simulation code runs on it")]
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

fn main() {
    let population: u32 = std::env::args().nth(1).and_then(|s| s.parse::<f64>().ok()).map_or(1_000_000, |x| x as u32);
    let threads = goalspace_core::init_thread_pool(0);
    let before = peak_rss_bytes().unwrap_or(0);
    let start = now();
    let mut sim = goalspace_training::build_training(&bench_run(population)).expect("valid run");
    sim.setup();
    let spawn = start.elapsed().as_secs_f64();
    let after_spawn = peak_rss_bytes().unwrap_or(0);
    let start = now();
    let ticks = 10;
    {
        let mut clock = sim.world.resource_mut::<goalspace_core::Clock>();
        clock.phase = goalspace_core::Phase::Training;
        clock.training_ticks = 1000;
    }
    for t in 0..ticks {
        advance(&mut sim, t);
    }
    let run = start.elapsed().as_secs_f64();
    let peak = peak_rss_bytes().unwrap_or(0);
    let n = f64::from(population);
    println!("population            {population}");
    println!("threads               {threads}");
    println!("spawn seconds         {spawn:.3} ({:.1} ns per agent)", spawn * 1e9 / n);
    println!("bytes per agent       {:.1} (peak after spawn)", (after_spawn - before) as f64 / n);
    println!("bytes per agent       {:.1} (peak after {ticks} updates)", (peak - before) as f64 / n);
    println!("agent-ticks per sec   {:.3e}", n * f64::from(ticks) / run);
}
