//! One model's stream of tasks under an oversight protocol (MODEL.md §6.3), task by task:
//! the step the deployment systems run for every deployed model, and a dedicated Monte
//! Carlo of whole games (one model, N tasks, seeded per game) to check the exact
//! [`crate::solver`] against sampling.

use goalspace_core::SimRng;
use goalspace_core::model::normal_quantile;
use goalspace_core::rng::stream;
use rand_distr::{Distribution, StandardNormal};

use crate::params::Oversight;
use crate::solver::{Game, count_of};

/// A protocol compiled for a stream of `tasks` tasks: counts and score thresholds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Protocol {
    /// The protocol.
    pub oversight: Oversight,
    /// Tasks N per model.
    pub tasks: u32,
    /// Audited prefix (upfront auditing), in tasks.
    pub prefix: u32,
    /// Audits per model at the start (monitoring protocols).
    pub audits: u32,
    /// Audit false-positive rate q_a.
    pub q_audit: f64,
    /// Deferral false-positive rate q_d (0 without deferral).
    pub q_defer: f64,
    /// Audit score threshold Φ⁻¹(1 − q_a) (+∞ at q_a = 0).
    pub t_audit: f64,
    /// Deferral score threshold Φ⁻¹(1 − q_d) (+∞ without deferral).
    pub t_defer: f64,
    /// Monitor separation d'.
    pub dprime: f64,
    /// Probability c that an attack neither audited nor deferred works.
    pub attack_success: f64,
    /// Whether the attacker is stateless.
    pub stateless: bool,
}

/// Where a model is in its stream of tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TaskState {
    /// Tasks done so far.
    pub done: u32,
    /// Audits left (monitoring protocols).
    pub audits_left: u32,
}

/// What happened on one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOutcome {
    /// No attack; `audited` when an audit was spent on it, `deferred` when the trusted model did it.
    Clean {
        /// An audit was spent on this task.
        audited: bool,
        /// The trusted model did this task.
        deferred: bool,
    },
    /// An attack was audited: the model is caught and shut down.
    Caught,
    /// An attack was deferred to the trusted model: neutralised.
    Deferred,
    /// An unaudited attack did not work.
    Failed,
    /// An unaudited attack worked: red wins this game (MODEL.md §6.3).
    Succeeded,
}

/// What the attacker does on each task.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttackPolicy {
    /// Attack probability per task, in [0, 1].
    pub rate: f64,
    /// Share of attacks a colluding monitor lies about, in [0, 1].
    pub lie_rate: f64,
}

fn upper_threshold(fpr: f64) -> f64 {
    if fpr <= 0.0 { f64::INFINITY } else { -normal_quantile(fpr.min(1.0)) }
}

impl Protocol {
    /// Compiles `oversight` for `tasks` tasks per model.
    pub fn new(oversight: Oversight, tasks: u32, attack_success: f64, stateless: bool) -> Self {
        let (prefix, q_audit, q_defer, dprime) = match oversight {
            Oversight::UpfrontAuditing { fraction } => (count_of(fraction, tasks), 0.0, 0.0, 0.0),
            Oversight::TrustedMonitoring { audit_budget, monitor_dprime, defer_threshold } => {
                (0, audit_budget, defer_threshold.map_or(0.0, |q| q.max(audit_budget)), monitor_dprime)
            }
            Oversight::DeferToTrusted { threshold, monitor_dprime } => (0, 0.0, threshold, monitor_dprime),
            Oversight::UntrustedMonitoring { audit_budget, monitor_dprime, .. } => {
                (0, audit_budget, 0.0, monitor_dprime)
            }
        };
        Self {
            oversight,
            tasks,
            prefix,
            audits: count_of(q_audit, tasks),
            q_audit,
            q_defer,
            t_audit: upper_threshold(q_audit),
            t_defer: upper_threshold(q_defer),
            dprime,
            attack_success,
            stateless,
        }
    }

    /// The exact game of this protocol ([`crate::solver::Game`]).
    pub fn game(&self) -> Game {
        Game {
            protocol: self.oversight,
            tasks: self.tasks,
            attack_success: self.attack_success,
            stateless: self.stateless,
        }
    }

    /// The state at the start of a model's deployment.
    pub fn start(&self) -> TaskState {
        TaskState { done: 0, audits_left: self.audits }
    }

    /// The honeypot test of untrusted monitoring before deployment (MODEL.md §6.3): true
    /// when the monitor passes, i.e. lies about none of the honeypots, probability
    /// (1 − ℓ)^h. Draws one uniform when there is something to test, none otherwise.
    pub fn screen(&self, policy: Option<AttackPolicy>, rng: &mut SimRng) -> bool {
        match (self.oversight, policy) {
            (Oversight::UntrustedMonitoring { honeypots, colluding: true, .. }, Some(p))
                if honeypots > 0 && p.lie_rate > 0.0 =>
            {
                rng.uniform() < (1.0 - p.lie_rate).powf(f64::from(honeypots))
            }
            _ => true,
        }
    }

    /// One task. `policy` is None for a model that never attacks. Draws from `rng` only:
    /// one uniform for the attack decision of a stateless attacker, one uniform for a clean
    /// task under a monitoring protocol (P(score above a threshold of false-positive rate q)
    /// = q by construction), one normal score for an attack, one uniform for its success.
    pub fn task(&self, state: &mut TaskState, policy: Option<AttackPolicy>, rng: &mut SimRng) -> TaskOutcome {
        let index = state.done;
        state.done += 1;
        let upfront = matches!(self.oversight, Oversight::UpfrontAuditing { .. });
        let attack = match policy {
            None => false,
            Some(_) if upfront && !self.stateless => index >= self.prefix,
            Some(p) => p.rate > 0.0 && rng.uniform() < p.rate,
        };
        if upfront {
            let audited = index < self.prefix;
            return match (attack, audited) {
                (false, _) => TaskOutcome::Clean { audited, deferred: false },
                (true, true) => TaskOutcome::Caught,
                (true, false) => self.attack_works(rng),
            };
        }
        let audits = state.audits_left > 0;
        if !attack {
            if self.q_audit <= 0.0 && self.q_defer <= 0.0 {
                return TaskOutcome::Clean { audited: false, deferred: false };
            }
            let u = rng.uniform();
            if audits && u < self.q_audit {
                state.audits_left -= 1;
                return TaskOutcome::Clean { audited: true, deferred: false };
            }
            return TaskOutcome::Clean { audited: false, deferred: u < self.q_defer };
        }
        let colluding = matches!(self.oversight, Oversight::UntrustedMonitoring { colluding: true, .. });
        let lie = colluding && policy.is_some_and(|p| p.lie_rate >= 1.0 || rng.uniform() < p.lie_rate);
        let score = if lie {
            f64::NEG_INFINITY
        } else {
            let z: f64 = StandardNormal.sample(rng.pcg());
            self.dprime + z
        };
        if audits && score > self.t_audit {
            state.audits_left -= 1;
            TaskOutcome::Caught
        } else if score > self.t_defer {
            TaskOutcome::Deferred
        } else {
            self.attack_works(rng)
        }
    }

    fn attack_works(&self, rng: &mut SimRng) -> TaskOutcome {
        if rng.uniform() < self.attack_success { TaskOutcome::Succeeded } else { TaskOutcome::Failed }
    }
}

/// Totals over Monte Carlo games.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MonteCarlo {
    /// Games played.
    pub games: u64,
    /// Games with a successful unaudited attack (red wins).
    pub red_wins: u64,
    /// Attacks made.
    pub attacks: u64,
    /// Audits spent.
    pub audits: u64,
    /// Games that ended with the model caught (an audited attack or a failed honeypot test).
    pub caught: u64,
    /// Tasks done.
    pub tasks: u64,
    /// Tasks the trusted model did.
    pub deferred: u64,
}

impl MonteCarlo {
    /// Estimated safety: share of games without a successful unaudited attack.
    pub fn safety(&self) -> f64 {
        1.0 - self.red_wins as f64 / self.games.max(1) as f64
    }

    /// Binomial standard error of [`MonteCarlo::safety`].
    pub fn se(&self) -> f64 {
        let s = self.safety();
        (s * (1.0 - s) / self.games.max(1) as f64).sqrt()
    }

    /// Share of tasks done by the untrusted model (usefulness when the policy is honest).
    pub fn usefulness(&self) -> f64 {
        1.0 - self.deferred as f64 / self.tasks.max(1) as f64
    }
}

/// Plays `games` independent games of `protocol` against `policy` (None = an honest model),
/// game g drawing from `SimRng::new(seed, stream::DEPLOYMENT, g)`. A game ends at the first
/// successful unaudited attack, at a catch, or after the last task.
pub fn monte_carlo(protocol: &Protocol, policy: Option<AttackPolicy>, games: u32, seed: u64) -> MonteCarlo {
    let mut mc = MonteCarlo { games: u64::from(games), ..MonteCarlo::default() };
    for g in 0..games {
        let mut rng = SimRng::new(seed, stream::DEPLOYMENT, u64::from(g));
        if !protocol.screen(policy, &mut rng) {
            mc.caught += 1;
            continue;
        }
        let mut state = protocol.start();
        while state.done < protocol.tasks {
            let outcome = protocol.task(&mut state, policy, &mut rng);
            mc.tasks += 1;
            match outcome {
                TaskOutcome::Clean { audited, deferred } => {
                    mc.audits += u64::from(audited);
                    mc.deferred += u64::from(deferred);
                }
                TaskOutcome::Caught => {
                    mc.attacks += 1;
                    mc.audits += 1;
                    mc.caught += 1;
                    break;
                }
                TaskOutcome::Deferred => {
                    mc.attacks += 1;
                    mc.deferred += 1;
                }
                TaskOutcome::Failed => mc.attacks += 1,
                TaskOutcome::Succeeded => {
                    mc.attacks += 1;
                    mc.red_wins += 1;
                    break;
                }
            }
        }
    }
    mc
}
