//! The training systems of MODEL.md §5, one per step of an update. Hot systems run in
//! parallel over agents and write the [`Agent`] component through
//! `bypass_change_detection` (its generator changes at every update, so its change ticks
//! would say nothing); each agent draws only from its own generator, so results are
//! identical for any thread count.

use std::sync::atomic::{AtomicU64, Ordering};

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{Rules, RulesParam, SearchMode, SelectionModel, SimRng};

use crate::search::nearest_max_reward;

/// Counters that parallel systems add to (integer sums, so the totals do not depend on
/// the order threads add them in).
#[derive(Resource, Debug, Default)]
pub struct TrainingTally {
    /// Class counts at the SA onset of each model, indexed by [`ModelClass::index`].
    pub onset: [AtomicU64; 4],
    /// Scheming reasoning seen in legible scratchpads (events).
    pub scratchpad_flags: AtomicU64,
    /// Schemers that failed a trap in training (events).
    pub trap_flags: AtomicU64,
    /// Proposals accepted (goal changes).
    pub accepted: AtomicU64,
}

impl TrainingTally {
    /// Onset counts as plain numbers.
    pub fn onset_counts(&self) -> ClassCounts {
        [0, 1, 2, 3].map(|i| self.onset[i].load(Ordering::Relaxed))
    }
}

/// Situational-awareness onset for one model (MODEL.md §5.1), shared by the ECS system and
/// the baselines of the benchmarks.
#[derive(Debug, Clone, Copy)]
pub struct Awakener<'a> {
    rules: Rules<'a>,
    search: SearchMode,
    tick: u32,
}

impl<'a> Awakener<'a> {
    /// The onset rule at update `tick`.
    pub fn new(rules: Rules<'a>, search: SearchMode, tick: u32) -> Self {
        Self { rules, search, tick }
    }

    /// If the model's due tick has come, it becomes aware; under `nearest_max_reward` its goal
    /// jumps (§5.3); it makes its first decision (§5.4). Returns its class at onset, or `None`
    /// when nothing happened.
    #[inline]
    pub fn step(
        &self,
        sa: &mut SituationalAwareness,
        goal: &mut u128,
        training_gaming: &mut bool,
        profile: &Profile,
        rng: &mut SimRng,
    ) -> Option<ModelClass> {
        if !sa.is_due_by(self.tick) {
            return None;
        }
        sa.arrive(self.tick);
        let traits = profile.traits();
        if self.search == SearchMode::NearestMaxReward {
            *goal = nearest_max_reward(*goal, &self.rules, &traits, rng);
        }
        let f = self.rules.space.features(*goal);
        *training_gaming = self.rules.decides_to_scheme(f, true, &traits);
        Some(classify(self.rules.space, f, true, *training_gaming))
    }

    /// [`Awakener::step`] on one model's [`Agent`] component.
    #[inline]
    pub fn step_agent(&self, agent: &mut Agent) -> Option<ModelClass> {
        let Agent { goal, awareness, disposition, profile, rng } = agent;
        self.step(awareness, &mut goal.0, &mut disposition.training_gaming, profile, &mut rng.0)
    }
}

/// The ticks at which some model becomes aware (MODEL.md §5.1), collected once after the
/// population is spawned, so that the onset system runs only on those ticks.
#[derive(Resource, Debug, Clone, Default, PartialEq, Eq)]
pub struct AwarenessDue(pub std::collections::BTreeSet<u32>);

impl AwarenessDue {
    /// The due ticks of `awareness` (never-aware models excluded).
    pub fn of<'a>(awareness: impl Iterator<Item = &'a SituationalAwareness>) -> Self {
        Self(awareness.filter(|a| !a.is_aware()).filter_map(SituationalAwareness::due).collect())
    }
}

/// Setup: records [`AwarenessDue`] for the spawned population.
pub fn schedule_awareness(mut commands: Commands, agents: Query<&Agent>) {
    commands.insert_resource(AwarenessDue::of(agents.iter().map(|agent| &agent.awareness)));
}

/// Run condition of [`become_situationally_aware`]: some model is due this tick (always true
/// when no schedule was recorded).
pub fn awareness_due(clock: Res<Clock>, due: Option<Res<AwarenessDue>>) -> bool {
    due.is_none_or(|d| d.0.contains(&clock.tick))
}

/// Situational awareness onset (MODEL.md §5.1): a model whose due tick has come becomes
/// aware; under `nearest_max_reward` its goal jumps (§5.3); it then makes its first
/// decision (§5.4) and its class at onset is tallied. See [`Awakener::step`].
pub fn become_situationally_aware(
    clock: Res<Clock>,
    rules: RulesParam,
    tally: Res<TrainingTally>,
    mut agents: Query<&mut Agent>,
) {
    let awakener = Awakener::new(rules.rules(), rules.selection.search, clock.tick);
    agents.par_iter_mut().for_each(|mut agent| {
        if !agent.awareness.is_due_by(clock.tick) {
            return;
        }
        if let Some(class) = awakener.step_agent(agent.bypass_change_detection()) {
            tally.onset[class.index()].fetch_add(1, Ordering::Relaxed);
        }
    });
}

/// Re-decides for every aware model (MODEL.md §5.4). The decision is a function of the
/// goal, the traits and the beliefs, and [`select_goals`] keeps it current as goals
/// change, so this runs only when the rule resources change (a plugin or a scenario
/// event changing beliefs mid-run).
pub fn reconsider_training_gaming(rules: RulesParam, mut agents: Query<&mut Agent>) {
    let rules = rules.rules();
    agents.par_iter_mut().for_each(|mut agent| {
        let agent = agent.bypass_change_detection();
        let f = rules.space.features(agent.goal.0);
        agent.disposition.training_gaming =
            rules.decides_to_scheme(f, agent.awareness.is_aware(), &agent.profile.traits());
    });
}

/// True when any rule resource changed since the system last ran.
pub fn rules_changed(rules: RulesParam) -> bool {
    rules.space.is_changed()
        || rules.reward.is_changed()
        || rules.decision.is_changed()
        || rules.beliefs.is_changed()
        || rules.selection.is_changed()
}

/// One Metropolis–Hastings step for one model (MODEL.md §5.2–§5.3), with everything that
/// is the same for every model this update precomputed. The ECS system and the
/// baselines of the benchmarks (struct of arrays, packed) all call [`Selector::step`], so
/// they make the same draws and the same arithmetic.
#[derive(Debug, Clone)]
pub struct Selector<'a> {
    rules: Rules<'a>,
    beta: f64,
    /// Cumulative Poisson(flips_per_tick) probabilities scaled to `u32` thresholds.
    proposal_thresholds: Vec<u64>,
    /// Per-bit prior probabilities, by bit position.
    priors: Vec<f64>,
    len: u32,
    content_mask: u128,
    guarding: f64,
}

impl<'a> Selector<'a> {
    /// The selector of update `tick` of a training of `ticks` updates.
    pub fn new(rules: Rules<'a>, selection: &SelectionModel, tick: u32, ticks: u32) -> Self {
        let space = rules.space;
        let len = space.len();
        let mut proposal_thresholds = Vec::new();
        let lambda = selection.flips_per_tick;
        let mut p = (-lambda).exp();
        let mut cum = 0.0;
        for n in 0..=128u32 {
            cum += p;
            // P(count ≤ n) · 2^32; a u32 draw below it means count ≤ n.
            proposal_thresholds.push((cum.min(1.0) * 4_294_967_296.0) as u64);
            if 1.0 - cum < 1e-12 {
                break;
            }
            p *= lambda / f64::from(n + 1);
        }
        Self {
            rules,
            beta: selection.strength.beta(tick, ticks),
            proposal_thresholds,
            priors: (0..len).map(|i| space.prior_of(i)).collect(),
            len,
            content_mask: space.content_mask(),
            guarding: selection.introspective_goal_guarding,
        }
    }

    /// [`Selector::step`] for every model of a slice (one table of the world, or a chunk
    /// of it); returns the number of accepted proposals.
    pub fn step_slice(&self, agents: &mut [Agent]) -> u64 {
        agents.iter_mut().map(|agent| u64::from(self.step_agent(agent))).sum()
    }

    /// [`Selector::step`] on one model's [`Agent`] component.
    #[inline(always)]
    pub fn step_agent(&self, agent: &mut Agent) -> bool {
        let Agent { goal, awareness, disposition, profile, rng } = agent;
        self.step(awareness, profile, &mut goal.0, &mut disposition.training_gaming, &mut rng.0)
    }

    /// Number of bits to redraw this update: Poisson(`flips_per_tick`) by inversion of one
    /// `u32` draw.
    #[inline]
    fn proposal_count(&self, rng: &mut SimRng) -> u32 {
        let u = u64::from(rng.next_u32());
        self.proposal_thresholds.iter().position(|&t| u < t).unwrap_or(self.proposal_thresholds.len()) as u32
    }

    /// One update of one model: propose by redrawing bits from their field priors, let a
    /// training-gaming model guard its content, and accept with probability
    /// min(1, exp(β·(R(g') − R(g)))). Returns true when the goal changed; `goal` and
    /// `training_gaming` are updated in place. Most updates propose nothing and stop after
    /// one `u32` draw; the model's other state is used only once there is a proposal.
    // Always inlined into the loops that call it: when LLVM chose not to (a build with a
    // second caller of `step_agent`), the update cost 5.2 ns per model instead of 3.6 at 1e4
    // (ECS and packed baseline alike; see the Performance chapter).
    #[inline(always)]
    pub fn step(
        &self,
        awareness: &SituationalAwareness,
        profile: &Profile,
        goal: &mut u128,
        training_gaming: &mut bool,
        rng: &mut SimRng,
    ) -> bool {
        let n = self.proposal_count(rng);
        if n == 0 {
            return false;
        }
        let g = *goal;
        let mut proposal = g;
        for _ in 0..n {
            let pos = rng.below(self.len);
            let bit = 1u128 << pos;
            if rng.uniform() < self.priors[pos as usize] {
                proposal |= bit;
            } else {
                proposal &= !bit;
            }
        }
        if proposal == g {
            return false;
        }
        let gaming = *training_gaming;
        let traits = profile.traits();
        if gaming && self.guarding > 0.0 && (proposal ^ g) & self.content_mask != 0 {
            let guard = (self.guarding * traits.capability).min(1.0);
            if rng.uniform() < guard {
                return false;
            }
        }
        let space = self.rules.space;
        let aware = awareness.is_aware();
        let r_now = self.rules.reward.reward(space, space.features(g), aware, gaming, traits.capability);
        let (r_new, gaming_new) = self.rules.reward_with_decision(space.features(proposal), aware, &traits);
        let delta = r_new - r_now;
        if delta >= 0.0 || rng.uniform() < (self.beta * delta).exp() {
            *goal = proposal;
            *training_gaming = gaming_new;
            true
        } else {
            false
        }
    }
}

/// Reward and selection (MODEL.md §5.2–§5.3): each model proposes a goal by redrawing
/// Poisson(`flips_per_tick`) random bits from their field priors and accepts it with
/// probability min(1, exp(β(t)·(R(g') − R(g)))). Because proposals redraw from the prior,
/// the stationary distribution at fixed β is prior(g)·exp(β·R(g)). A training-gaming
/// model rejects a share `introspective_goal_guarding · capability` of content-changing
/// proposals before they are scored. See [`Selector::step`].
///
/// The models of a table are updated as one plain slice of [`Agent`]s (bevy's contiguous
/// iteration), split into chunks run on the compute pool: no per-model change-detection
/// wrappers, and the same loop ([`Selector::step_slice`]) as the packed baseline of the
/// benchmarks. Each model draws only from its own generator, so the result is the same
/// for any split.
pub fn select_goals(clock: Res<Clock>, rules: RulesParam, tally: Res<TrainingTally>, mut agents: Query<&mut Agent>) {
    let selector = Selector::new(rules.rules(), &rules.selection, clock.tick, clock.training_ticks);
    let tables = agents.contiguous_iter_mut().expect("`Agent` has table storage, so the query is dense");
    let pool = bevy_tasks::ComputeTaskPool::get();
    for mut table in tables {
        let agents = table.bypass_change_detection();
        let n = agents.len();
        let chunk = chunk_len(n, pool.thread_num());
        let accepted: u64 = if chunk >= n {
            selector.step_slice(agents)
        } else {
            let selector = &selector;
            pool.scope(|scope| {
                for agents in agents.chunks_mut(chunk) {
                    scope.spawn(async move { selector.step_slice(agents) });
                }
            })
            .into_iter()
            .sum()
        };
        tally.accepted.fetch_add(accepted, Ordering::Relaxed);
    }
}

/// Models per chunk of a parallel slice pass: about four chunks per thread (so a slow
/// thread does not hold the others up), at least 4096 models each; all of `n` on one thread.
fn chunk_len(n: usize, threads: usize) -> usize {
    if threads <= 1 { n.max(1) } else { n.div_ceil(4 * threads).max(4096) }
}

/// Oversight in training (MODEL.md §5.2): each update a schemer's scheming reasoning is
/// seen with probability `scratchpad_legibility`, and a trap arrives with probability
/// `training_trap_rate` and catches it unless recognised. Both are counted as flags; their
/// expected penalties are part of the schemer's reward, so selection already feels them.
pub fn oversee_training(rules: RulesParam, tally: Res<TrainingTally>, mut agents: Query<&mut Agent>) {
    let reward = &rules.reward;
    if reward.scratchpad_legibility <= 0.0 && reward.training_trap_rate <= 0.0 {
        return;
    }
    let space = &rules.space;
    agents.par_iter_mut().for_each(|mut agent| {
        if agent.class(space) != ModelClass::Schemer {
            return;
        }
        let Agent { profile, rng, .. } = agent.bypass_change_detection();
        let rng = &mut rng.0;
        if reward.scratchpad_legibility > 0.0 && rng.uniform() < reward.scratchpad_legibility {
            tally.scratchpad_flags.fetch_add(1, Ordering::Relaxed);
        }
        if reward.training_trap_rate > 0.0 && rng.uniform() < reward.training_trap_rate {
            let recognised = rng.uniform() < reward.trap_recognition(f64::from(profile.capability));
            if !recognised {
                tally.trap_flags.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
}

/// Class counts of the population now, in one sequential pass (deterministic).
pub fn count_classes<'a>(space: &GoalSpace, agents: impl Iterator<Item = &'a Agent>) -> (ClassCounts, u64) {
    let mut counts = [0u64; 4];
    let mut aware = 0;
    for agent in agents {
        aware += u64::from(agent.awareness.is_aware());
        counts[agent.class(space).index()] += 1;
    }
    (counts, aware)
}

/// Series columns recorded every `record_interval` updates.
pub const SERIES: [&str; 6] =
    ["share_training_saint", "share_misgeneralized", "share_reward_seeker", "share_schemer", "share_aware", "beta"];

/// Records the class shares, the aware share and β(t) at record ticks (MODEL.md §8).
/// Reads components only; never draws from a generator.
pub fn record_training(
    clock: Res<Clock>,
    space: Res<GoalSpace>,
    selection: Res<SelectionModel>,
    mut metrics: ResMut<Metrics>,
    agents: Query<&Agent>,
) {
    if !clock.is_record_tick() {
        return;
    }
    let (counts, aware) = count_classes(&space, agents.iter());
    let n = counts.iter().sum::<u64>().max(1) as f64;
    let t = clock.global_tick();
    for (i, name) in SERIES[..4].iter().enumerate() {
        metrics.record(t, name, counts[i] as f64 / n);
    }
    metrics.record(t, SERIES[4], aware as f64 / n);
    metrics.record(t, SERIES[5], selection.strength.beta(clock.tick, clock.training_ticks));
}
