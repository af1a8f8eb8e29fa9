//! Warmed-up worlds for the benchmarks: built once per population with a fixed seed,
//! trained past situational awareness so the measured tick is a typical post-SA update.

use goalspace_core::{Simulation, TrainingTick};
use goalspace_training::{TrainingRun, build_training};

/// A world of `population` models on the default layout, run for `warmup` updates of a
/// 1000-update training (SA onset at 30% ± 10%), ready for more [`TrainingTick`]s.
pub fn warmed_training_world(population: u32, warmup: u32) -> Simulation {
    let run = TrainingRun { population, ticks: 1000, seed: 42, record_interval: 1_000_000, ..TrainingRun::default() };
    let mut sim = build_training(&run).expect("valid default run");
    sim.world.resource_mut::<goalspace_core::Clock>().phase = goalspace_core::Phase::Training;
    sim.world.resource_mut::<goalspace_core::Clock>().training_ticks = run.ticks;
    for t in 0..warmup {
        sim.world.resource_mut::<goalspace_core::Clock>().tick = t;
        sim.world.run_schedule(TrainingTick);
    }
    sim
}
