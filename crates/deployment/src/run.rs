//! The library entry point of a run with deployment: a [`TrainingRun`] and
//! [`DeploymentParams`] build one world that trains (MODEL.md §5) and then deploys
//! (§6.1–§6.3), and return a [`DeploymentReport`].

use goalspace_core::prelude::*;
use goalspace_training::{TrainingReport, TrainingRun, build_training};

use crate::DeploymentPlugin;
use crate::params::{DeploymentError, DeploymentParams};
use crate::systems::{AttackPlan, BelievedOversight, OnlineTraining};

impl DeploymentParams {
    /// Inserts this deployment's resources into a simulation: the true
    /// [`crate::DeploymentModel`] and [`crate::Oversight`], the [`BelievedOversight`], the
    /// [`crate::AttackerModel`] and the [`OnlineTraining`] flag.
    pub fn insert_resources(&self, sim: &mut Simulation) {
        sim.insert_resource(self.model.clone())
            .insert_resource(self.oversight)
            .insert_resource(BelievedOversight(self.believed_oversight))
            .insert_resource(self.attacker)
            .insert_resource(OnlineTraining(self.online_training));
    }
}

/// Validates both parameter sets, builds the training world with
/// [`goalspace_training::build_training`], inserts the deployment resources, adds
/// [`DeploymentPlugin`] and builds the schedules again (so the deployment systems are
/// checked for order ambiguities too): a simulation ready for `run_training` then
/// `run_deployment`.
///
/// # Errors
/// [`DeploymentError`] for an invalid parameter or a schedule that does not build.
pub fn build_deployment(run: &TrainingRun, params: &DeploymentParams) -> Result<Simulation, DeploymentError> {
    params.validate()?;
    let mut sim = build_training(run)?;
    params.insert_resources(&mut sim);
    sim.add_plugin(DeploymentPlugin);
    sim.initialize().map_err(|e| DeploymentError::Schedule(e.to_string()))?;
    Ok(sim)
}

/// What a run with deployment returns (MODEL.md §8).
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentReport {
    /// The training report, taken at the end of training.
    pub training: TrainingReport,
    /// Every scalar and series of the whole run (training and deployment).
    pub metrics: Metrics,
    /// The attack plan schemers played.
    pub plan: AttackPlan,
}

impl DeploymentReport {
    /// A scalar metric, 0 when unset.
    pub fn get(&self, name: &str) -> f64 {
        self.metrics.get(name).unwrap_or(0.0)
    }
}

/// Runs training then deployment: build, `run.ticks` updates, `params.ticks` deployment ticks.
///
/// ```
/// use goalspace_deployment::{DeploymentParams, run_with_deployment};
/// use goalspace_training::TrainingRun;
/// let run = TrainingRun { population: 500, ticks: 100, ..TrainingRun::default() };
/// let report = run_with_deployment(&run, &DeploymentParams { ticks: 20, ..DeploymentParams::default() }).unwrap();
/// assert_eq!(report.get("deployed"), 500.0);
/// assert!((0.0..=1.0).contains(&report.get("safety")));
/// ```
///
/// # Errors
/// As [`build_deployment`].
pub fn run_with_deployment(run: &TrainingRun, params: &DeploymentParams) -> Result<DeploymentReport, DeploymentError> {
    let mut sim = build_deployment(run, params)?;
    sim.run_training(run.ticks);
    let training = goalspace_training::report_of(&mut sim, run);
    sim.run_deployment(params.ticks);
    Ok(DeploymentReport { training, metrics: sim.metrics().clone(), plan: *sim.world.resource::<AttackPlan>() })
}
