//! One deployment tick (MODEL.md §6: escape opportunities, traps, tasks under trusted
//! monitoring, alert, power, coalitions, takeover check) at 1e4 to 1e7 models. As for the
//! training bench, run once per thread count with `GOALSPACE_THREADS`; `GOALSPACE_BENCH_MAX`
//! caps the population. Throughput is in agent-ticks.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use goalspace_benches::{advance_deployment, warmed_deployment_world};

fn deployment_tick(c: &mut Criterion) {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let default_max = if benchmarking { 10_000_000 } else { 10_000 };
    let max: u32 = std::env::var("GOALSPACE_BENCH_MAX").ok().and_then(|s| s.parse().ok()).unwrap_or(default_max);
    let threads = std::env::var("GOALSPACE_THREADS").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    let threads = goalspace_core::init_thread_pool(threads);
    let mut group = c.benchmark_group(format!("deployment_tick/{threads}_threads"));
    group.sample_size(10);
    for population in [10_000u32, 100_000, 1_000_000, 10_000_000].into_iter().filter(|&n| n <= max) {
        let mut sim = warmed_deployment_world(population);
        group.throughput(Throughput::Elements(u64::from(population)));
        group.bench_with_input(BenchmarkId::new("ecs", population), &population, |b, _| {
            b.iter(|| advance_deployment(&mut sim, 1))
        });
    }
    group.finish();
}

criterion_group!(benches, deployment_tick);
criterion_main!(benches);
