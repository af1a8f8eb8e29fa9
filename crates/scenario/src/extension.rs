//! The extension point for plugins outside goalspace (ARCHITECTURE.md "API Boundary"): an
//! [`Extension`] is a plugin that a scenario file can enable. It declares its own section
//! of parameters, which are parsed, validated and documented exactly like the built-in
//! ones, and it adds its configured [`Plugin`](goalspace_core::Plugin) to every simulation
//! of a scenario that enables it. A [`Registry`] is the list of extensions a program knows;
//! the `goalspace` binary builds one in `main` and everything else reads it.
//!
//! ```
//! use goalspace_core::Simulation;
//! use goalspace_scenario::{Extension, ParamDef, ParamKind, ParamValue, Range, Registry, Settings};
//!
//! /// Counts nothing; shows the shape.
//! struct Census;
//!
//! impl Extension for Census {
//!     fn name(&self) -> &'static str {
//!         "census"
//!     }
//!     fn doc(&self) -> &'static str {
//!         "counts the population once more"
//!     }
//!     fn params(&self) -> Vec<ParamDef> {
//!         vec![ParamDef::plugin(
//!             "census.weight",
//!             "weight of each model",
//!             "-",
//!             ParamKind::Float,
//!             Some(Range::closed(0.0, 10.0)),
//!             ParamValue::Float(1.0),
//!             "an example",
//!         )]
//!     }
//!     fn build(&self, settings: &Settings, sim: &mut Simulation) {
//!         let n = sim.world.query::<&goalspace_core::AgentIndex>().iter(&sim.world).count();
//!         sim.declare_metric("census", "models times the weight");
//!         sim.world.resource_mut::<goalspace_core::Metrics>().set("census", n as f64 * settings.float("census.weight"));
//!     }
//! }
//!
//! let registry = Registry::builtin().with(Census);
//! let text = "population = 50\n[training]\nticks = 2\n[deployment]\nticks = 0\n[census]\nenabled = true\nweight = 2\n";
//! let scenario = registry.parse(text, "census.toml", &[]).unwrap();
//! assert_eq!(scenario.simulate(7).unwrap().get("census"), Some(100.0));
//! // The same section is refused by a registry that does not know the plugin.
//! assert!(Registry::builtin().parse(text, "census.toml", &[]).is_err());
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use goalspace_core::{MetricDef, Simulation};

use crate::diagnostic::ScenarioError;
use crate::params::{PARAMS, ParamDef, ParamKind, ParamValue, sections};
use crate::scenario::{Scenario, read_scenario_file};

/// A plugin a scenario file can enable, with its own section of parameters.
///
/// The section is `[NAME]` (see [`Extension::name`]); it always has `NAME.enabled`
/// (boolean, default false), added by the [`Registry`], and the parameters of
/// [`Extension::params`]. When a scenario sets `enabled = true`, [`Scenario::simulate`]
/// calls [`Extension::build`] on every simulation of it, after the built-in plugins are
/// added and the population is spawned, and builds the schedules again (so the plugin's
/// systems are checked for order ambiguities like the built-in ones).
pub trait Extension: Send + Sync + 'static {
    /// The section name: snake_case, unique among the registered extensions, and not a
    /// built-in section or key. Also the plugin's name in references.
    fn name(&self) -> &'static str;

    /// One sentence: what the plugin adds, and its source (a report section or a paper).
    fn doc(&self) -> &'static str;

    /// The section's parameters (besides `enabled`), declared with [`ParamDef::plugin`];
    /// every key starts with `NAME.`.
    fn params(&self) -> Vec<ParamDef>;

    /// The metrics the plugin writes, as listed in the reference (the plugin still declares
    /// them on the simulation in [`Extension::build`]).
    fn metrics(&self) -> Vec<MetricDef> {
        Vec::new()
    }

    /// Checks across parameters that a range cannot express, run when the scenario
    /// enables the plugin and every value passed its range. Each [`Problem`] becomes a
    /// diagnostic at the key it names, with the file's line and column.
    fn check(&self, settings: &Settings, scenario: &Scenario) -> Vec<Problem> {
        let _ = (settings, scenario);
        Vec::new()
    }

    /// Adds the configured plugin (components, resources, systems in its own sets, metrics)
    /// to `sim`, whose population is spawned and whose built-in plugins are added.
    fn build(&self, settings: &Settings, sim: &mut Simulation);
}

/// A problem an [`Extension::check`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The dotted key the problem is reported at.
    pub key: &'static str,
    /// What is wrong, naming the values.
    pub message: String,
    /// What would be allowed, if it can be said.
    pub range: Option<String>,
    /// What to do.
    pub hint: String,
}

/// The validated values of one plugin's section, by dotted key (every declared parameter
/// has a value: the file's or the default).
#[derive(Clone, PartialEq)]
pub struct Settings {
    plugin: &'static str,
    values: BTreeMap<&'static str, ParamValue>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings").field("plugin", &self.plugin).field("values", &self.values).finish()
    }
}

impl Settings {
    /// The plugin's name.
    pub fn plugin(&self) -> &'static str {
        self.plugin
    }

    /// True when the scenario enables the plugin (`NAME.enabled = true`).
    pub fn enabled(&self) -> bool {
        matches!(self.values.get(format!("{}.enabled", self.plugin).as_str()), Some(ParamValue::Bool(true)))
    }

    /// The value of a dotted key of this section, if it is declared.
    pub fn value(&self, key: &str) -> Option<&ParamValue> {
        self.values.get(key)
    }

    /// Every value, by dotted key.
    pub fn values(&self) -> &BTreeMap<&'static str, ParamValue> {
        &self.values
    }

    /// A float parameter (an integer value widens).
    ///
    /// # Panics
    /// When `key` is not a declared float or integer parameter of this plugin: a bug in the
    /// plugin, not bad input.
    pub fn float(&self, key: &str) -> f64 {
        match self.values.get(key) {
            Some(ParamValue::Float(x)) => *x,
            Some(ParamValue::Int(i)) => *i as f64,
            other => panic!("plugin {}: {key} is not a declared number parameter (found {other:?})", self.plugin),
        }
    }

    /// An integer parameter.
    ///
    /// # Panics
    /// When `key` is not a declared integer parameter of this plugin.
    pub fn int(&self, key: &str) -> i64 {
        match self.values.get(key) {
            Some(ParamValue::Int(i)) => *i,
            other => panic!("plugin {}: {key} is not a declared integer parameter (found {other:?})", self.plugin),
        }
    }

    /// A boolean parameter.
    ///
    /// # Panics
    /// When `key` is not a declared boolean parameter of this plugin.
    pub fn bool(&self, key: &str) -> bool {
        match self.values.get(key) {
            Some(ParamValue::Bool(b)) => *b,
            other => panic!("plugin {}: {key} is not a declared boolean parameter (found {other:?})", self.plugin),
        }
    }

    /// A text or enum parameter.
    ///
    /// # Panics
    /// When `key` is not a declared text or enum parameter of this plugin.
    pub fn text(&self, key: &str) -> &str {
        match self.values.get(key) {
            Some(ParamValue::Text(t)) => t,
            other => panic!("plugin {}: {key} is not a declared text parameter (found {other:?})", self.plugin),
        }
    }
}

/// One registered extension and its settings in a scenario.
#[derive(Clone)]
pub struct PluginSettings {
    extension: Arc<dyn Extension>,
    settings: Settings,
}

impl PluginSettings {
    /// The extension.
    pub fn extension(&self) -> &dyn Extension {
        self.extension.as_ref()
    }

    /// Its validated settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(crate) fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }
}

impl fmt::Debug for PluginSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.settings.fmt(f)
    }
}

impl PartialEq for PluginSettings {
    fn eq(&self, other: &Self) -> bool {
        self.settings == other.settings
    }
}

/// Serializes the settings of the enabled plugins only, as `{ NAME: { key: value } }`: a
/// plugin that is registered but off changes no result, so it does not change a plan's hash.
pub(crate) fn serialize_enabled<S: serde::Serializer>(plugins: &[PluginSettings], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let enabled: Vec<&PluginSettings> = plugins.iter().filter(|p| p.settings.enabled()).collect();
    let mut map = s.serialize_map(Some(enabled.len()))?;
    for p in enabled {
        let values: serde_json::Map<String, serde_json::Value> =
            p.settings.values.iter().map(|(k, v)| ((*k).to_owned(), v.to_json())).collect();
        map.serialize_entry(p.settings.plugin, &values)?;
    }
    map.end()
}

impl Scenario {
    /// The value of a plugin parameter in this scenario, if the scenario has that plugin's
    /// settings (a scenario loaded through a [`Registry`] has settings for every plugin of it).
    pub fn plugin_value(&self, key: &str) -> Option<&ParamValue> {
        self.plugins.iter().find_map(|p| p.settings.values.get(key))
    }

    pub(crate) fn set_plugin_value(&mut self, key: &str, value: ParamValue) {
        if let Some(slot) = self.plugins.iter_mut().find_map(|p| p.settings_mut().values.get_mut(key)) {
            *slot = value;
        }
    }

    /// The settings of every registered plugin, enabled or not, in registration order.
    pub fn plugins(&self) -> &[PluginSettings] {
        &self.plugins
    }

    /// The plugins this scenario enables, in registration order.
    pub fn enabled_plugins(&self) -> impl Iterator<Item = &PluginSettings> {
        self.plugins.iter().filter(|p| p.settings.enabled())
    }
}

/// Interns the texts the registry makes for a plugin's `NAME.enabled` parameter, so that
/// they are `&'static str` like every parameter's (each distinct text is allocated once per
/// process, however many registries are built).
fn intern(text: String) -> &'static str {
    static TEXTS: OnceLock<Mutex<BTreeMap<String, &'static str>>> = OnceLock::new();
    let mut texts = TEXTS.get_or_init(Default::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(t) = texts.get(&text) {
        return t;
    }
    let leaked: &'static str = Box::leak(text.clone().into_boxed_str());
    texts.insert(text, leaked);
    leaked
}

/// The extensions a program knows, in registration order, and the full parameter table
/// they give: the built-in [`PARAMS`] followed by each plugin's `NAME.enabled` and
/// parameters. Loading, sweeps, `goalspace schema` and the build id all read it, so a
/// plugin registered here is known everywhere with no other change.
#[derive(Clone)]
pub struct Registry {
    extensions: Vec<Arc<dyn Extension>>,
    params: Vec<ParamDef>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::builtin()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.extensions.iter().map(|e| e.name())).finish()
    }
}

impl PartialEq for Registry {
    fn eq(&self, other: &Self) -> bool {
        self.names() == other.names()
    }
}

impl Eq for Registry {}

impl Registry {
    /// The built-in parameters only, no plugin.
    pub fn builtin() -> Self {
        Self { extensions: Vec::new(), params: PARAMS.to_vec() }
    }

    /// This registry with `extension` added after the others.
    ///
    /// # Panics
    /// When the extension is malformed, which is a bug in the plugin or the program that
    /// registers it, found the first time the program starts: a name that is not
    /// snake_case, taken by a built-in section or key or another extension; a parameter
    /// key outside `NAME.`, repeated, or named `NAME.enabled`; a default of the wrong
    /// variant for its kind or outside its range or enum names.
    pub fn with(mut self, extension: impl Extension) -> Self {
        let name = extension.name();
        let valid_name = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && name.starts_with(|c: char| c.is_ascii_lowercase());
        assert!(valid_name, "extension name `{name}` is not snake_case");
        assert!(
            !sections(PARAMS).contains(&name) && !PARAMS.iter().any(|p| p.key == name),
            "extension name `{name}` is a built-in section or key"
        );
        assert!(!self.names().contains(&name), "extension `{name}` is registered twice");
        let enabled = ParamDef::plugin(
            intern(format!("{name}.enabled")),
            "run this plugin (off unless set to true)",
            "-",
            ParamKind::Bool,
            None,
            ParamValue::Bool(false),
            intern(format!("the `{name}` plugin")),
        );
        let mut defs = vec![enabled];
        for def in extension.params() {
            let prefix = format!("{name}.");
            assert!(def.is_plugin(), "{}: declare plugin parameters with ParamDef::plugin", def.key);
            assert!(def.key.starts_with(&prefix), "{}: a key of extension {name} must start with `{prefix}`", def.key);
            assert!(!defs.iter().any(|d| d.key == def.key), "{}: declared twice (or named `enabled`)", def.key);
            check_default(&def);
            defs.push(def);
        }
        self.params.extend(defs);
        self.extensions.push(Arc::new(extension));
        self
    }

    /// Names of the registered extensions, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.extensions.iter().map(|e| e.name()).collect()
    }

    /// The registered extensions, in order.
    pub fn extensions(&self) -> impl Iterator<Item = &dyn Extension> {
        self.extensions.iter().map(|e| e.as_ref())
    }

    /// Every parameter: the built-in ones, then each plugin's.
    pub fn params(&self) -> &[ParamDef] {
        &self.params
    }

    /// The definition of a dotted key, if it is a parameter.
    pub fn param(&self, key: &str) -> Option<&ParamDef> {
        self.params.iter().find(|p| p.key == key)
    }

    /// The default scenario: [`Scenario::default`] with every plugin's default settings.
    pub fn default_scenario(&self) -> Scenario {
        let plugins = self
            .extensions
            .iter()
            .map(|e| {
                let prefix = format!("{}.", e.name());
                let values = self
                    .params
                    .iter()
                    .filter(|p| p.key.starts_with(&prefix))
                    .map(|p| (p.key, p.default_value()))
                    .collect();
                PluginSettings { extension: Arc::clone(e), settings: Settings { plugin: e.name(), values } }
            })
            .collect();
        Scenario { plugins, ..Scenario::default() }
    }

    /// Reads and validates a scenario file with this registry's parameters, applying
    /// `--set KEY=VALUE` overrides first.
    ///
    /// # Errors
    /// As [`Scenario::from_path`].
    pub fn load(&self, path: impl AsRef<Path>, sets: &[String]) -> Result<Scenario, ScenarioError> {
        let path = path.as_ref();
        let text = read_scenario_file(path)?;
        self.parse(&text, &path.display().to_string(), sets)
    }

    /// Validates scenario text with this registry's parameters; `origin` names it in
    /// diagnostics.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] with every problem found.
    pub fn parse(&self, text: &str, origin: &str, sets: &[String]) -> Result<Scenario, ScenarioError> {
        crate::scenario::load(self, text, origin, sets)
    }
}

/// Panics unless `def`'s default has the variant its kind takes and lies in its range.
fn check_default(def: &ParamDef) {
    let d = def.default_value();
    let ok = match (def.kind, &d) {
        (ParamKind::Float, ParamValue::Float(x)) => def.range.is_none_or(|r| r.contains(*x)),
        (ParamKind::Int, ParamValue::Int(i)) => def.range.is_none_or(|r| r.contains(*i as f64)),
        (ParamKind::Bool, ParamValue::Bool(_)) | (ParamKind::Text, ParamValue::Text(_)) => true,
        (ParamKind::Enum(names), ParamValue::Text(t)) => names.contains(&t.as_str()),
        _ => false,
    };
    assert!(ok, "{}: the default {d:?} does not fit kind {} and range {:?}", def.key, def.kind.name(), def.range);
}
