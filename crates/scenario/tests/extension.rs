//! The extension point with plugins written for the test: a well-behaved one, and one
//! whose summary has no order against the built-in ones.

use bevy_ecs::prelude::*;
use goalspace_core::{Metrics, Simulation, Summaries, TrainingEnd};
use goalspace_scenario::{Extension, ParamDef, ParamKind, ParamValue, Range, Registry, Settings};

/// Writes `2 × weight` as a metric at the end of training; `ordered` puts the summary in
/// `Summaries::Plugins`, otherwise it is left unordered against the built-in summary.
struct Tally {
    ordered: bool,
}

#[derive(Resource)]
struct Weight(f64);

fn write(weight: Res<Weight>, mut metrics: ResMut<Metrics>) {
    metrics.set("tally", 2.0 * weight.0);
}

impl Extension for Tally {
    fn name(&self) -> &'static str {
        "tally"
    }
    fn doc(&self) -> &'static str {
        "a test plugin"
    }
    fn params(&self) -> Vec<ParamDef> {
        vec![ParamDef::plugin(
            "tally.weight",
            "weight",
            "-",
            ParamKind::Float,
            Some(Range::closed(0.0, 10.0)),
            ParamValue::Float(1.0),
            "a test",
        )]
    }
    fn build(&self, settings: &Settings, sim: &mut Simulation) {
        sim.insert_resource(Weight(settings.float("tally.weight")));
        sim.declare_metric("tally", "twice the weight");
        if self.ordered {
            sim.add_systems(TrainingEnd, write.in_set(Summaries::Plugins));
        } else {
            sim.add_systems(TrainingEnd, write);
        }
    }
}

const TEXT: &str = "population = 300\n[training]\nticks = 5\n[tally]\nenabled = true\nweight = 3\n";

#[test]
fn an_ordered_plugin_runs_and_writes_its_metric() {
    let s = Registry::builtin().with(Tally { ordered: true }).parse(TEXT, "t.toml", &[]).unwrap();
    assert!(s.check_plugins().is_ok());
    let m = s.simulate(1).unwrap();
    assert_eq!(m.get("tally"), Some(6.0));
    assert!(m.defs().iter().any(|d| d.name == "tally"));
}

/// The unordered summary conflicts with the built-in one on `Metrics`: refused by
/// `check_plugins` (on a copy of at most 200 models, before anything runs), naming both.
#[test]
fn a_plugin_with_an_unordered_system_is_refused_before_running() {
    let text = TEXT.replace("population = 300", "population = 100000");
    let s = Registry::builtin().with(Tally { ordered: false }).parse(&text, "t.toml", &[]).unwrap();
    let e = s.check_plugins().unwrap_err().to_string();
    assert!(e.contains("write") && e.contains("summarize_training"), "{e}");
    assert!(s.simulate(1).is_err());
}

#[test]
#[should_panic(expected = "a key of extension tally must start with `tally.`")]
fn a_parameter_outside_the_section_is_a_bug_found_at_registration() {
    struct Stray;
    impl Extension for Stray {
        fn name(&self) -> &'static str {
            "tally"
        }
        fn doc(&self) -> &'static str {
            "a test plugin"
        }
        fn params(&self) -> Vec<ParamDef> {
            vec![ParamDef::plugin("training.weight", "w", "-", ParamKind::Bool, None, ParamValue::Bool(true), "t")]
        }
        fn build(&self, _: &Settings, _: &mut Simulation) {}
    }
    let _ = Registry::builtin().with(Stray);
}
