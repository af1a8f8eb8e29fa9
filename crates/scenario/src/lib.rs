//! The API boundary between scenario files and the simulation; the crate docs are README.md.
#![doc = include_str!("../README.md")]

pub mod diagnostic;
pub mod extension;
pub mod params;
pub mod phases;
pub mod plan;
pub mod scenario;
pub mod schema;
pub mod set;

pub use diagnostic::{Diagnostic, DiagnosticKind, ScenarioError};
pub use extension::{Extension, PluginSettings, Problem, Registry, Settings};
pub use params::{PARAMS, ParamDef, ParamKind, ParamValue, Range, param, params};
pub use phases::{CoordinationSpec, OversightSpec};
pub use plan::{Plan, PlanAxis, PlanOptions, PlanRun, Point, SEED_FORMULA, Shard, replicate_seed};
pub use scenario::{Scenario, Sweep, SweepAxis, read_scenario_file};
pub use schema::{schema_json, schema_markdown};
pub use set::apply_set;
