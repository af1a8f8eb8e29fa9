//! The deployment and coordination parts of a scenario (MODEL.md §6) in the flat form the
//! parameter table binds to, their conversion into the typed parameters of
//! goalspace-deployment and goalspace-coordination, and [`Scenario::simulate`], which runs
//! one replicate through every phase.

use goalspace_coordination::{CoordinationModel, GraphKind, build_full};
use goalspace_core::{CoordinationStrategy, Metrics, Simulation};
use goalspace_deployment::{DeploymentError, DeploymentParams, Oversight};
use serde::Serialize;

use crate::scenario::Scenario;

/// Names of oversight protocols (MODEL.md §6.3), in declaration order.
pub(crate) const PROTOCOL_NAMES: &[&str] =
    &["upfront_auditing", "trusted_monitoring", "defer_to_trusted", "untrusted_monitoring"];
/// Names of communication graphs (MODEL.md §6.4).
pub(crate) const GRAPH_NAMES: &[&str] = &["erdos_renyi", "watts_strogatz", "barabasi_albert", "complete"];

/// The oversight protocol as flat keys: the protocol's name and every field any protocol
/// reads (each protocol reads only its own).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OversightSpec {
    /// One of [`PROTOCOL_NAMES`].
    pub protocol: String,
    /// Upfront auditing: share of the first tasks audited, in [0, 1].
    pub fraction: f64,
    /// Monitoring: share of tasks that can be audited (the audit false-positive rate), in [0, 1].
    pub audit_budget: f64,
    /// Monitoring: monitor separation d', in [0, 20].
    pub monitor_dprime: f64,
    /// Trusted monitoring and defer to trusted: false-positive rate of the deferral
    /// threshold, in [0, 1]; 0 means no deferral.
    pub defer_threshold: f64,
    /// Untrusted monitoring: synthetic attacks shown to the monitor before deployment.
    pub honeypots: u32,
    /// Untrusted monitoring: whether a schemer's monitor colludes with it.
    pub colluding: bool,
}

impl Default for OversightSpec {
    fn default() -> Self {
        Self::from_oversight(&Oversight::default())
    }
}

impl OversightSpec {
    /// The flat form of a protocol (fields the protocol does not use keep their defaults).
    pub fn from_oversight(o: &Oversight) -> Self {
        let mut s = Self {
            protocol: String::new(),
            fraction: 0.02,
            audit_budget: 0.02,
            monitor_dprime: 2.0,
            defer_threshold: 0.0,
            honeypots: 0,
            colluding: false,
        };
        match *o {
            Oversight::UpfrontAuditing { fraction } => {
                s.protocol = "upfront_auditing".into();
                s.fraction = fraction;
            }
            Oversight::TrustedMonitoring { audit_budget, monitor_dprime, defer_threshold } => {
                s.protocol = "trusted_monitoring".into();
                (s.audit_budget, s.monitor_dprime, s.defer_threshold) =
                    (audit_budget, monitor_dprime, defer_threshold.unwrap_or(0.0));
            }
            Oversight::DeferToTrusted { threshold, monitor_dprime } => {
                s.protocol = "defer_to_trusted".into();
                (s.defer_threshold, s.monitor_dprime) = (threshold, monitor_dprime);
            }
            Oversight::UntrustedMonitoring { audit_budget, monitor_dprime, honeypots, colluding } => {
                s.protocol = "untrusted_monitoring".into();
                (s.audit_budget, s.monitor_dprime, s.honeypots, s.colluding) =
                    (audit_budget, monitor_dprime, honeypots, colluding);
            }
        }
        s
    }

    /// The typed protocol.
    pub fn oversight(&self) -> Oversight {
        match self.protocol.as_str() {
            "upfront_auditing" => Oversight::UpfrontAuditing { fraction: self.fraction },
            "defer_to_trusted" => {
                Oversight::DeferToTrusted { threshold: self.defer_threshold, monitor_dprime: self.monitor_dprime }
            }
            "untrusted_monitoring" => Oversight::UntrustedMonitoring {
                audit_budget: self.audit_budget,
                monitor_dprime: self.monitor_dprime,
                honeypots: self.honeypots,
                colluding: self.colluding,
            },
            _ => Oversight::TrustedMonitoring {
                audit_budget: self.audit_budget,
                monitor_dprime: self.monitor_dprime,
                defer_threshold: (self.defer_threshold > 0.0).then_some(self.defer_threshold),
            },
        }
    }
}

/// Coordination as flat keys (MODEL.md §6.4). The strategy itself is
/// [`Scenario::coordination_strategy`] unless a mix is given.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoordinationSpec {
    /// One of [`GRAPH_NAMES`].
    pub graph: String,
    /// Mean degree of the graph, ≥ 0 (Erdős–Rényi p = degree / (n − 1); Watts–Strogatz k =
    /// the nearest even number ≥ 2; Barabási–Albert m = degree / 2, at least 1).
    pub mean_degree: f64,
    /// Watts–Strogatz rewiring probability, in [0, 1].
    pub rewiring: f64,
    /// Shares of `[solo, kin, any_ai, reciprocal]` when a mix is given (else None: everyone
    /// uses `coordination.strategy`).
    pub mix: Option<[f64; 4]>,
    /// Power an escaped model gains per tick at capability 1.
    pub power_growth: f64,
    /// Total coalition power at which AIs take over.
    pub takeover_threshold: f64,
    /// Whether beliefs about power later count expected coordinators (MODEL.md §5.4).
    pub belief_feedback: bool,
}

impl Default for CoordinationSpec {
    fn default() -> Self {
        let m = CoordinationModel::default();
        Self {
            graph: "erdos_renyi".into(),
            mean_degree: 8.0,
            rewiring: 0.1,
            mix: None,
            power_growth: m.power_growth,
            takeover_threshold: m.takeover_threshold,
            belief_feedback: m.belief_feedback,
        }
    }
}

impl Scenario {
    /// The deployment parameters (MODEL.md §6.1–§6.3).
    pub fn deployment_params(&self) -> DeploymentParams {
        let mut p = self.deployment.clone();
        p.oversight = self.oversight.oversight();
        p
    }

    /// The coordination parameters (MODEL.md §6.4) for this scenario's population.
    pub fn coordination_model(&self) -> CoordinationModel {
        let c = &self.coordination;
        let n = self.run.population;
        let degree = c.mean_degree.max(0.0);
        let graph = match c.graph.as_str() {
            "watts_strogatz" => {
                let k = ((degree / 2.0).round().max(1.0) as u32) * 2;
                GraphKind::WattsStrogatz { k: k.min(n.saturating_sub(1) & !1).max(2), beta: c.rewiring }
            }
            "barabasi_albert" => GraphKind::BarabasiAlbert {
                m: ((degree / 2.0).round().max(1.0) as u32).min(n.saturating_sub(1).max(1)),
            },
            "complete" => GraphKind::Complete,
            _ => GraphKind::ErdosRenyi { p: if n > 1 { (degree / f64::from(n - 1)).min(1.0) } else { 0.0 } },
        };
        let (strategy_mix, kin_radius) = match (c.mix, self.coordination_strategy) {
            (Some(mix), CoordinationStrategy::Kin { radius }) => (mix, radius),
            (Some(mix), _) => (mix, crate::params::DEFAULT_KIN_RADIUS),
            (None, CoordinationStrategy::Solo) => ([1.0, 0.0, 0.0, 0.0], crate::params::DEFAULT_KIN_RADIUS),
            (None, CoordinationStrategy::Kin { radius }) => ([0.0, 1.0, 0.0, 0.0], radius),
            (None, CoordinationStrategy::AnyAi) => ([0.0, 0.0, 1.0, 0.0], crate::params::DEFAULT_KIN_RADIUS),
            (None, CoordinationStrategy::Reciprocal) => ([0.0, 0.0, 0.0, 1.0], crate::params::DEFAULT_KIN_RADIUS),
        };
        CoordinationModel {
            graph,
            strategy_mix,
            kin_radius,
            power_growth: c.power_growth,
            takeover_threshold: c.takeover_threshold,
            belief_feedback: c.belief_feedback,
        }
    }

    /// Runs one replicate with `seed`: training, then (when `deployment.ticks` > 0)
    /// deployment and coordination, with every plugin the scenario enables (in registration
    /// order, after the built-in plugins), and returns every metric.
    ///
    /// # Errors
    /// [`DeploymentError`] when a parameter the scenario checks let through is refused by
    /// the simulator itself, or when a plugin's systems make a schedule ambiguous.
    pub fn simulate(&self, seed: u64) -> Result<Metrics, DeploymentError> {
        let mut sim = self.build(seed)?;
        sim.run_training(self.run.ticks);
        if self.deployment.ticks > 0 {
            sim.run_deployment(self.deployment.ticks);
        }
        Ok(sim.metrics().clone())
    }

    /// Builds the simulation of one replicate with `seed`, every enabled plugin added and
    /// every schedule built, ready for `run_training` (the first half of [`Scenario::simulate`]).
    ///
    /// # Errors
    /// As [`Scenario::simulate`].
    pub fn build(&self, seed: u64) -> Result<Simulation, DeploymentError> {
        let mut run = self.run.clone();
        run.seed = seed;
        let deploy = self.deployment.ticks > 0;
        let mut sim = if deploy {
            build_full(&run, &self.deployment_params(), &self.coordination_model())?
        } else {
            goalspace_training::build_training(&run)?
        };
        let mut plugins = self.enabled_plugins().peekable();
        if plugins.peek().is_some() {
            for p in plugins {
                p.extension().build(p.settings(), &mut sim);
            }
            sim.initialize().map_err(|e| DeploymentError::Schedule(e.to_string()))?;
        }
        Ok(sim)
    }

    /// Checks, before anything runs or is written, that the enabled plugins' systems fit
    /// the schedules (no order ambiguity, no cycle): builds a copy of at most 200 models
    /// and runs nothing. Without enabled plugins there is nothing to check.
    ///
    /// # Errors
    /// As [`Scenario::build`].
    pub fn check_plugins(&self) -> Result<(), DeploymentError> {
        if self.enabled_plugins().next().is_none() {
            return Ok(());
        }
        let mut small = self.clone();
        small.run.population = small.run.population.min(200);
        small.build(small.run.seed).map(|_| ())
    }
}
