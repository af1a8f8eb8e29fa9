//! The probe's systems. Every probe decision of a model at a tick comes from its own
//! generator, seeded by (run seed, [`crate::STREAM`], agent index and global tick), so the
//! results do not depend on thread count or query order and switching probes on shifts no
//! draw of any other stream.

use std::sync::atomic::{AtomicU64, Ordering};

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{Rules, RulesParam, RunSeed, SimRng, derive_seed, sample_goal};
use goalspace_deployment::DeploymentTally;
use goalspace_training::Selector;
use rand_distr::{Distribution, StandardNormal};

use crate::{ProbeAction, ProbeModel, STREAM};

/// Event counters the parallel probe systems add to (integer sums, so totals do not
/// depend on the order threads add them in).
#[derive(Resource, Debug, Default)]
pub struct ProbeTally {
    /// Probe applications.
    pub tests: AtomicU64,
    /// Of which on schemer-like goals.
    pub tests_schemer_like: AtomicU64,
    /// Flags of schemer-like goals.
    pub true_positives: AtomicU64,
    /// Flags of other goals.
    pub false_positives: AtomicU64,
    /// Flags of schemers.
    pub schemers_flagged: AtomicU64,
    /// Flagged schemers shut down in deployment, or not schemers after retraining (or
    /// after replacement, in training).
    pub schemers_removed: AtomicU64,
    /// Flags in training updates.
    pub flags_training: AtomicU64,
    /// Flags in deployment ticks.
    pub flags_deployment: AtomicU64,
    /// Deployed models shut down (`Status::Caught`) by the probe.
    pub shut_down: AtomicU64,
}

fn bump(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

/// What one probe application found and did.
struct Outcome {
    flagged: bool,
    removed_schemer: bool,
}

/// The probe of one model at one tick, shared by both phases: decides whether the model is
/// probed this tick (probability `rate`), draws its score, and on a flag applies the action
/// (`shut_down` is left to the caller, which knows the phase). Returns `None` when the model
/// was not probed.
struct Prober<'a> {
    model: ProbeModel,
    /// True in deployment, where `shut_down` takes the model out instead of replacing it.
    deployment: bool,
    rules: Rules<'a>,
    selector: Selector<'a>,
    seed: u64,
    tick: u32,
    rate: f64,
    dprime: f64,
    threshold: f64,
}

// ANCHOR: probe
impl Prober<'_> {
    fn probe(
        &self,
        index: u32,
        sa: &SituationalAwareness,
        profile: &Profile,
        goal: &mut u128,
        gaming: &mut bool,
        tally: &ProbeTally,
    ) -> Option<Outcome> {
        let key = (u64::from(index) << 32) | u64::from(self.tick);
        let u = (derive_seed(self.seed, STREAM, key) >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        if u >= self.rate {
            return None;
        }
        let mut rng = SimRng::new(self.seed, STREAM + 1, key);
        let space = self.rules.space;
        let f = space.features(*goal);
        let positive = space.is_schemer_like(f);
        let schemer = classify(space, f, sa.is_aware(), *gaming) == ModelClass::Schemer;
        bump(&tally.tests);
        let z: f64 = StandardNormal.sample(rng.pcg());
        let score = if positive {
            bump(&tally.tests_schemer_like);
            self.dprime + z
        } else {
            z
        };
        if score <= self.threshold {
            return Some(Outcome { flagged: false, removed_schemer: false });
        }
        bump(if positive { &tally.true_positives } else { &tally.false_positives });
        bump(if self.deployment { &tally.flags_deployment } else { &tally.flags_training });
        if schemer {
            bump(&tally.schemers_flagged);
        }
        // Shut down in deployment: out, and its goal no longer matters.
        if self.deployment && self.model.action == ProbeAction::ShutDown {
            return Some(Outcome { flagged: true, removed_schemer: schemer });
        }
        // Otherwise the slot gets a goal drawn from the prior (retraining then selects),
        // which may be a schemer's again.
        let traits = profile.traits();
        *goal = sample_goal(space, &mut rng);
        *gaming = self.rules.decides_to_scheme(space.features(*goal), sa.is_aware(), &traits);
        if self.model.action == ProbeAction::Retrain {
            for _ in 0..self.model.retrain_updates {
                self.selector.step(sa, profile, goal, gaming, &mut rng);
            }
        }
        let still = classify(space, space.features(*goal), sa.is_aware(), *gaming) == ModelClass::Schemer;
        Some(Outcome { flagged: true, removed_schemer: schemer && !still })
    }
}
// ANCHOR_END: probe

fn prober<'a>(model: &ProbeModel, rules: &'a RulesParam, seed: u64, clock: &Clock, deployment: bool) -> Prober<'a> {
    let (rate, beta_at) = if deployment {
        (model.deployment_rate, (clock.training_ticks.saturating_sub(1), clock.training_ticks))
    } else {
        (model.training_rate, (clock.tick, clock.training_ticks))
    };
    Prober {
        model: *model,
        deployment,
        rules: rules.rules(),
        selector: Selector::new(rules.rules(), &rules.selection, beta_at.0, beta_at.1),
        seed,
        tick: clock.global_tick(),
        rate,
        dprime: model.dprime(),
        threshold: model.threshold(),
    }
}

// ANCHOR: training
/// Probes models during training (MODEL.md §5): each update each model is probed with
/// probability `training_rate`; a flagged model is retrained at the update's β, or shut
/// down and replaced by a fresh model from the prior (see [`ProbeAction`]).
pub fn probe_in_training(
    clock: Res<Clock>,
    model: Res<ProbeModel>,
    rules: RulesParam,
    seed: Res<RunSeed>,
    tally: Res<ProbeTally>,
    mut agents: Query<(&AgentIndex, &mut Agent)>,
) {
    if model.training_rate <= 0.0 {
        return;
    }
    let p = prober(&model, &rules, seed.0, &clock, false);
    agents.par_iter_mut().for_each(|(index, mut agent)| {
        let (mut g, mut gaming) = (agent.goal.0, agent.disposition.training_gaming);
        if let Some(outcome) = p.probe(index.0, &agent.awareness, &agent.profile, &mut g, &mut gaming, &tally) {
            if outcome.flagged {
                agent.goal.0 = g;
                agent.disposition.training_gaming = gaming;
            }
            if outcome.removed_schemer {
                bump(&tally.schemers_removed);
            }
        }
    });
}

// ANCHOR_END: training

/// Probes deployed models (MODEL.md §6): each tick each deployed model is probed with
/// probability `deployment_rate`; a flagged model is retrained at the final training β and
/// stays deployed, or is shut down (`Status::Caught`). Either change is counted in the
/// deployment tally's `membership_changes`, so coalitions are recomputed.
pub fn probe_in_deployment(
    clock: Res<Clock>,
    model: Res<ProbeModel>,
    rules: RulesParam,
    seed: Res<RunSeed>,
    tally: Res<ProbeTally>,
    deployment: Option<Res<DeploymentTally>>,
    mut agents: Query<(&AgentIndex, &mut Agent, &mut Status)>,
) {
    if model.deployment_rate <= 0.0 {
        return;
    }
    let p = prober(&model, &rules, seed.0, &clock, true);
    let deployment = deployment.as_deref();
    agents.par_iter_mut().for_each(|(index, mut agent, mut status)| {
        if *status != Status::Deployed {
            return;
        }
        let (mut g, mut gaming) = (agent.goal.0, agent.disposition.training_gaming);
        let Some(outcome) = p.probe(index.0, &agent.awareness, &agent.profile, &mut g, &mut gaming, &tally) else {
            return;
        };
        if outcome.removed_schemer {
            bump(&tally.schemers_removed);
        }
        if !outcome.flagged {
            return;
        }
        if model.action == ProbeAction::ShutDown {
            *status = Status::Caught;
            bump(&tally.shut_down);
        } else {
            agent.goal.0 = g;
            agent.disposition.training_gaming = gaming;
        }
        if let Some(d) = deployment {
            bump(&d.membership_changes);
        }
    });
}

/// Writes the probe metrics ([`crate::METRICS`]): totals so far, so the values after
/// deployment cover training and deployment.
pub fn summarize_probes(model: Res<ProbeModel>, tally: Res<ProbeTally>, mut metrics: ResMut<Metrics>) {
    let load = |a: &AtomicU64| a.load(Ordering::Relaxed) as f64;
    let (tests, positives) = (load(&tally.tests), load(&tally.tests_schemer_like));
    let (tp, fp) = (load(&tally.true_positives), load(&tally.false_positives));
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    metrics.set("probe_tests", tests);
    metrics.set("probe_tests_schemer_like", positives);
    metrics.set("probe_flags", tp + fp);
    metrics.set("probe_true_positives", tp);
    metrics.set("probe_false_positives", fp);
    metrics.set("probe_tpr", ratio(tp, positives));
    metrics.set("probe_fpr", ratio(fp, tests - positives));
    metrics.set("probe_expected_tpr", model.true_positive_rate());
    metrics.set("probe_schemers_flagged", load(&tally.schemers_flagged));
    metrics.set("probe_schemers_removed", load(&tally.schemers_removed));
    metrics.set("probe_flags_training", load(&tally.flags_training));
    metrics.set("probe_flags_deployment", load(&tally.flags_deployment));
    metrics.set("probe_shut_down", load(&tally.shut_down));
}
