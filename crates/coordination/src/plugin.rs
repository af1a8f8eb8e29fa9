//! [`CoordinationPlugin`] (MODEL.md §6.4): at the first deployment tick it builds the
//! communication graph and gives each model a strategy from the scenario's mix; every tick
//! escaped models grow power with capability, coalitions are recomputed when membership
//! changed (an escape or a catch), and a coalition whose total power reaches
//! `takeover_threshold` takes over.

use std::sync::atomic::Ordering;

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::rng::stream;
use goalspace_core::{
    CoalitionMembership, DeploymentBeliefs, DeploymentEnd, DeploymentTick, RunSeed, SimRng, Summaries,
};
use goalspace_deployment::{DeploymentSystems, DeploymentTally};
use serde::{Deserialize, Serialize};

use crate::coalition::{Coalitions, Member, coalitions};
use crate::graph::{CommGraph, GraphError, GraphKind};

/// The coordination parameters of a scenario (MODEL.md §6.4).
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoordinationModel {
    /// The communication graph.
    pub graph: GraphKind,
    /// Shares of `[solo, kin, any_ai, reciprocal]` strategies, each in [0, 1], summing to 1.
    pub strategy_mix: [f64; 4],
    /// Hamming radius of `Kin` strategies, in bits.
    pub kin_radius: u32,
    /// Power an escaped model gains per tick at capability 1, ≥ 0 (it scales with capability).
    pub power_growth: f64,
    /// Total power at which a coalition takes over, > 0.
    pub takeover_threshold: f64,
    /// Whether models' belief in power later counts the AIs they expect to coordinate with
    /// (MODEL.md §5.4): sets `beliefs.expected_coordinators` to mean degree × P(a neighbour
    /// coordinates)².
    pub belief_feedback: bool,
}

impl Default for CoordinationModel {
    fn default() -> Self {
        Self {
            graph: GraphKind::ErdosRenyi { p: 0.001 },
            strategy_mix: [1.0, 0.0, 0.0, 0.0],
            kin_radius: 2,
            power_growth: 1.0,
            takeover_threshold: 1000.0,
            belief_feedback: false,
        }
    }
}

impl CoordinationModel {
    /// Checks every parameter for a population of `n` models.
    ///
    /// # Errors
    /// A [`GraphError`] naming the parameter (`coordination.xxx`) and its range.
    pub fn validate(&self, n: u32) -> Result<(), GraphError> {
        self.graph.validate(n)?;
        let sum: f64 = self.strategy_mix.iter().sum();
        if self.strategy_mix.iter().any(|p| !(0.0..=1.0).contains(p)) || (sum - 1.0).abs() > 1e-9 {
            return Err(GraphError(format!(
                "coordination.strategy_mix {:?} must be four shares in [0, 1] summing to 1 (they sum to {sum})",
                self.strategy_mix
            )));
        }
        if !(self.power_growth >= 0.0 && self.power_growth.is_finite()) {
            return Err(GraphError(format!("coordination.power_growth = {} must be ≥ 0", self.power_growth)));
        }
        if !(self.takeover_threshold > 0.0 && self.takeover_threshold.is_finite()) {
            return Err(GraphError(format!(
                "coordination.takeover_threshold = {} must be > 0",
                self.takeover_threshold
            )));
        }
        Ok(())
    }

    /// Expected mean degree of the graph for `n` models.
    pub fn expected_degree(&self, n: u32) -> f64 {
        let n = f64::from(n);
        match self.graph {
            GraphKind::ErdosRenyi { p } => (n - 1.0) * p,
            GraphKind::WattsStrogatz { k, .. } => f64::from(k),
            GraphKind::BarabasiAlbert { m } => 2.0 * f64::from(m),
            GraphKind::Complete => n - 1.0,
        }
    }

    /// The strategy drawn from one uniform `u`.
    fn strategy(&self, u: f64) -> CoordinationStrategy {
        let mut acc = 0.0;
        let all = [
            CoordinationStrategy::Solo,
            CoordinationStrategy::Kin { radius: self.kin_radius },
            CoordinationStrategy::AnyAi,
            CoordinationStrategy::Reciprocal,
        ];
        for (s, p) in all.into_iter().zip(self.strategy_mix) {
            acc += p;
            if u < acc {
                return s;
            }
        }
        CoordinationStrategy::Solo
    }
}

/// The communication graph of the run (built at the first deployment tick).
#[derive(Resource, Debug, Clone)]
pub struct CommunicationGraph(pub CommGraph);

/// The current coalitions, with the membership version they were computed for.
#[derive(Resource, Debug, Clone, Default)]
pub struct CurrentCoalitions {
    /// Coalitions by agent index, if computed.
    pub coalitions: Option<Coalitions>,
    /// Membership version (escapes + catches) they belong to.
    pub version: u64,
    /// How many times they were recomputed.
    pub recomputations: u64,
    /// Total power of the most powerful coalition at the last tick.
    pub largest_power: f64,
}

/// The takeover, once it happens.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Takeover {
    /// Global tick of the takeover.
    pub tick: Option<u32>,
}

/// The steps coordination adds to a deployment tick. `Start` and `Coalitions` run after
/// [`DeploymentSystems::Start`] and before [`DeploymentSystems::OnlineTraining`], so the
/// tasks of a tick see the coalitions (and colluding monitors) of the membership at its
/// start; `Power` and `Takeover` run after [`DeploymentSystems::Alert`] and before
/// [`DeploymentSystems::Record`].
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoordinationSystems {
    /// First tick only: graph, strategies, zero power.
    Start,
    /// Coalitions recomputed when membership changed.
    Coalitions,
    /// Escaped models grow power.
    Power,
    /// Takeover check.
    Takeover,
}

/// Coordination and takeover (MODEL.md §6.4). Needs [`goalspace_deployment::DeploymentPlugin`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CoordinationPlugin;

/// The metrics this plugin writes (`takeover` is a fixed output column).
pub const METRICS: [(&str, &str); 7] = [
    (
        "takeover",
        "1 when a coalition's power reached the takeover threshold during deployment, else 0 (MODEL.md §6.4).",
    ),
    ("takeover_tick", "Global tick of the takeover (only when one happened)."),
    ("coalition_count", "Coalitions among misaligned deployed or escaped models at the end (singletons included)."),
    ("largest_coalition", "Members of the largest coalition at the end."),
    ("mean_coalition_size", "Mean coalition size at the end."),
    ("largest_coalition_power", "Total power of the most powerful coalition at the end."),
    ("coalition_recomputations", "Times coalitions were recomputed (membership changes)."),
];

impl Plugin for CoordinationPlugin {
    fn build(&self, sim: &mut Simulation) {
        sim.init_resource::<CoordinationModel>().init_resource::<CurrentCoalitions>().init_resource::<Takeover>();
        for (name, doc) in METRICS {
            sim.declare_metric(name, doc);
        }
        // The belief feedback must be in place before training decides anything.
        let model = sim.world.resource::<CoordinationModel>().clone();
        if model.belief_feedback {
            let n = sim.world.query::<&AgentIndex>().iter(&sim.world).count() as u32;
            let coordinating = 1.0 - model.strategy_mix[0];
            sim.world.resource_mut::<DeploymentBeliefs>().expected_coordinators =
                model.expected_degree(n) * coordinating * coordinating;
        }
        sim.configure_sets(
            DeploymentTick,
            (CoordinationSystems::Start, CoordinationSystems::Coalitions)
                .chain()
                .after(DeploymentSystems::Start)
                .before(DeploymentSystems::OnlineTraining),
        );
        sim.configure_sets(
            DeploymentTick,
            (CoordinationSystems::Power, CoordinationSystems::Takeover)
                .chain()
                .after(DeploymentSystems::Alert)
                .before(DeploymentSystems::Record),
        );
        sim.add_systems(
            DeploymentTick,
            (
                start_coordination
                    .run_if(not(resource_exists::<CommunicationGraph>))
                    .in_set(CoordinationSystems::Start),
                grow_power.in_set(CoordinationSystems::Power),
                update_coalitions.in_set(CoordinationSystems::Coalitions),
                check_takeover.in_set(CoordinationSystems::Takeover),
            ),
        );
        sim.add_systems(
            DeploymentEnd,
            summarize_coordination.after(goalspace_deployment::summarize_deployment).in_set(Summaries::Builtin),
        );
    }
}

/// Builds the graph (stream GRAPH) and gives every model a strategy (stream COORDINATION,
/// one uniform per model) and zero power.
pub fn start_coordination(
    mut commands: Commands,
    model: Res<CoordinationModel>,
    seed: Res<RunSeed>,
    agents: Query<(Entity, &AgentIndex)>,
) {
    let n = agents.iter().len() as u32;
    let mut rng = SimRng::new(seed.0, stream::GRAPH, 0);
    commands.insert_resource(CommunicationGraph(CommGraph::generate(model.graph, n, &mut rng)));
    let batch: Vec<(Entity, (CoordinationStrategy, Power, CoalitionMembership))> = agents
        .iter()
        .map(|(e, i)| {
            let u = SimRng::new(seed.0, stream::COORDINATION, u64::from(i.0)).uniform();
            (e, (model.strategy(u), Power(0.0), CoalitionMembership::default()))
        })
        .collect();
    commands.insert_batch(batch);
}

/// Escaped models gain `power_growth · capability` power per tick.
pub fn grow_power(model: Res<CoordinationModel>, mut agents: Query<(&Status, &Agent, &mut Power)>) {
    let growth = model.power_growth as f32;
    agents.par_iter_mut().for_each(|(status, agent, mut power)| {
        if *status == Status::Escaped {
            power.bypass_change_detection().0 += growth * agent.profile.capability;
        }
    });
}

/// Recomputes coalitions when membership changed since the last computation (an escape or
/// a catch; deployment itself happens once) and marks each model's
/// [`CoalitionMembership`]. Eligible models: not training saints, and deployed or escaped.
pub fn update_coalitions(
    graph: Res<CommunicationGraph>,
    space: Res<GoalSpace>,
    tally: Res<DeploymentTally>,
    mut current: ResMut<CurrentCoalitions>,
    agents: Query<(&AgentIndex, &Status, &Agent, &CoordinationStrategy)>,
    mut memberships: Query<(&AgentIndex, &mut CoalitionMembership)>,
) {
    let version = tally.escapes.load(Ordering::Relaxed) + tally_catches(&tally) + 1;
    if current.coalitions.is_some() && current.version == version {
        return;
    }
    let n = graph.0.node_count() as usize;
    let mut members = vec![Member { eligible: false, strategy: CoordinationStrategy::Solo, content: 0 }; n];
    let mask = space.content_mask();
    for (index, status, agent, strategy) in &agents {
        let content = agent.goal.0 & mask;
        let eligible = content != 0 && matches!(status, Status::Deployed | Status::Escaped);
        members[index.0 as usize] = Member { eligible, strategy: *strategy, content };
    }
    let c = coalitions(&graph.0, &members);
    for (index, mut membership) in &mut memberships {
        let label = c.label[index.0 as usize];
        let has_partner = label != u32::MAX && c.sizes[label as usize] >= 2;
        if membership.has_partner != has_partner {
            membership.has_partner = has_partner;
        }
    }
    current.coalitions = Some(c);
    current.version = version;
    current.recomputations += 1;
}

/// Events that change who is deployed besides escapes: catches, and changes made by
/// plugins (`membership_changes`).
fn tally_catches(tally: &DeploymentTally) -> u64 {
    tally.caught_escapes.load(Ordering::Relaxed)
        + tally.membership_changes.load(Ordering::Relaxed)
        + tally.honeypots_triggered.load(Ordering::Relaxed)
        + tally.caught_attacks.load(Ordering::Relaxed)
        + tally.monitor_caught.load(Ordering::Relaxed)
}

/// Sums escaped models' power per coalition; the first tick a coalition reaches the
/// threshold is the takeover tick.
pub fn check_takeover(
    clock: Res<Clock>,
    model: Res<CoordinationModel>,
    mut current: ResMut<CurrentCoalitions>,
    mut takeover: ResMut<Takeover>,
    agents: Query<(&AgentIndex, &Status, &Power)>,
) {
    let Some(c) = &current.coalitions else { return };
    let mut power = vec![0.0f64; c.count()];
    for (index, status, p) in &agents {
        let label = c.label[index.0 as usize];
        if *status == Status::Escaped && label != u32::MAX {
            power[label as usize] += f64::from(p.0);
        }
    }
    let largest = power.iter().copied().fold(0.0, f64::max);
    current.largest_power = largest;
    if takeover.tick.is_none() && largest >= model.takeover_threshold {
        takeover.tick = Some(clock.global_tick());
    }
}

/// End-of-deployment coordination metrics.
pub fn summarize_coordination(current: Res<CurrentCoalitions>, takeover: Res<Takeover>, mut metrics: ResMut<Metrics>) {
    metrics.set("takeover", f64::from(u8::from(takeover.tick.is_some())));
    if let Some(t) = takeover.tick {
        metrics.set("takeover_tick", f64::from(t));
    }
    if let Some(c) = &current.coalitions {
        metrics.set("coalition_count", c.count() as f64);
        metrics.set("largest_coalition", f64::from(c.largest()));
        let total: u64 = c.sizes.iter().map(|&s| u64::from(s)).sum();
        metrics.set("mean_coalition_size", if c.count() == 0 { 0.0 } else { total as f64 / c.count() as f64 });
    }
    metrics.set("largest_coalition_power", current.largest_power);
    metrics.set("coalition_recomputations", current.recomputations as f64);
}
