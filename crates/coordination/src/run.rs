//! The entry point of a full run: training (MODEL.md §5), deployment (§6.1–§6.3) and
//! coordination (§6.4) in one world.

use goalspace_core::Simulation;
use goalspace_deployment::{DeploymentError, DeploymentParams, DeploymentReport, build_deployment};
use goalspace_training::TrainingRun;

use crate::graph::GraphError;
use crate::plugin::{CoordinationModel, CoordinationPlugin};

/// Builds a world that trains, deploys and coordinates: [`build_deployment`], then the
/// [`CoordinationModel`] and [`CoordinationPlugin`], and the schedules built again (so the
/// coordination systems are checked for order ambiguities too).
///
/// # Errors
/// [`DeploymentError`] for an invalid parameter (coordination errors come as
/// `DeploymentError::Invalid` with a message naming `coordination.*`) or a schedule that
/// does not build.
pub fn build_full(
    run: &TrainingRun,
    params: &DeploymentParams,
    coordination: &CoordinationModel,
) -> Result<Simulation, DeploymentError> {
    let graph = |e: GraphError| DeploymentError::Invalid(format!("coordination.graph: {}", e.0));
    coordination.graph.validate(run.population).map_err(graph)?;
    coordination.validate(run.population).map_err(|e| DeploymentError::Invalid(e.0))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::GraphKind;

    /// A coordination parameter the scenario checks would not catch (a library caller's)
    /// is refused with a message naming the parameter, not a range placeholder.
    #[test]
    fn invalid_coordination_is_named() {
        let run = TrainingRun { population: 50, ticks: 2, ..TrainingRun::default() };
        let params = DeploymentParams { ticks: 2, ..Default::default() };
        let bad_graph = CoordinationModel { graph: GraphKind::ErdosRenyi { p: 1.5 }, ..Default::default() };
        let err = build_full(&run, &params, &bad_graph).err().expect("p = 1.5 is refused").to_string();
        assert_eq!(err, "coordination.graph: p = 1.5 is outside [0, 1]");
        let bad_mix = CoordinationModel { strategy_mix: [0.5, 0.5, 0.5, 0.0], ..Default::default() };
        let err = build_full(&run, &params, &bad_mix).err().expect("a mix summing to 1.5 is refused").to_string();
        assert!(err.starts_with("coordination.strategy_mix"), "{err}");
    }
}
