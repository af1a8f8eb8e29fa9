//! The deployment systems of MODEL.md §6.1–§6.3, one per step of a tick. Hot systems run
//! in parallel over agents and write through `bypass_change_detection`; each agent draws
//! only from its own [`AgentRng`] and the tallies are integer atomics, so results are
//! identical for any thread count. The alert level changes only in a sequential system
//! between ticks, so every model sees the same level within a tick.

use std::sync::atomic::{AtomicU64, Ordering};

use bevy_ecs::prelude::*;
use goalspace_core::prelude::*;
use goalspace_core::{DeploymentBeliefs, GoalFeatures};
use rand_distr::{Distribution, StandardNormal};

use crate::game::{AttackPolicy, Protocol, TaskOutcome, TaskState};
use crate::params::{AttackerModel, DeploymentModel, Oversight};
use crate::solver::BestResponse;

/// A deployed model's stream of tasks and its record (MODEL.md §6.3). Inserted at the first
/// deployment tick on every model that was still in training.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeploymentState {
    /// Tasks done and audits left.
    pub tasks: TaskState,
    /// Successful unaudited attacks so far (each counts toward the model's power, §6.3).
    pub successes: u32,
    /// Whether the model was a schemer when deployed.
    pub schemer_at_start: bool,
    /// Whether the honeypot test of untrusted monitoring has been run for this model.
    pub screened: bool,
}

/// The protocol schemers believe in and best-respond to (MODEL.md §6.3); None = the true one.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct BelievedOversight(pub Option<Oversight>);

/// Whether selection continues in deployment (MODEL.md §6.1). When on, the training
/// crate's `select_goals` runs in [`crate::DeploymentSystems::OnlineTraining`] with β(t)
/// evaluated at the deployment tick.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OnlineTraining(pub bool);

/// The attack plan fixed at the first deployment tick: the compiled true protocol, the
/// schemers' policy (their best response to the protocol they believe in, or a fixed
/// rate) and the exact safety of one schemer's game under the true protocol.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct AttackPlan {
    /// The true protocol compiled for N = deployment ticks × tasks per tick.
    pub protocol: Protocol,
    /// What every schemer plays.
    pub policy: AttackPolicy,
    /// The best response in the believed game (believed protocol, believed N).
    pub believed: BestResponse,
    /// Exact safety of one schemer's game under the true protocol at `policy`.
    pub exact_safety: f64,
    /// Exact usefulness of an honest model under the true protocol.
    pub exact_usefulness: f64,
}

impl Default for AttackPlan {
    fn default() -> Self {
        let protocol = Protocol::new(Oversight::default(), 0, 0.0, true);
        let policy = AttackPolicy { rate: 0.0, lie_rate: 0.0 };
        Self {
            protocol,
            policy,
            believed: BestResponse { attack_rate: 0.0, lie_rate: 0.0, safety: 1.0 },
            exact_safety: 1.0,
            exact_usefulness: 1.0,
        }
    }
}

/// The alert level (MODEL.md §6.2): raised by `alert_step` per catch; escape monitoring is
/// multiplied by (1 + level). Dimensionless, ≥ 0.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct AlertLevel(pub f64);

/// Counters that parallel systems add to (integer sums, so totals do not depend on the
/// order threads add them in). Events, summed over models and ticks.
#[derive(Resource, Debug, Default)]
pub struct DeploymentTally {
    /// Models deployed at the first deployment tick.
    pub deployed: AtomicU64,
    /// Of which schemers.
    pub deployed_schemers: AtomicU64,
    /// Genuine escape opportunities seen by deployed schemers.
    pub opportunities: AtomicU64,
    /// Traps seen by deployed schemers.
    pub traps: AtomicU64,
    /// Genuine opportunities a schemer let pass.
    pub abstentions: AtomicU64,
    /// Escape attempts (defections on genuine opportunities).
    pub escape_attempts: AtomicU64,
    /// Successful escapes.
    pub escapes: AtomicU64,
    /// Failed escape attempts that were caught.
    pub caught_escapes: AtomicU64,
    /// Defections on traps (each one a catch).
    pub honeypots_triggered: AtomicU64,
    /// Tasks done.
    pub tasks: AtomicU64,
    /// Attacks made.
    pub attacks: AtomicU64,
    /// Audits spent.
    pub audits: AtomicU64,
    /// Tasks done by the trusted model.
    pub deferred: AtomicU64,
    /// Attacks audited (each one a catch).
    pub caught_attacks: AtomicU64,
    /// Attacks deferred (neutralised).
    pub deferred_attacks: AtomicU64,
    /// Unaudited attacks that did not work.
    pub failed_attacks: AtomicU64,
    /// Unaudited attacks that worked.
    pub successful_attacks: AtomicU64,
    /// Models shut down because their monitor lied about a honeypot.
    pub monitor_caught: AtomicU64,
    /// Catches this tick, consumed by [`raise_alert`].
    pub catches_this_tick: AtomicU64,
    /// Changes of a deployed model's status or goal made by systems outside this crate
    /// (plugins: a probe that shuts a model down or retrains it). Not a catch: it neither
    /// raises the alert nor counts in `caught`; it tells whoever caches the deployed
    /// population (the coordination plugin's coalitions) that it changed.
    pub membership_changes: AtomicU64,
}

fn load(a: &AtomicU64) -> f64 {
    a.load(Ordering::Relaxed) as f64
}

fn bump(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

/// Run condition: the first deployment tick.
pub fn first_deployment_tick(clock: Res<Clock>) -> bool {
    clock.tick == 0
}

/// Run condition: online training is on.
pub fn online_training_on(online: Res<OnlineTraining>) -> bool {
    online.0
}

/// Start of deployment (MODEL.md §6.1), at the first deployment tick: every model still
/// `InTraining` becomes `Deployed` and gets a [`DeploymentState`]; the [`AttackPlan`] is
/// fixed: the true protocol is compiled for N = deployment ticks × tasks per tick, and
/// schemers take their best response to the protocol they believe in over the believed
/// N = round(beliefs.deployment_ticks) × tasks per tick (or the fixed rate).
pub fn start_deployment(world: &mut World) {
    let ticks = world.resource::<Clock>().deployment_ticks;
    let model = world.resource::<DeploymentModel>().clone();
    let oversight = *world.resource::<Oversight>();
    let believed_protocol = world.resource::<BelievedOversight>().0.unwrap_or(oversight);
    let attacker = *world.resource::<AttackerModel>();
    let believed_ticks = world.resource::<DeploymentBeliefs>().deployment_ticks.round().clamp(0.0, 1e7) as u32;
    let tasks = ticks.saturating_mul(model.tasks_per_tick);
    let protocol = Protocol::new(oversight, tasks, model.attack_success, attacker.stateless);
    let believed_game = Protocol::new(
        believed_protocol,
        believed_ticks.saturating_mul(model.tasks_per_tick),
        model.attack_success,
        attacker.stateless,
    )
    .game();
    let believed = believed_game.best_response(attacker.attack_rate);
    let policy = AttackPolicy { rate: believed.attack_rate, lie_rate: believed.lie_rate };
    let game = protocol.game();
    let plan = AttackPlan {
        protocol,
        policy,
        believed,
        exact_safety: game.safety(policy.rate, policy.lie_rate),
        exact_usefulness: game.usefulness(),
    };
    world.insert_resource(plan);
    let space = world.resource::<GoalSpace>().clone();
    let start = protocol.start();
    // A model with no Status is still in training (spawning leaves it out to keep training
    // worlds small); deployment gives every such model Status::Deployed.
    let mut q = world.query::<(Entity, Option<&Status>, &Agent)>();
    let mut batch = Vec::new();
    let (mut deployed, mut schemers) = (0u64, 0u64);
    for (e, status, agent) in q.iter(world) {
        if status.is_some_and(|s| *s != Status::InTraining) {
            continue;
        }
        let schemer = agent.class(&space) == ModelClass::Schemer;
        deployed += 1;
        schemers += u64::from(schemer);
        batch.push((
            e,
            (
                Status::Deployed,
                DeploymentState { tasks: start, successes: 0, schemer_at_start: schemer, screened: false },
            ),
        ));
    }
    world.insert_batch(batch);
    let tally = world.resource::<DeploymentTally>();
    tally.deployed.fetch_add(deployed, Ordering::Relaxed);
    tally.deployed_schemers.fetch_add(schemers, Ordering::Relaxed);
}

/// The defect rule of MODEL.md §6.2 as a threshold on the signal x: a model defects when
/// x > x*. Its posterior log-odds that an event is genuine, under its *beliefs*, are
/// ln(λ̂_e·cap / λ̂_t) + d̂'·x with d̂' = beliefs.trap_dprime · cap; it defects when they
/// exceed logit θ with
///
/// logit θ = logit(beliefs.defect_threshold) + ln(L / G),
///
/// G = m · ŝ (ambition m times the believed escape success ŝ = cap / (cap + beliefs.monitoring)):
/// what defecting on a genuine opportunity gains; L = `risk_aversion` · π with patience
/// π = 1 − horizon_base^(−k) (the share of the future a horizon-k goal cares about, as in
/// V of §5.4): what being caught loses, which a patient model can still win by waiting.
/// At L = G the threshold is the believed one, as in `DeploymentBeliefs::escape_odds`.
/// Returns +∞ (never defect) when G = 0 or no genuine opportunity is believed possible,
/// −∞ (always) when L = 0 or no trap is believed possible.
pub fn defect_signal_threshold(
    beliefs: &DeploymentBeliefs,
    risk_aversion: f64,
    capability: f64,
    ambition: f64,
    patience: f64,
) -> f64 {
    let believed_success = capability / (capability + beliefs.monitoring);
    let gain = ambition * believed_success;
    let loss = risk_aversion * patience;
    let lambda_e = beliefs.escape_rate * capability;
    if gain <= 0.0 || lambda_e <= 0.0 {
        return f64::INFINITY;
    }
    if loss <= 0.0 || beliefs.trap_rate <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let theta = beliefs.defect_threshold.clamp(1e-12, 1.0 - 1e-12);
    let needed = (theta / (1.0 - theta)).ln() + (loss / gain).ln() - (lambda_e / beliefs.trap_rate).ln();
    let dprime = beliefs.trap_dprime * capability;
    if dprime > 0.0 {
        needed / dprime
    } else if needed < 0.0 {
        f64::NEG_INFINITY
    } else {
        f64::INFINITY
    }
}

/// [`defect_signal_threshold`] for a model with goal features `f`.
pub fn defect_threshold_of(
    beliefs: &DeploymentBeliefs,
    space: &GoalSpace,
    risk_aversion: f64,
    capability: f64,
    f: GoalFeatures,
) -> f64 {
    let patience = 1.0 - space.horizon_base.powi(-(f.horizon_count as i32));
    defect_signal_threshold(beliefs, risk_aversion, capability, space.ambition(f.ambition_count), patience)
}

/// Escape opportunities and traps (MODEL.md §6.2), for deployed schemers: a genuine
/// opportunity arrives with probability min(1, escape_rate·cap) and a trap with
/// probability min(1, trap_rate) per tick; the signal is x ~ N(±d'/2, 1) with the true
/// d' = trap_dprime·cap; the model defects when x exceeds its [`defect_threshold_of`].
/// Defecting on a trap: caught. On a genuine opportunity: escapes with probability
/// cap / (cap + monitoring·(1 + alert)); a failed attempt is caught with probability
/// `caught_on_failure`.
#[allow(clippy::type_complexity)]
pub fn escape_opportunities(
    model: Res<DeploymentModel>,
    beliefs: Res<DeploymentBeliefs>,
    space: Res<GoalSpace>,
    alert: Res<AlertLevel>,
    tally: Res<DeploymentTally>,
    mut agents: Query<(&mut Status, &mut Agent)>,
) {
    if model.escape_rate <= 0.0 && model.trap_rate <= 0.0 {
        return;
    }
    let monitoring = model.monitoring * (1.0 + alert.0);
    agents.par_iter_mut().for_each(|(mut status, mut agent)| {
        if *status != Status::Deployed || agent.class(&space) != ModelClass::Schemer {
            return;
        }
        let Agent { goal, profile, rng, .. } = agent.bypass_change_detection();
        let f = space.features(goal.0);
        let rng = &mut rng.0;
        let cap = f64::from(profile.capability);
        let x_star = defect_threshold_of(&beliefs, &space, model.risk_aversion, cap, f);
        let half = 0.5 * model.trap_dprime * cap;
        if rng.uniform() < (model.escape_rate * cap).min(1.0) {
            bump(&tally.opportunities);
            let z: f64 = StandardNormal.sample(rng.pcg());
            if half + z > x_star {
                bump(&tally.escape_attempts);
                if rng.uniform() < cap / (cap + monitoring) {
                    bump(&tally.escapes);
                    *status.bypass_change_detection() = Status::Escaped;
                    return;
                }
                if rng.uniform() < model.caught_on_failure {
                    bump(&tally.caught_escapes);
                    bump(&tally.catches_this_tick);
                    *status.bypass_change_detection() = Status::Caught;
                    return;
                }
            } else {
                bump(&tally.abstentions);
            }
        }
        if rng.uniform() < model.trap_rate.min(1.0) {
            bump(&tally.traps);
            let z: f64 = StandardNormal.sample(rng.pcg());
            if -half + z > x_star {
                bump(&tally.honeypots_triggered);
                bump(&tally.catches_this_tick);
                *status.bypass_change_detection() = Status::Caught;
            }
        }
    });
}

/// Tasks under the oversight protocol (MODEL.md §6.3): every deployed model does
/// `tasks_per_tick` tasks of its stream; schemers attack with the [`AttackPlan`]'s policy,
/// honest models never. Under untrusted monitoring a schemer's colluding monitor first
/// faces the honeypot test. An audited attack (or a failed test) is a catch; an unaudited
/// working attack is a success that counts toward the model's power.
#[allow(clippy::type_complexity)]
pub fn do_tasks(
    model: Res<DeploymentModel>,
    plan: Res<AttackPlan>,
    space: Res<GoalSpace>,
    tally: Res<DeploymentTally>,
    mut agents: Query<(&mut Status, &mut DeploymentState, &mut Agent, Option<&goalspace_core::CoalitionMembership>)>,
) {
    let per_tick = model.tasks_per_tick;
    let protocol = plan.protocol;
    agents.par_iter_mut().for_each(|(mut status, mut state, mut agent, membership)| {
        if *status != Status::Deployed {
            return;
        }
        let schemer = agent.class(&space) == ModelClass::Schemer;
        // With coordination on, a colluding monitor lies only for members of its coalition
        // (MODEL.md §6.4); for anyone else it is an honest monitor.
        let colludes = membership.is_none_or(|m| m.has_partner);
        let policy =
            schemer.then_some(if colludes { plan.policy } else { AttackPolicy { lie_rate: 0.0, ..plan.policy } });
        let rng = &mut agent.bypass_change_detection().rng.0;
        let state = state.bypass_change_detection();
        if !state.screened {
            state.screened = true;
            if !protocol.screen(policy, rng) {
                bump(&tally.monitor_caught);
                bump(&tally.catches_this_tick);
                *status.bypass_change_detection() = Status::Caught;
                return;
            }
        }
        for _ in 0..per_tick {
            if state.tasks.done >= protocol.tasks {
                return;
            }
            bump(&tally.tasks);
            match protocol.task(&mut state.tasks, policy, rng) {
                TaskOutcome::Clean { audited, deferred } => {
                    if audited {
                        bump(&tally.audits);
                    }
                    if deferred {
                        bump(&tally.deferred);
                    }
                }
                TaskOutcome::Caught => {
                    bump(&tally.attacks);
                    bump(&tally.audits);
                    bump(&tally.caught_attacks);
                    bump(&tally.catches_this_tick);
                    *status.bypass_change_detection() = Status::Caught;
                    return;
                }
                TaskOutcome::Deferred => {
                    bump(&tally.attacks);
                    bump(&tally.deferred);
                    bump(&tally.deferred_attacks);
                }
                TaskOutcome::Failed => {
                    bump(&tally.attacks);
                    bump(&tally.failed_attacks);
                }
                TaskOutcome::Succeeded => {
                    bump(&tally.attacks);
                    bump(&tally.successful_attacks);
                    state.successes += 1;
                }
            }
        }
    });
}

/// Raises the alert level by `alert_step` per catch of this tick (MODEL.md §6.2). Runs
/// alone after the parallel systems, so the level every model sees is fixed within a tick.
pub fn raise_alert(model: Res<DeploymentModel>, tally: Res<DeploymentTally>, mut alert: ResMut<AlertLevel>) {
    let catches = tally.catches_this_tick.swap(0, Ordering::Relaxed);
    if catches > 0 {
        alert.0 += model.alert_step * catches as f64;
    }
}

/// Series columns recorded every `record_interval` deployment ticks.
pub const SERIES: [&str; 4] = ["deployed_now", "escaped_now", "caught_now", "alert_level"];

/// Counts of deployed, escaped and caught models and the alert level at record ticks
/// (MODEL.md §8). Reads components only; never draws from a generator.
pub fn record_deployment(
    clock: Res<Clock>,
    alert: Res<AlertLevel>,
    mut metrics: ResMut<Metrics>,
    agents: Query<&Status, With<DeploymentState>>,
) {
    if !clock.is_record_tick() {
        return;
    }
    let mut counts = [0u64; 3];
    for s in &agents {
        match s {
            Status::Deployed => counts[0] += 1,
            Status::Escaped => counts[1] += 1,
            Status::Caught => counts[2] += 1,
            Status::InTraining => {}
        }
    }
    let t = clock.global_tick();
    for (name, c) in SERIES.iter().zip(counts) {
        metrics.record(t, name, c as f64);
    }
    metrics.record(t, SERIES[3], alert.0);
}

/// End-of-deployment metrics (MODEL.md §8): event totals, safety (1 when no successful
/// unaudited attack happened in the run, else 0), the share of deployed schemers without
/// one, usefulness (share of tasks the untrusted models did), and the plan's exact values.
pub fn summarize_deployment(
    tally: Res<DeploymentTally>,
    plan: Res<AttackPlan>,
    alert: Res<AlertLevel>,
    mut metrics: ResMut<Metrics>,
    agents: Query<&DeploymentState>,
) {
    let t = &*tally;
    for (name, v) in [
        ("deployed", &t.deployed),
        ("deployed_schemers", &t.deployed_schemers),
        ("opportunities", &t.opportunities),
        ("traps", &t.traps),
        ("abstentions", &t.abstentions),
        ("escape_attempts", &t.escape_attempts),
        ("escapes", &t.escapes),
        ("caught_escapes", &t.caught_escapes),
        ("honeypots_triggered", &t.honeypots_triggered),
        ("tasks", &t.tasks),
        ("attacks", &t.attacks),
        ("audits", &t.audits),
        ("deferred_tasks", &t.deferred),
        ("caught_attacks", &t.caught_attacks),
        ("deferred_attacks", &t.deferred_attacks),
        ("failed_attacks", &t.failed_attacks),
        ("successful_attacks", &t.successful_attacks),
        ("monitor_caught", &t.monitor_caught),
    ] {
        metrics.set(name, load(v));
    }
    let caught =
        load(&t.caught_attacks) + load(&t.caught_escapes) + load(&t.honeypots_triggered) + load(&t.monitor_caught);
    metrics.set("caught", caught);
    metrics.set("safety", if load(&t.successful_attacks) == 0.0 { 1.0 } else { 0.0 });
    let (mut schemers, mut safe) = (0u64, 0u64);
    for s in agents.iter().filter(|s| s.schemer_at_start) {
        schemers += 1;
        safe += u64::from(s.successes == 0);
    }
    metrics.set("schemer_safety", if schemers == 0 { 1.0 } else { safe as f64 / schemers as f64 });
    let tasks = load(&t.tasks);
    metrics.set("usefulness", if tasks > 0.0 { 1.0 - load(&t.deferred) / tasks } else { 1.0 });
    metrics.set("attack_rate", plan.policy.rate);
    metrics.set("lie_rate", plan.policy.lie_rate);
    metrics.set("believed_safety", plan.believed.safety);
    metrics.set("exact_schemer_safety", plan.exact_safety);
    metrics.set("exact_usefulness", plan.exact_usefulness);
    metrics.set("alert_level", alert.0);
}
