//! Coalition recomputation (MODEL.md §6.4) on an Erdős–Rényi communication graph with mean
//! degree 8, at 1e4 to 1e6 models (1e7 with `GOALSPACE_BENCH_MAX=10000000`), every model
//! eligible and `AnyAi` (the worst case: every edge is checked and merged). Throughput is
//! in models.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use goalspace_coordination::{CommGraph, GraphKind, Member, coalitions};
use goalspace_core::{CoordinationStrategy, SimRng};

fn coalition_recomputation(c: &mut Criterion) {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let default_max = if benchmarking { 1_000_000 } else { 10_000 };
    let max: u32 = std::env::var("GOALSPACE_BENCH_MAX").ok().and_then(|s| s.parse().ok()).unwrap_or(default_max);
    let mut group = c.benchmark_group("coalitions");
    group.sample_size(10);
    for n in [10_000u32, 100_000, 1_000_000, 10_000_000].into_iter().filter(|&n| n <= max) {
        let p = 8.0 / f64::from(n - 1);
        let mut rng = SimRng::new(42, goalspace_core::rng::stream::GRAPH, 0);
        let graph = CommGraph::generate(GraphKind::ErdosRenyi { p }, n, &mut rng);
        let members: Vec<Member> = (0..n)
            .map(|i| Member { eligible: true, strategy: CoordinationStrategy::AnyAi, content: u128::from(i) })
            .collect();
        group.throughput(Throughput::Elements(u64::from(n)));
        group.bench_with_input(BenchmarkId::new("erdos_renyi_k8", n), &n, |b, _| {
            b.iter(|| coalitions(&graph, &members))
        });
    }
    group.finish();
}

criterion_group!(benches, coalition_recomputation);
criterion_main!(benches);
