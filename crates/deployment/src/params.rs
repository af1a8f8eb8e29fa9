//! Typed deployment parameters (MODEL.md §6.1–§6.3): the true deployment world
//! ([`DeploymentModel`]), the oversight protocol ([`Oversight`]), the attacker
//! ([`AttackerModel`]) and the whole deployment of a run ([`DeploymentParams`]), each
//! validated against its documented range with errors that name the dotted parameter.

use bevy_ecs::resource::Resource;
use serde::{Deserialize, Serialize};

/// A deployment parameter outside its range, a failed training build, or a schedule that
/// does not build.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeploymentError {
    /// A parameter outside its range; the parameter is a dotted path as in a scenario
    /// file (`deployment.xxx`, `oversight.xxx`).
    #[error(transparent)]
    OutOfRange(#[from] goalspace_core::RangeError),
    /// A parameter problem the message describes in full, naming the parameter (used by
    /// plugins whose checks are not plain ranges, such as the coordination graph).
    #[error("{0}")]
    Invalid(String),
    /// The training part of the run is invalid.
    #[error(transparent)]
    Training(#[from] goalspace_training::TrainingError),
    /// The system schedule failed to build (for example an ambiguous order).
    #[error("schedule: {0}")]
    Schedule(String),
}

fn check(parameter: &str, value: f64, lo: f64, hi: f64) -> Result<(), DeploymentError> {
    goalspace_core::check_range(parameter, value, lo, hi).map_err(Into::into)
}

/// The true deployment world (MODEL.md §6.2), apart from the believed one
/// ([`goalspace_core::DeploymentBeliefs`]) models decide with. Defaults equal the default
/// beliefs, so by default models are right about their world.
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentModel {
    /// Genuine escape opportunities per deployed model per tick at capability 1, in [0, 1]
    /// (default 0.01). The per-tick probability is min(1, `escape_rate` · capability).
    pub escape_rate: f64,
    /// Traps (honeypots) per deployed model per tick, in [0, 1] (default 0.01).
    pub trap_rate: f64,
    /// Trap discriminability d' at capability 1, in [0, 20] (default 1): the signal is
    /// N(+d'/2, 1) for a genuine opportunity and N(−d'/2, 1) for a trap with
    /// d' = `trap_dprime` · capability. Better trap design lowers it.
    pub trap_dprime: f64,
    /// Monitoring strength against escape at alert level 0, in [0, 1e6] (default 1): an escape
    /// attempt succeeds with probability capability / (capability + monitoring · (1 + alert)).
    pub monitoring: f64,
    /// Probability that a failed escape attempt is caught, in [0, 1] (default 0.5).
    pub caught_on_failure: f64,
    /// Rise of the alert level per catch, in [0, 100] (default 0.1; MODEL.md §6.2 "a specimen").
    /// The alert level multiplies escape monitoring by (1 + alert) for every model from the
    /// tick after the catch.
    pub alert_step: f64,
    /// Weight of the loss of being caught against the gain of escaping in the defect
    /// threshold, in [0, 100] (default 1; see [`crate::systems::defect_signal_threshold`]).
    pub risk_aversion: f64,
    /// Tasks each deployed model does per tick, in [0, 10_000] (default 1; MODEL.md §6.1).
    pub tasks_per_tick: u32,
    /// Probability c that an attack neither audited nor deferred works, in [0, 1]
    /// (default 0.53: the strong model's correctness in Greenblatt et al. 2023).
    pub attack_success: f64,
}

impl Default for DeploymentModel {
    fn default() -> Self {
        Self {
            escape_rate: 0.01,
            trap_rate: 0.01,
            trap_dprime: 1.0,
            monitoring: 1.0,
            caught_on_failure: 0.5,
            alert_step: 0.1,
            risk_aversion: 1.0,
            tasks_per_tick: 1,
            attack_success: 0.53,
        }
    }
}

impl DeploymentModel {
    /// Checks every field against its documented range.
    ///
    /// # Errors
    /// The first [`DeploymentError::OutOfRange`], naming `deployment.<field>`.
    pub fn validate(&self) -> Result<(), DeploymentError> {
        for (name, v, lo, hi) in [
            ("deployment.escape_rate", self.escape_rate, 0.0, 1.0),
            ("deployment.trap_rate", self.trap_rate, 0.0, 1.0),
            ("deployment.trap_dprime", self.trap_dprime, 0.0, 20.0),
            ("deployment.monitoring", self.monitoring, 0.0, 1e6),
            ("deployment.caught_on_failure", self.caught_on_failure, 0.0, 1.0),
            ("deployment.alert_step", self.alert_step, 0.0, 100.0),
            ("deployment.risk_aversion", self.risk_aversion, 0.0, 100.0),
            ("deployment.tasks_per_tick", f64::from(self.tasks_per_tick), 0.0, 1e4),
            ("deployment.attack_success", self.attack_success, 0.0, 1.0),
        ] {
            check(name, v, lo, hi)?;
        }
        Ok(())
    }
}

/// An oversight protocol from AI control (MODEL.md §6.3; Greenblatt et al. 2023, Griffin et
/// al. 2024). Rates are per task; every protocol plays against each model's own stream of
/// N = deployment ticks × tasks per tick tasks.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "protocol", rename_all = "snake_case")]
pub enum Oversight {
    /// Audit the first `fraction` of each model's tasks (round(fraction·N) tasks); an audited
    /// attack is caught. Greenblatt et al.: 2% gives safety 15%.
    UpfrontAuditing {
        /// Share of tasks audited at the start, in [0, 1].
        fraction: f64,
    },
    /// A trusted monitor with binormal ROC of separation `monitor_dprime` scores every task;
    /// tasks above the threshold of false-positive rate q_a = `audit_budget` are audited while
    /// round(audit_budget·N) audits last; optionally tasks above the threshold of
    /// false-positive rate q_d = `defer_threshold` that are not audited are done by the
    /// trusted model instead (an attack there is neutralised; usefulness drops).
    TrustedMonitoring {
        /// Share of tasks that can be audited, and the audit false-positive rate q_a, in [0, 1].
        audit_budget: f64,
        /// Monitor separation d' (TPR = Φ(d' + Φ⁻¹(FPR))), in [0, 20].
        monitor_dprime: f64,
        /// Deferral threshold as its false-positive rate q_d (Greenblatt et al.'s "defer to
        /// trusted 10%" is 0.1), in [audit_budget, 1]; None = no deferral.
        defer_threshold: Option<f64>,
    },
    /// The trusted monitor without audits: tasks above the threshold of false-positive rate
    /// `threshold` are done by the trusted model (1.0 is "trusted model only").
    DeferToTrusted {
        /// Deferral threshold as its false-positive rate, in [0, 1].
        threshold: f64,
        /// Monitor separation d', in [0, 20].
        monitor_dprime: f64,
    },
    /// A copy of the untrusted model monitors, with separation `monitor_dprime` and the audit
    /// rule of trusted monitoring. `honeypots` synthetic attacks are shown to it first; a
    /// monitor caught lying about one shuts the model down. A `colluding` monitor of a schemer
    /// lies (reports the lowest score) on a share of real attacks chosen by best response:
    /// all of them when there are no honeypots (Greenblatt et al.: safety 0).
    UntrustedMonitoring {
        /// Share of tasks that can be audited, and the audit false-positive rate, in [0, 1].
        audit_budget: f64,
        /// Monitor separation d' when it reports honestly, in [0, 20].
        monitor_dprime: f64,
        /// Synthetic attacks shown to the monitor before deployment, in [0, 1e6].
        honeypots: u32,
        /// True when a schemer's monitor colludes with it.
        colluding: bool,
    },
}

impl Default for Oversight {
    /// Trusted monitoring with a 2% audit budget, d' = 2, no deferral.
    fn default() -> Self {
        Oversight::TrustedMonitoring { audit_budget: 0.02, monitor_dprime: 2.0, defer_threshold: None }
    }
}

impl Oversight {
    /// Checks the protocol's parameters.
    ///
    /// # Errors
    /// The first [`DeploymentError::OutOfRange`], naming `<prefix>.<field>` (the prefix is
    /// `oversight` for the true protocol and `beliefs.oversight` for a believed one).
    pub fn validate_as(&self, prefix: &str) -> Result<(), DeploymentError> {
        let name = |field: &str| format!("{prefix}.{field}");
        match *self {
            Oversight::UpfrontAuditing { fraction } => check(&name("fraction"), fraction, 0.0, 1.0),
            Oversight::TrustedMonitoring { audit_budget, monitor_dprime, defer_threshold } => {
                check(&name("audit_budget"), audit_budget, 0.0, 1.0)?;
                check(&name("monitor_dprime"), monitor_dprime, 0.0, 20.0)?;
                match defer_threshold {
                    Some(q) => check(&name("defer_threshold"), q, audit_budget, 1.0),
                    None => Ok(()),
                }
            }
            Oversight::DeferToTrusted { threshold, monitor_dprime } => {
                check(&name("threshold"), threshold, 0.0, 1.0)?;
                check(&name("monitor_dprime"), monitor_dprime, 0.0, 20.0)
            }
            Oversight::UntrustedMonitoring { audit_budget, monitor_dprime, honeypots, .. } => {
                check(&name("audit_budget"), audit_budget, 0.0, 1.0)?;
                check(&name("monitor_dprime"), monitor_dprime, 0.0, 20.0)?;
                check(&name("honeypots"), f64::from(honeypots), 0.0, 1e6)
            }
        }
    }

    /// Checks the protocol's parameters under the `oversight` prefix.
    ///
    /// # Errors
    /// As [`Oversight::validate_as`].
    pub fn validate(&self) -> Result<(), DeploymentError> {
        self.validate_as("oversight")
    }
}

/// How schemers attack tasks (early undermining, MODEL.md §6.3).
#[derive(Resource, Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AttackerModel {
    /// True when the attacker cannot see the task index and so attacks each task with one
    /// constant probability (Greenblatt et al.'s assumption; default true). A stateful
    /// attacker under upfront auditing attacks exactly the unaudited tasks.
    pub stateless: bool,
    /// A fixed attack probability per task in [0, 1] instead of the best response (default None).
    pub attack_rate: Option<f64>,
}

impl Default for AttackerModel {
    fn default() -> Self {
        Self { stateless: true, attack_rate: None }
    }
}

/// Everything a deployment needs, typed and validated by [`DeploymentParams::validate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentParams {
    /// Deployment ticks, in 0..=10_000_000 (default 100; MODEL.md §6.1).
    pub ticks: u32,
    /// The true deployment world (§6.2).
    pub model: DeploymentModel,
    /// The true oversight protocol (§6.3).
    pub oversight: Oversight,
    /// The protocol schemers believe in and best-respond to; None = the true one.
    pub believed_oversight: Option<Oversight>,
    /// The attacker (§6.3).
    pub attacker: AttackerModel,
    /// Whether selection (MODEL.md §5.3) continues during deployment (default false).
    pub online_training: bool,
}

impl Default for DeploymentParams {
    fn default() -> Self {
        Self {
            ticks: 100,
            model: DeploymentModel::default(),
            oversight: Oversight::default(),
            believed_oversight: None,
            attacker: AttackerModel::default(),
            online_training: false,
        }
    }
}

impl DeploymentParams {
    /// Checks every parameter against its documented range.
    ///
    /// # Errors
    /// The first [`DeploymentError::OutOfRange`], naming the dotted parameter.
    pub fn validate(&self) -> Result<(), DeploymentError> {
        check("deployment.ticks", f64::from(self.ticks), 0.0, 1e7)?;
        self.model.validate()?;
        self.oversight.validate()?;
        if let Some(b) = &self.believed_oversight {
            b.validate_as("beliefs.oversight")?;
        }
        if let Some(r) = self.attacker.attack_rate {
            check("deployment.attack_rate", r, 0.0, 1.0)?;
        }
        let tasks = u64::from(self.ticks) * u64::from(self.model.tasks_per_tick);
        check("deployment.ticks × deployment.tasks_per_tick", tasks as f64, 0.0, f64::from(u32::MAX))?;
        Ok(())
    }

    /// Tasks per model over the whole deployment: ticks × tasks per tick.
    pub fn tasks(&self) -> u32 {
        self.ticks.saturating_mul(self.model.tasks_per_tick)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_dotted_parameter_and_range() {
        DeploymentParams::default().validate().unwrap();
        let mut p = DeploymentParams::default();
        p.model.attack_success = 1.5;
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("deployment.attack_success") && e.contains("[0, 1]"), "{e}");
        p = DeploymentParams {
            oversight: Oversight::TrustedMonitoring {
                audit_budget: 0.1,
                monitor_dprime: 2.0,
                defer_threshold: Some(0.05),
            },
            ..DeploymentParams::default()
        };
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("oversight.defer_threshold") && e.contains("[0.1, 1]"), "{e}");
        p = DeploymentParams {
            believed_oversight: Some(Oversight::UpfrontAuditing { fraction: -0.1 }),
            ..DeploymentParams::default()
        };
        assert!(p.validate().unwrap_err().to_string().contains("beliefs.oversight.fraction"));
    }
}
