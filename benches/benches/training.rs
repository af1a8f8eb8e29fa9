//! One training update (MODEL.md §5) at 1e5 and 1e6 models, on the compute pool's
//! threads (all cores unless `GOALSPACE_THREADS` is set). Throughput is in agent-ticks.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use goalspace_benches::warmed_training_world;
use goalspace_core::TrainingTick;

fn training_tick(c: &mut Criterion) {
    let threads = std::env::var("GOALSPACE_THREADS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let threads = goalspace_core::init_thread_pool(threads);
    let mut group = c.benchmark_group(format!("training_tick/{threads}_threads"));
    group.sample_size(10);
    for population in [100_000u32, 1_000_000] {
        let mut sim = warmed_training_world(population, 400);
        group.throughput(Throughput::Elements(u64::from(population)));
        group.bench_with_input(BenchmarkId::from_parameter(population), &population, |b, _| {
            b.iter(|| sim.world.run_schedule(TrainingTick));
        });
    }
    group.finish();
}

criterion_group!(benches, training_tick);
criterion_main!(benches);
