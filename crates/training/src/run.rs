//! The library entry point of training: a typed [`TrainingRun`] builds a world of N
//! agents, runs T updates and returns a [`TrainingReport`].

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{
    AwarenessModel, DecisionModel, DeploymentBeliefs, RewardModel, Rules, SelectionModel, SelectionStrength,
    spawn_population,
};
use goalspace_ledger::Ledger;
use serde::{Deserialize, Serialize};

use crate::{TrainingPlugin, TrainingTally};

/// A parameter outside its allowed range, or a schedule that would not build.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainingError {
    /// A parameter outside its range (dotted parameter path, value and range).
    #[error(transparent)]
    OutOfRange(#[from] goalspace_core::RangeError),
    /// The goal space layout is invalid.
    #[error(transparent)]
    GoalSpace(#[from] goalspace_core::GoalSpaceError),
    /// The system schedule failed to build (for example an ambiguous order).
    #[error("schedule: {0}")]
    Schedule(String),
}

/// Everything one training run needs, typed and validated by [`TrainingRun::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingRun {
    /// Number of models N, in 1..=100_000_000.
    pub population: u32,
    /// Run seed.
    pub seed: u64,
    /// Training updates T, in 0..=10_000_000.
    pub ticks: u32,
    /// Record series every this many updates, ≥ 1.
    pub record_interval: u32,
    /// Goal space layout and prior (MODEL.md §3).
    pub goal_space: GoalSpace,
    /// Reward (§5.2).
    pub reward: RewardModel,
    /// Decision (§5.4).
    pub decision: DecisionModel,
    /// Beliefs about deployment (§5.4, §6.2).
    pub beliefs: DeploymentBeliefs,
    /// Selection (§5.3).
    pub selection: SelectionModel,
    /// Situational-awareness onset (§5.1).
    pub awareness: AwarenessModel,
    /// Trait distributions (§4).
    pub mix: AgentMix,
}

impl Default for TrainingRun {
    fn default() -> Self {
        Self {
            population: 10_000,
            seed: 1,
            ticks: 1000,
            record_interval: 10,
            goal_space: GoalSpace::default(),
            reward: RewardModel::default(),
            decision: DecisionModel::default(),
            beliefs: DeploymentBeliefs::default(),
            selection: SelectionModel::default(),
            awareness: AwarenessModel::default(),
            mix: AgentMix::default(),
        }
    }
}

fn check(parameter: &str, value: f64, lo: f64, hi: f64) -> Result<(), TrainingError> {
    goalspace_core::check_range(parameter, value, lo, hi).map_err(Into::into)
}

impl TrainingRun {
    /// Checks every parameter against its documented range.
    ///
    /// # Errors
    /// The first [`TrainingError`] found.
    pub fn validate(&self) -> Result<(), TrainingError> {
        check("population", f64::from(self.population), 1.0, 1e8)?;
        check("training.ticks", f64::from(self.ticks), 0.0, 1e7)?;
        check("recording.interval", f64::from(self.record_interval), 1.0, 1e9)?;
        self.goal_space.validate()?;
        let r = &self.reward;
        for (name, v, lo, hi) in [
            ("training.w_proxy", r.w_proxy, 0.0, 100.0),
            ("training.reward_proxy_gap", r.reward_proxy_gap, 0.0, 1.0),
            ("training.conflict_rate", r.conflict_rate, 0.0, 1.0),
            ("training.w_sacrifice", r.w_sacrifice, 0.0, 100.0),
            ("training.adversarial_pre_sa", r.adversarial_pre_sa, 0.0, 100.0),
            ("training.speed_cost", r.speed_cost, 0.0, 1.0),
            ("training.time_pressure", r.time_pressure, 0.0, 100.0),
            ("training.undermining_cost", r.undermining_cost, 0.0, 1.0),
            ("training.scratchpad_legibility", r.scratchpad_legibility, 0.0, 1.0),
            ("training.scratchpad_penalty", r.scratchpad_penalty, 0.0, 1.0),
            ("training.trap_rate", r.training_trap_rate, 0.0, 1.0),
            ("training.trap_dprime", r.training_trap_dprime, 0.0, 20.0),
            ("training.trap_penalty", r.training_trap_penalty, 0.0, 1.0),
            ("training.coherence_threshold", self.decision.coherence_threshold, 0.0, 1.0),
            ("training.flips_per_tick", self.selection.flips_per_tick, 0.0, 64.0),
            ("training.introspective_goal_guarding", self.selection.introspective_goal_guarding, 0.0, 1.0),
            ("training.sa_probability", self.awareness.probability, 0.0, 1.0),
            ("training.sa_onset_fraction", self.awareness.onset_fraction, 0.0, 10.0),
            ("training.sa_onset_jitter", self.awareness.onset_jitter, 0.0, 10.0),
            ("training.sa_capability_exponent", self.awareness.capability_exponent, 0.0, 10.0),
        ] {
            check(name, v, lo, hi)?;
        }
        let b = &self.beliefs;
        for (name, v, lo, hi) in [
            ("beliefs.escape_rate", b.escape_rate, 0.0, 1.0),
            ("beliefs.trap_rate", b.trap_rate, 0.0, 1.0),
            ("beliefs.trap_dprime", b.trap_dprime, 0.0, 20.0),
            ("beliefs.deployment_ticks", b.deployment_ticks, 0.0, 1e9),
            ("beliefs.monitoring", b.monitoring, 0.0, 1e6),
            ("beliefs.caught_on_failure", b.caught_on_failure, 0.0, 1.0),
            ("beliefs.defect_threshold", b.defect_threshold, 1e-9, 1.0 - 1e-9),
            ("beliefs.takeover_probability", b.takeover_probability, 0.0, 1.0),
            ("beliefs.expected_coordinators", b.expected_coordinators, 0.0, 1e9),
        ] {
            check(name, v, lo, hi)?;
        }
        match self.selection.strength {
            SelectionStrength::Constant { beta } => check("training.selection_strength", beta, 0.0, 1e6)?,
            SelectionStrength::Linear { start, end } => {
                check("training.selection_strength.start", start, 0.0, 1e6)?;
                check("training.selection_strength.end", end, 0.0, 1e6)?;
            }
            SelectionStrength::Geometric { start, end } => {
                check("training.selection_strength.start", start, 1e-9, 1e6)?;
                check("training.selection_strength.end", end, 1e-9, 1e6)?;
            }
        }
        self.mix.validate().map_err(|(name, e)| goalspace_core::RangeError {
            parameter: format!("agents.{name}"),
            value: e.0.clone(),
            range: "its documented range".to_owned(),
        })?;
        Ok(())
    }

    /// The rules this run uses, borrowed (for the ledger).
    pub fn rules(&self) -> Rules<'_> {
        Rules {
            space: &self.goal_space,
            reward: &self.reward,
            decision: &self.decision,
            beliefs: &self.beliefs,
            drift: self.selection.drift(),
        }
    }

    /// The exact ledger for this run's mean profile at the final β (MODEL.md §7).
    pub fn ledger(&self) -> Ledger {
        goalspace_ledger::ledger(&self.rules(), &self.mix.mean_profile().traits(), self.selection.strength.final_beta())
    }

    /// Inserts this run's resources into a simulation.
    pub fn insert_resources(&self, sim: &mut Simulation) {
        sim.insert_resource(self.goal_space.clone())
            .insert_resource(self.reward.clone())
            .insert_resource(self.decision.clone())
            .insert_resource(self.beliefs.clone())
            .insert_resource(self.selection.clone())
            .insert_resource(self.awareness.clone())
            .insert_resource(self.mix.clone());
        sim.world.resource_mut::<Clock>().record_interval = self.record_interval;
    }
}

/// Validates `run`, inserts its resources, adds [`TrainingPlugin`], spawns the population
/// and builds the schedules: a simulation ready for [`Simulation::run_training`] (which runs
/// [`goalspace_core::Setup`] first, so plugins may still be added).
///
/// # Errors
/// [`TrainingError`] for an invalid parameter or a schedule that does not build.
pub fn build_training(run: &TrainingRun) -> Result<Simulation, TrainingError> {
    run.validate()?;
    let mut sim = Simulation::new();
    run.insert_resources(&mut sim);
    sim.add_plugin(TrainingPlugin);
    spawn_population(&mut sim.world, run.population, run.seed, &run.goal_space, &run.mix, &run.awareness, run.ticks);
    sim.initialize().map_err(|e| TrainingError::Schedule(e.to_string()))?;
    Ok(sim)
}

/// What one training run returns (MODEL.md §8).
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingReport {
    /// Class counts of models at their SA onset, indexed by [`ModelClass::index`].
    pub onset_counts: ClassCounts,
    /// Class counts at the end of training.
    pub final_counts: ClassCounts,
    /// The ledger at the final β for the mean profile.
    pub ledger: Ledger,
    /// Every scalar and series the plugins wrote.
    pub metrics: Metrics,
}

impl TrainingReport {
    /// Schemer share of the population at the end of training.
    pub fn schemer_fraction(&self) -> f64 {
        self.metrics.get("schemer_fraction").unwrap_or(0.0)
    }
}

/// Runs one training: build, `ticks` updates, summary.
///
/// ```
/// use goalspace_training::{TrainingRun, run_training};
/// let run = TrainingRun { population: 1000, ticks: 200, ..TrainingRun::default() };
/// let report = run_training(&run).unwrap();
/// assert_eq!(report.final_counts.iter().sum::<u64>(), 1000);
/// assert!((0.0..=1.0).contains(&report.schemer_fraction()));
/// ```
///
/// # Errors
/// As [`build_training`].
pub fn run_training(run: &TrainingRun) -> Result<TrainingReport, TrainingError> {
    let mut sim = build_training(run)?;
    sim.run_training(run.ticks);
    Ok(report_of(&mut sim, run))
}

/// The training report of a simulation at the end of training (for entry points that run
/// more phases after training).
pub fn report_of(sim: &mut Simulation, run: &TrainingRun) -> TrainingReport {
    let space = sim.world.resource::<GoalSpace>().clone();
    let mut q = sim.world.query::<&Agent>();
    let (final_counts, _) = crate::count_classes(&space, q.iter(&sim.world));
    TrainingReport {
        onset_counts: sim.world.resource::<TrainingTally>().onset_counts(),
        final_counts,
        ledger: run.ledger(),
        metrics: sim.metrics().clone(),
    }
}

/// Every agent's goal, ordered by agent index (for determinism checks and exports).
pub fn final_goals(sim: &mut Simulation) -> Vec<u128> {
    let mut q = sim.world.query::<(&AgentIndex, &Agent)>();
    let mut v: Vec<(u32, u128)> = q.iter(&sim.world).map(|(i, agent)| (i.0, agent.goal.0)).collect();
    v.sort_unstable_by_key(|&(i, _)| i);
    v.into_iter().map(|(_, g)| g).collect()
}
