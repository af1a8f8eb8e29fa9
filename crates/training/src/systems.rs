//! The training systems of MODEL.md §5, one per step of an update. Hot systems run in
//! parallel over agents and write through `bypass_change_detection` (nothing reads the
//! change ticks of these components); each agent draws only from its own generator,
//! so results are identical for any thread count.

use std::sync::atomic::{AtomicU64, Ordering};

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{RulesParam, SearchMode, SelectionModel, SimRng};

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

/// Poisson(λ) by inversion from one uniform, with the cumulative table precomputed.
#[derive(Debug, Clone)]
pub(crate) struct Proposals {
    cumulative: Vec<f64>,
}

impl Proposals {
    pub(crate) fn new(lambda: f64) -> Self {
        let mut cumulative = Vec::new();
        let mut p = (-lambda).exp();
        let mut cum = 0.0;
        for n in 0..=128u32 {
            cum += p;
            cumulative.push(cum);
            if 1.0 - cum < 1e-15 {
                break;
            }
            p *= lambda / f64::from(n + 1);
        }
        Self { cumulative }
    }

    /// Number of bits to redraw this update.
    #[inline]
    pub(crate) fn draw(&self, rng: &mut SimRng) -> u32 {
        let u = rng.uniform();
        self.cumulative.iter().position(|&c| u < c).unwrap_or(self.cumulative.len()) as u32
    }
}

/// Situational awareness onset (MODEL.md §5.1): a model whose due tick has come becomes
/// aware; under `nearest_max_reward` its goal jumps (§5.3); it then makes its first
/// decision (§5.4) and its class at onset is tallied.
pub fn become_situationally_aware(
    clock: Res<Clock>,
    rules: RulesParam,
    tally: Res<TrainingTally>,
    mut agents: Query<(&mut SituationalAwareness, &mut Goal, &mut Disposition, &Profile, &mut AgentRng)>,
) {
    let tick = clock.tick;
    let search = rules.selection.search;
    let rules = rules.rules();
    agents.par_iter_mut().for_each(|(mut sa, mut goal, mut disposition, profile, mut rng)| {
        if sa.onset.is_some() || sa.due > tick {
            return;
        }
        sa.bypass_change_detection().onset = Some(tick);
        let traits = profile.traits();
        let goal = goal.bypass_change_detection();
        if search == SearchMode::NearestMaxReward {
            goal.0 = nearest_max_reward(goal.0, &rules, &traits, &mut rng.bypass_change_detection().0);
        }
        let f = rules.space.features(goal.0);
        let gaming = rules.decides_to_scheme(f, true, &traits);
        disposition.bypass_change_detection().training_gaming = gaming;
        tally.onset[classify(rules.space, f, true, gaming).index()].fetch_add(1, Ordering::Relaxed);
    });
}

/// Re-decides for every aware model (MODEL.md §5.4). The decision is a function of the
/// goal, the traits and the beliefs, and [`select_goals`] keeps it current as goals
/// change, so this runs only when the rule resources change (a plugin or a scenario
/// event changing beliefs mid-run).
pub fn reconsider_training_gaming(
    rules: RulesParam,
    mut agents: Query<(&SituationalAwareness, &Goal, &mut Disposition, &Profile)>,
) {
    let rules = rules.rules();
    agents.par_iter_mut().for_each(|(sa, goal, mut disposition, profile)| {
        let f = rules.space.features(goal.0);
        let gaming = rules.decides_to_scheme(f, sa.is_aware(), &profile.traits());
        if disposition.training_gaming != gaming {
            disposition.training_gaming = gaming;
        }
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

/// Reward and selection (MODEL.md §5.2–§5.3): each model proposes a goal by redrawing
/// Poisson(`flips_per_tick`) random bits from their field priors and accepts it with
/// probability min(1, exp(β(t)·(R(g') − R(g)))). Because proposals redraw from the prior,
/// the stationary distribution at fixed β is prior(g)·exp(β·R(g)). A training-gaming
/// model rejects a share `introspective_goal_guarding · capability` of content-changing
/// proposals before they are scored.
pub fn select_goals(
    clock: Res<Clock>,
    rules: RulesParam,
    tally: Res<TrainingTally>,
    mut agents: Query<(&SituationalAwareness, &mut Goal, &mut Disposition, &Profile, &mut AgentRng)>,
) {
    let selection: &SelectionModel = &rules.selection;
    let beta = selection.strength.beta(clock.tick, clock.training_ticks);
    let proposals = Proposals::new(selection.flips_per_tick);
    let guarding = selection.introspective_goal_guarding;
    let rules = rules.rules();
    let space = rules.space;
    let len = space.len();
    let content_mask = space.content_mask();
    let priors: Vec<f64> = (0..len).map(|i| space.prior_of(i)).collect();
    agents.par_iter_mut().for_each(|(sa, mut goal, mut disposition, profile, mut rng)| {
        let rng = &mut rng.bypass_change_detection().0;
        let n = proposals.draw(rng);
        if n == 0 {
            return;
        }
        let g = goal.0;
        let mut proposal = g;
        for _ in 0..n {
            let pos = rng.below(len);
            let bit = 1u128 << pos;
            if rng.uniform() < priors[pos as usize] {
                proposal |= bit;
            } else {
                proposal &= !bit;
            }
        }
        if proposal == g {
            return;
        }
        let gaming = disposition.training_gaming;
        let traits = profile.traits();
        if gaming && guarding > 0.0 && (proposal ^ g) & content_mask != 0 {
            let guard = (guarding * traits.capability).min(1.0);
            if rng.uniform() < guard {
                return;
            }
        }
        let aware = sa.is_aware();
        let r_now = rules.reward.reward(space, space.features(g), aware, gaming, traits.capability);
        let (r_new, gaming_new) = rules.reward_with_decision(space.features(proposal), aware, &traits);
        let delta = r_new - r_now;
        if delta >= 0.0 || rng.uniform() < (beta * delta).exp() {
            goal.bypass_change_detection().0 = proposal;
            disposition.bypass_change_detection().training_gaming = gaming_new;
            tally.accepted.fetch_add(1, Ordering::Relaxed);
        }
    });
}

/// Oversight in training (MODEL.md §5.2): each update a schemer's scheming reasoning is
/// seen with probability `scratchpad_legibility`, and a trap arrives with probability
/// `training_trap_rate` and catches it unless recognised. Both are counted as flags; their
/// expected penalties are part of the schemer's reward, so selection already feels them.
pub fn oversee_training(
    rules: RulesParam,
    tally: Res<TrainingTally>,
    mut agents: Query<(&SituationalAwareness, &Goal, &Disposition, &Profile, &mut AgentRng)>,
) {
    let reward = &rules.reward;
    if reward.scratchpad_legibility <= 0.0 && reward.training_trap_rate <= 0.0 {
        return;
    }
    let space = &rules.space;
    agents.par_iter_mut().for_each(|(sa, goal, disposition, profile, mut rng)| {
        let f = space.features(goal.0);
        if classify(space, f, sa.is_aware(), disposition.training_gaming) != ModelClass::Schemer {
            return;
        }
        let rng = &mut rng.bypass_change_detection().0;
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
pub fn count_classes<'a>(
    space: &GoalSpace,
    agents: impl Iterator<Item = (&'a SituationalAwareness, &'a Goal, &'a Disposition)>,
) -> (ClassCounts, u64) {
    let mut counts = [0u64; 4];
    let mut aware = 0;
    for (sa, goal, disposition) in agents {
        let a = sa.is_aware();
        aware += u64::from(a);
        counts[classify(space, space.features(goal.0), a, disposition.training_gaming).index()] += 1;
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
    agents: Query<(&SituationalAwareness, &Goal, &Disposition)>,
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
