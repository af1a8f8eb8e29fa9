//! One training update (MODEL.md §5) of the ECS schedule at 1e4 to 1e7 models, beside two
//! hand-written loops doing the same update at every population (single thread): the
//! struct-of-arrays baseline (one vector per state type) and the packed baseline (one
//! plain vector of `Agent`s, the ECS table's layout without the ECS). The ECS against the
//! packed baseline is the ECS overhead; the packed against the struct of arrays is what
//! the memory layout costs. The thread count
//! is process-wide: run once per count with `GOALSPACE_THREADS=1` and `=2`
//! (`scripts/bench.sh` does). `GOALSPACE_BENCH_MAX` caps the population (default 1e7).
//! Throughput is in agent-ticks.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use goalspace_benches::{PackedPopulation, SoaPopulation, advance, bench_run, warmed_training_world};

/// Populations to measure. Under `cargo test --benches` (no `--bench` argument) each bench
/// runs once as a smoke test, so only the smallest population is built.
fn populations() -> Vec<u32> {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let default_max = if benchmarking { 10_000_000 } else { 10_000 };
    let max: u32 = std::env::var("GOALSPACE_BENCH_MAX").ok().and_then(|s| s.parse().ok()).unwrap_or(default_max);
    [10_000u32, 100_000, 1_000_000, 10_000_000].into_iter().filter(|&n| n <= max).collect()
}

fn training_tick(c: &mut Criterion) {
    let threads = std::env::var("GOALSPACE_THREADS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let threads = goalspace_core::init_thread_pool(threads);
    let mut group = c.benchmark_group(format!("training_tick/{threads}_threads"));
    group.sample_size(10);
    for population in populations() {
        let mut sim = warmed_training_world(population, 400);
        group.throughput(Throughput::Elements(u64::from(population)));
        group.bench_with_input(BenchmarkId::new("ecs", population), &population, |b, _| {
            b.iter(|| advance(&mut sim, 400))
        });
        let smoke_test = !std::env::args().any(|a| a == "--bench");
        if threads == 1 || smoke_test {
            let run = bench_run(population);
            let mut soa = SoaPopulation::from_world(&mut sim);
            group.bench_with_input(BenchmarkId::new("soa_baseline", population), &population, |b, _| {
                b.iter(|| soa.tick(&run, 400))
            });
            let mut packed = PackedPopulation::from_soa(&soa);
            group.bench_with_input(BenchmarkId::new("packed_baseline", population), &population, |b, _| {
                b.iter(|| packed.tick(&run, 400))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, training_tick);
criterion_main!(benches);
