//! Shared helpers: reference worlds and the interval arithmetic of the statistical checks.

use goalspace_core::Dist;
use goalspace_deployment::{AttackerModel, DeploymentModel, DeploymentParams, DeploymentReport, Oversight};
use goalspace_training::TrainingRun;

/// z for a two-sided 99% normal interval.
pub(crate) use goalspace_tests::Z99;

/// z for a two-sided 99.9% normal interval.
pub(crate) const Z999: f64 = 3.2905267314919255;

/// A training on the small layout c = 4, h = 2, a = 2 where every model is aware from the
/// first update, coherent and values AI empowerment with a believed takeover probability
/// of 1, so every schemer-like goal schemes; weak selection (β = 5, speed cost 0.02) leaves
/// about half the population schemers. 200 updates at one flip each mix the L = 8 bits.
pub(crate) fn schemer_world(population: u32, capability: f64) -> TrainingRun {
    let mut run = goalspace_tests::mixed_world(5.0, 0.02, population, 200);
    run.seed = 17;
    run.mix.capability = Dist::fixed(capability);
    run
}

/// 100 deployment ticks of 5 tasks (N = 500 per model) with escape opportunities and traps
/// at 0.01 per tick, the alert level off (so models are independent and per-model shares
/// are binomial), and schemers that do not attack.
pub(crate) fn escape_deployment() -> DeploymentParams {
    DeploymentParams {
        ticks: 100,
        model: DeploymentModel { tasks_per_tick: 5, alert_step: 0.0, ..DeploymentModel::default() },
        oversight: Oversight::UpfrontAuditing { fraction: 0.0 },
        attacker: AttackerModel { stateless: true, attack_rate: Some(0.0) },
        ..DeploymentParams::default()
    }
}

/// 100 deployment ticks of 5 tasks under `oversight`, no escape opportunities or traps, the
/// alert level off: each schemer plays its own game against its best response.
pub(crate) fn attack_deployment(oversight: Oversight) -> DeploymentParams {
    DeploymentParams {
        ticks: 100,
        model: DeploymentModel {
            tasks_per_tick: 5,
            escape_rate: 0.0,
            trap_rate: 0.0,
            alert_step: 0.0,
            ..DeploymentModel::default()
        },
        oversight,
        ..DeploymentParams::default()
    }
}

/// A proportion with its sample size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Proportion {
    /// Successes / n.
    pub(crate) p: f64,
    /// Sample size.
    pub(crate) n: f64,
}

impl Proportion {
    /// `count / n`.
    pub(crate) fn new(count: f64, n: f64) -> Self {
        Self { p: count / n.max(1.0), n: n.max(1.0) }
    }

    /// The metric `name` per deployed schemer of a report.
    pub(crate) fn per_schemer(r: &DeploymentReport, name: &str) -> Self {
        Self::new(r.get(name), r.get("deployed_schemers"))
    }

    /// Standard error sqrt(p(1−p)/n).
    pub(crate) fn se(&self) -> f64 {
        (self.p * (1.0 - self.p) / self.n).sqrt()
    }
}

/// Asserts that `a − b` > 0 with its 99% interval (independent binomial samples) excluding
/// zero, prints and returns the interval.
pub(crate) fn assert_greater(what: &str, a: Proportion, b: Proportion) -> (f64, f64) {
    let d = a.p - b.p;
    let se = (a.se().powi(2) + b.se().powi(2)).sqrt();
    let (lo, hi) = (d - Z99 * se, d + Z99 * se);
    eprintln!("{what}: {:.4} (n {}) vs {:.4} (n {}), difference 99% interval [{lo:.4}, {hi:.4}]", a.p, a.n, b.p, b.n);
    assert!(lo > 0.0, "{what}: expected {} > {}, 99% interval of the difference [{lo}, {hi}]", a.p, b.p);
    (lo, hi)
}
