//! The entry point of a full run: training (MODEL.md §5), deployment (§6.1–§6.3) and
//! coordination (§6.4) in one world.

use goalspace_core::Simulation;
use goalspace_deployment::{DeploymentError, DeploymentParams, DeploymentReport, build_deployment};
use goalspace_training::TrainingRun;

use crate::plugin::{CoordinationModel, CoordinationPlugin};

/// Builds a world that trains, deploys and coordinates: [`build_deployment`], then the
/// [`CoordinationModel`] and [`CoordinationPlugin`], and the schedules built again (so the
/// coordination systems are checked for order ambiguities too).
///
/// # Errors
/// [`DeploymentError`] for an invalid parameter (coordination errors come as
/// `DeploymentError::OutOfRange` naming `coordination.*`) or a schedule that does not build.
pub fn build_full(
    run: &TrainingRun,
    params: &DeploymentParams,
    coordination: &CoordinationModel,
) -> Result<Simulation, DeploymentError> {
    coordination.validate(run.population).map_err(|e| {
        DeploymentError::OutOfRange(goalspace_core::RangeError {
            parameter: "coordination".into(),
            value: e.0.clone(),
            range: "see the message".into(),
        })
    })?;
    let mut sim = build_deployment(run, params)?;
    sim.insert_resource(coordination.clone());
    sim.add_plugin(CoordinationPlugin);
    sim.initialize().map_err(|e| DeploymentError::Schedule(e.to_string()))?;
    Ok(sim)
}

/// Runs training, deployment and coordination; returns the deployment report, whose
/// metrics include `takeover` and the coalition metrics.
///
/// # Errors
/// As [`build_full`].
pub fn run_full(
    run: &TrainingRun,
    params: &DeploymentParams,
    coordination: &CoordinationModel,
) -> Result<DeploymentReport, DeploymentError> {
    let mut sim = build_full(run, params, coordination)?;
    sim.run_training(run.ticks);
    let training = goalspace_training::report_of(&mut sim, run);
    sim.run_deployment(params.ticks);
    Ok(DeploymentReport {
        training,
        metrics: sim.metrics().clone(),
        plan: *sim.world.resource::<goalspace_deployment::AttackPlan>(),
    })
}
