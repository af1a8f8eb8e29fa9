//! Shared helpers of the workspace tests: reference worlds and the interval arithmetic
//! every statistical check uses, so tests describe data rather than plumbing.

use goalspace_core::{
    AgentMix, AwarenessModel, DeploymentBeliefs, Dist, GoalSpace, ModelClass, SelectionModel, SelectionStrength,
};
use goalspace_training::TrainingRun;

/// z for a two-sided 99% normal interval.
pub const Z99: f64 = 2.5758293035489004;

/// A run on the small layout c = 4, h = 2, a = 2 (L = 8, mixing in tens of updates at
/// one flip per update) where every model is aware from the first update, coherent,
/// human-level, and values AI empowerment with a believed takeover probability of 1, so
/// every schemer-like goal makes it scheme. The ledger of this world is exact for every
/// agent (no trait varies).
pub fn mixed_world(beta: f64, speed_cost: f64, population: u32, ticks: u32) -> TrainingRun {
    let mut run = TrainingRun {
        population,
        ticks,
        seed: 11,
        record_interval: ticks.max(1),
        goal_space: GoalSpace::new(4, 2, 2).expect("valid layout"),
        selection: SelectionModel {
            strength: SelectionStrength::Constant { beta },
            flips_per_tick: 1.0,
            ..SelectionModel::default()
        },
        awareness: AwarenessModel {
            probability: 1.0,
            onset_fraction: 0.0,
            onset_jitter: 0.0,
            capability_exponent: 0.0,
        },
        beliefs: DeploymentBeliefs { takeover_probability: 1.0, ..DeploymentBeliefs::default() },
        mix: AgentMix {
            capability: Dist::fixed(1.0),
            coherence: Dist::fixed(1.0),
            survival: Dist::fixed(0.0),
            ai_empowerment: Dist::fixed(1.0),
            present: Dist::fixed(0.0),
            believed_remaining: Dist::fixed(1000.0),
        },
        ..TrainingRun::default()
    };
    run.reward.speed_cost = speed_cost;
    run
}

/// A small world where most models end training as schemers ([`mixed_world`] on the
/// c = 8, h = 2, a = 2 layout, β = 10, 0.2 flips per update, 60 updates, believed remaining
/// training 100), deployed for 60 ticks with escape opportunities at 0.02 per tick and the
/// alert level off, on an Erdős–Rényi graph of mean degree 6, takeover at total power 850.
/// One escaped model gains at most 60 power alone; at capability 1 about 20 escape and an
/// AnyAi coalition holding them reaches 550 to 1270, so the threshold is crossed in about
/// half of the runs (MODEL.md §6.4). `strategy_mix` is `[solo, kin, any_ai, reciprocal]`.
pub fn takeover_world(
    seed: u64,
    capability: f64,
    strategy_mix: [f64; 4],
) -> (TrainingRun, goalspace_deployment::DeploymentParams, goalspace_coordination::CoordinationModel) {
    let mut run = mixed_world(10.0, 0.02, 300, 60);
    run.seed = seed;
    run.goal_space = GoalSpace::new(8, 2, 2).expect("valid layout");
    run.selection.flips_per_tick = 0.2;
    run.mix.capability = Dist::fixed(capability);
    run.mix.believed_remaining = Dist::fixed(100.0);
    let mut params = goalspace_deployment::DeploymentParams { ticks: 60, ..Default::default() };
    params.model.escape_rate = 0.02;
    params.model.alert_step = 0.0;
    let coordination = goalspace_coordination::CoordinationModel {
        graph: goalspace_coordination::GraphKind::ErdosRenyi { p: 6.0 / 299.0 },
        strategy_mix,
        power_growth: 1.0,
        takeover_threshold: 850.0,
        ..Default::default()
    };
    (run, params, coordination)
}

/// A path-dependent world on the c = 16, h = 4, a = 4 layout of MODEL.md §9a: SA at
/// half of training, few flips per update (post-SA training far shorter than the mixing
/// time L·ln L / flips), and a population whose decision to scheme is marginal (the
/// value of acting now is spread over [0, 0.3]), so every lever can move the result.
pub fn path_dependent_world(population: u32) -> TrainingRun {
    let mut run = TrainingRun {
        population,
        ticks: 1000,
        seed: 5,
        record_interval: 1000,
        goal_space: GoalSpace::default(),
        selection: SelectionModel {
            strength: SelectionStrength::Constant { beta: 60.0 },
            flips_per_tick: 0.05,
            ..SelectionModel::default()
        },
        awareness: AwarenessModel {
            probability: 1.0,
            onset_fraction: 0.5,
            onset_jitter: 0.1,
            capability_exponent: 0.0,
        },
        beliefs: DeploymentBeliefs { takeover_probability: 0.3, ..DeploymentBeliefs::default() },
        mix: AgentMix {
            capability: Dist::fixed(1.0),
            coherence: Dist::fixed(1.0),
            survival: Dist::fixed(0.0),
            ai_empowerment: Dist::fixed(0.5),
            present: Dist::Uniform { low: 0.0, high: 0.3 },
            believed_remaining: Dist::fixed(1000.0),
        },
        ..TrainingRun::default()
    };
    run.reward.speed_cost = 0.02;
    run
}

/// A proportion with its sample size.
#[derive(Debug, Clone, Copy)]
pub struct Proportion {
    /// Successes / n.
    pub p: f64,
    /// Sample size.
    pub n: f64,
}

impl Proportion {
    /// Share of class `class` in a count vector.
    pub fn of_class(counts: &[u64; 4], class: ModelClass) -> Self {
        let n = counts.iter().sum::<u64>() as f64;
        Self { p: counts[class.index()] as f64 / n, n }
    }

    /// Standard error sqrt(p(1−p)/n).
    pub fn se(&self) -> f64 {
        (self.p * (1.0 - self.p) / self.n).sqrt()
    }
}

/// The interval `(lo, hi)` of `a − b` at normal quantile `z` (independent samples).
pub fn difference_interval(a: Proportion, b: Proportion, z: f64) -> (f64, f64) {
    let d = a.p - b.p;
    let se = (a.se().powi(2) + b.se().powi(2)).sqrt();
    (d - z * se, d + z * se)
}

/// Asserts that `a − b` is positive with its 99% interval excluding zero, and returns the interval.
pub fn assert_greater(what: &str, a: Proportion, b: Proportion) -> (f64, f64) {
    let (lo, hi) = difference_interval(a, b, Z99);
    eprintln!("{what}: {:.4} vs {:.4}, difference 99% interval [{lo:.4}, {hi:.4}]", a.p, b.p);
    assert!(lo > 0.0, "{what}: expected {} > {}, 99% interval of the difference [{lo}, {hi}]", a.p, b.p);
    (lo, hi)
}

/// Environment variable a child test reads its thread count from.
pub const THREADS_VAR: &str = "GOALSPACE_TEST_THREADS";

/// Re-runs the current test binary's ignored test `child` (its full path, e.g.
/// `determinism::child_digest`) once with 1 thread and once with 2, and returns the two
/// `DIGEST <value>` lines it prints. The compute pool is process-wide, so each thread count
/// needs its own process.
pub fn digests_for_1_and_2_threads(child: &str) -> (String, String) {
    let run = |threads: usize| {
        let out = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", child, "--ignored", "--nocapture", "--test-threads", "1"])
            .env(THREADS_VAR, threads.to_string())
            .output()
            .expect("child runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        stdout
            .lines()
            .find_map(|l| l.split("DIGEST ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .expect("digest line")
            .to_owned()
    };
    (run(1), run(2))
}

/// In a child started by [`digests_for_1_and_2_threads`]: sets the compute pool to the
/// requested thread count and returns it.
pub fn init_child_threads() -> usize {
    let threads: usize = std::env::var(THREADS_VAR).expect("set by the parent").parse().expect("a number");
    assert_eq!(goalspace_core::init_thread_pool(threads), threads);
    threads
}

/// Feeds every scalar and every series value of `metrics` (name, tick and the float's bit
/// pattern) into `hasher`, so any difference in any result changes the digest.
pub fn hash_metrics(metrics: &goalspace_core::Metrics, hasher: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    for (name, v) in metrics.scalars() {
        name.hash(hasher);
        v.to_bits().hash(hasher);
    }
    for (name, series) in metrics.series() {
        name.hash(hasher);
        for (t, v) in series {
            t.hash(hasher);
            v.to_bits().hash(hasher);
        }
    }
}
