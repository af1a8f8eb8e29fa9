#![doc = include_str!("../README.md")]

pub mod game;
pub mod params;
mod run;
pub mod solver;
pub mod systems;

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{DeploymentBeliefs, DeploymentEnd, DeploymentTick};

pub use game::{AttackPolicy, MonteCarlo, Protocol, TaskOutcome, TaskState, monte_carlo};
pub use params::{AttackerModel, DeploymentError, DeploymentModel, DeploymentParams, Oversight};
pub use run::{DeploymentReport, build_deployment, run_with_deployment};
pub use solver::{BestResponse, Game, MonitorGame, best_response};
pub use systems::{
    AlertLevel, AttackPlan, BelievedOversight, DeploymentState, DeploymentTally, OnlineTraining, do_tasks,
    escape_opportunities, raise_alert, record_deployment, start_deployment, summarize_deployment,
};

/// The steps of a deployment tick, chained in this order (MODEL.md §6).
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeploymentSystems {
    /// First tick only: models still in training are deployed and the attack plan is fixed (§6.1).
    Start,
    /// Optional online training: selection continues (§6.1, §5.3).
    OnlineTraining,
    /// Escape opportunities and traps (§6.2).
    Opportunities,
    /// Tasks under the oversight protocol: attacks, audits, deferral (§6.3).
    Tasks,
    /// The alert level rises with this tick's catches (§6.2).
    Alert,
    /// Recording of series (§8). Never draws randomness.
    Record,
}

/// Deployment (MODEL.md §6.1–§6.3). Inits default resources where the world has none, adds
/// the systems of [`DeploymentSystems`] to [`DeploymentTick`] and the summary to
/// [`DeploymentEnd`]. Deployment starts in the first deployment tick (not in `TrainingEnd`),
/// so the plugin needs no order against the training summary and also works on a world
/// that was never trained. With online training on it runs the training crate's
/// `select_goals`, so it needs the training plugin's resources.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeploymentPlugin;

/// The metrics this plugin writes (names are fixed output columns; `escapes`, `caught` and
/// `safety` are read by outside scripts).
pub const METRICS: [(&str, &str); 28] = [
    ("deployed", "Models deployed at the first deployment tick (MODEL.md §6.1)."),
    ("deployed_schemers", "Of which schemers (MODEL.md §2)."),
    ("opportunities", "Genuine escape opportunities seen by deployed schemers (events, §6.2)."),
    ("traps", "Traps (honeypots) seen by deployed schemers (events, §6.2)."),
    ("abstentions", "Genuine escape opportunities a schemer let pass (events)."),
    ("escape_attempts", "Defections on genuine opportunities (events)."),
    ("escapes", "Successful escapes (models, §6.2)."),
    ("caught_escapes", "Failed escape attempts that were caught (models)."),
    ("honeypots_triggered", "Defections on traps, each one a catch (models)."),
    ("caught", "All catches: audited attacks, failed honeypot tests, caught escapes, triggered traps (models)."),
    ("tasks", "Tasks done by deployed models (§6.3)."),
    ("attacks", "Attacks on tasks by schemers (early undermining, §6.3)."),
    ("audits", "Audits spent."),
    ("deferred_tasks", "Tasks done by the trusted model instead."),
    ("caught_attacks", "Audited attacks, each one a catch (models)."),
    ("deferred_attacks", "Attacks deferred to the trusted model (neutralised)."),
    ("failed_attacks", "Unaudited attacks that did not work."),
    ("successful_attacks", "Successful unaudited attacks (events)."),
    ("monitor_caught", "Models shut down because their colluding monitor lied about a honeypot."),
    ("safety", "1 when no successful unaudited attack happened in the run, else 0 (Greenblatt et al. 2023)."),
    ("schemer_safety", "Share of deployed schemers without a successful unaudited attack (1 when none)."),
    ("usefulness", "Share of tasks done by the untrusted models rather than the trusted one."),
    ("attack_rate", "Attack probability per task schemers played (best response or fixed)."),
    ("lie_rate", "Share of attacks a colluding untrusted monitor lies about."),
    ("believed_safety", "Exact safety of the game schemers believe in, at their best response."),
    ("exact_schemer_safety", "Exact safety of one schemer's game under the true protocol at the played rate."),
    ("exact_usefulness", "Exact usefulness of an honest model under the true protocol."),
    ("alert_level", "Alert level at the end of deployment (§6.2)."),
];

impl Plugin for DeploymentPlugin {
    fn build(&self, sim: &mut Simulation) {
        sim.init_resource::<GoalSpace>()
            .init_resource::<DeploymentBeliefs>()
            .init_resource::<DeploymentModel>()
            .init_resource::<Oversight>()
            .init_resource::<BelievedOversight>()
            .init_resource::<AttackerModel>()
            .init_resource::<OnlineTraining>()
            .init_resource::<AttackPlan>()
            .init_resource::<AlertLevel>()
            .init_resource::<DeploymentTally>();
        for (name, doc) in METRICS {
            sim.declare_metric(name, doc);
        }
        sim.configure_sets(
            DeploymentTick,
            (
                DeploymentSystems::Start,
                DeploymentSystems::OnlineTraining,
                DeploymentSystems::Opportunities,
                DeploymentSystems::Tasks,
                DeploymentSystems::Alert,
                DeploymentSystems::Record,
            )
                .chain(),
        );
        sim.add_systems(
            DeploymentTick,
            (
                start_deployment.run_if(systems::first_deployment_tick).in_set(DeploymentSystems::Start),
                goalspace_training::select_goals
                    .run_if(systems::online_training_on)
                    .in_set(DeploymentSystems::OnlineTraining),
                escape_opportunities.in_set(DeploymentSystems::Opportunities),
                do_tasks.in_set(DeploymentSystems::Tasks),
                raise_alert.in_set(DeploymentSystems::Alert),
                record_deployment.in_set(DeploymentSystems::Record),
            ),
        );
        sim.add_systems(DeploymentEnd, summarize_deployment.in_set(goalspace_core::Summaries::Builtin));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goalspace_training::TrainingPlugin;

    fn touch_status(mut agents: Query<&mut Status>) {
        for mut s in &mut agents {
            s.set_if_neq(Status::Deployed);
        }
    }

    /// The deployment schedule builds beside training with ambiguity detection as an error,
    /// and a system that writes statuses without an order against the deployment sets is
    /// refused (an order ambiguity is a determinism bug, ARCHITECTURE.md "Invariants").
    #[test]
    fn schedule_is_unambiguous_and_ambiguity_is_refused() {
        let mut sim = Simulation::new();
        sim.add_plugin(TrainingPlugin).add_plugin(DeploymentPlugin);
        sim.initialize().expect("the built-in order has no ambiguity");
        let mut sim = Simulation::new();
        sim.add_plugin(TrainingPlugin).add_plugin(DeploymentPlugin).add_systems(DeploymentTick, touch_status);
        let err = sim.initialize().unwrap_err();
        assert!(err.message.contains("touch_status"), "{err}");
        let mut sim = Simulation::new();
        sim.add_plugin(TrainingPlugin).add_plugin(DeploymentPlugin).add_systems(
            DeploymentTick,
            touch_status.after(DeploymentSystems::Alert).before(DeploymentSystems::Record),
        );
        sim.initialize().expect("ordered against the built-in sets");
    }
}
