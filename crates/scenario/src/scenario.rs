//! The second stage: walk a parsed TOML table against the parameter table, collect
//! every diagnostic, and build a validated [`Scenario`] that downstream code trusts.

use std::collections::BTreeMap;
use std::path::Path;

use goalspace_core::{CoordinationStrategy, Dist, SelectionStrength};
use goalspace_deployment::DeploymentParams;
use goalspace_training::{TrainingError, TrainingRun};

use crate::phases::{CoordinationSpec, OversightSpec};
use serde::Serialize;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, DiagnosticKind as K, ScenarioError};
use crate::extension::{PluginSettings, Registry};
use crate::params::{
    DEFAULT_DEPLOYMENT_TICKS, ParamDef, ParamKind, ParamValue, Range, all_keys, nearest, sections, sweepable_keys,
    unknown_key_hint,
};
use crate::set::set_path;

/// A validated scenario: the typed training run plus what later phases and sweeps need.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Short name (the file stem when the file sets none).
    pub name: String,
    /// Free description.
    pub description: String,
    /// The typed, validated training parameters.
    pub run: TrainingRun,
    /// The true deployment (MODEL.md §6.1–§6.2): ticks, escape and trap rates, monitoring,
    /// attacker. Its `oversight` field is replaced by [`Scenario::oversight`] when run.
    pub deployment: DeploymentParams,
    /// The oversight protocol (MODEL.md §6.3).
    pub oversight: OversightSpec,
    /// How deployed models coordinate when no mix is given (MODEL.md §6.4).
    pub coordination_strategy: CoordinationStrategy,
    /// Communication graph, strategy mix, power and takeover (MODEL.md §6.4).
    pub coordination: CoordinationSpec,
    /// The sweep plan of this scenario.
    pub sweep: Sweep,
    /// The settings of every plugin of the registry the scenario was loaded with (see
    /// [`Scenario::plugins`]); serialized for the enabled plugins only.
    #[serde(serialize_with = "crate::extension::serialize_enabled")]
    pub(crate) plugins: Vec<PluginSettings>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            run: TrainingRun::default(),
            deployment: DeploymentParams { ticks: DEFAULT_DEPLOYMENT_TICKS, ..DeploymentParams::default() },
            oversight: OversightSpec::default(),
            coordination_strategy: CoordinationStrategy::default(),
            coordination: CoordinationSpec::default(),
            sweep: Sweep::default(),
            plugins: Vec::new(),
        }
    }
}

/// A sweep plan: replicates per point and a grid of parameter values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sweep {
    /// Replicates per grid point, ≥ 1.
    pub replicates: u32,
    /// The axes of the grid, in file order; each value already passed its parameter's checks.
    pub grid: Vec<SweepAxis>,
}

impl Default for Sweep {
    fn default() -> Self {
        Self { replicates: 1, grid: Vec::new() }
    }
}

/// One axis of a sweep grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepAxis {
    /// Dotted parameter key.
    pub key: String,
    /// The values the parameter takes, as TOML values (apply one with `KEY=VALUE`).
    pub values: Vec<toml::Value>,
}

impl Scenario {
    /// Reads and validates a scenario file with the built-in parameters (no plugin; see
    /// [`Registry::load`]), applying `--set KEY=VALUE` overrides first.
    ///
    /// # Errors
    /// [`ScenarioError::Io`] when the file cannot be read, as [`read_scenario_file`] when it
    /// is not UTF-8 or sets no parameter, [`ScenarioError::Invalid`] with every problem
    /// found otherwise.
    pub fn from_path(path: impl AsRef<Path>, sets: &[String]) -> Result<Scenario, ScenarioError> {
        Registry::builtin().load(path, sets)
    }

    /// Validates scenario text with the built-in parameters (no plugin; see
    /// [`Registry::parse`]); `origin` names it in diagnostics (usually the file path).
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] with every problem found.
    pub fn from_str(text: &str, origin: &str, sets: &[String]) -> Result<Scenario, ScenarioError> {
        Registry::builtin().parse(text, origin, sets)
    }
}

/// Validates scenario text against the parameters of `registry` (the body of
/// [`Registry::parse`]).
pub(crate) fn load(registry: &Registry, text: &str, origin: &str, sets: &[String]) -> Result<Scenario, ScenarioError> {
    load_swept(registry, text, origin, sets, &[])
}

/// As [`load`], knowing the keys a plan sweeps with `--grid` (a plugin's `enabled` swept
/// there counts as given).
pub(crate) fn load_swept(
    registry: &Registry,
    text: &str,
    origin: &str,
    sets: &[String],
    swept: &[String],
) -> Result<Scenario, ScenarioError> {
    let mut table = match text.parse::<toml::Table>() {
        Ok(t) => t,
        Err(e) => {
            let mut d = Diagnostic::new(origin, "", K::Syntax, format!("TOML syntax error: {}", e.message().trim()))
                .with_hint("fix the TOML syntax first; the parameter checks run once the file parses");
            if let Some(span) = e.span() {
                let (line, column) = line_col(text, span.start);
                (d.line, d.column) = (Some(line), Some(column));
            }
            return Err(ScenarioError::Invalid { diagnostics: vec![d] });
        }
    };
    let mut loader = Loader::new(registry, text, origin);
    loader.swept = swept.to_vec();
    for arg in sets {
        match set_path(&mut table, arg, registry.params()) {
            Ok(path) => {
                loader.overrides.insert(path, arg.clone());
            }
            Err(d) => loader.diags.push(*d),
        }
    }
    let scenario = loader.build(&table);
    let mut diagnostics = loader.diags;
    diagnostics.sort_by_key(|d| (d.line.is_none(), d.line, d.column));
    if diagnostics.is_empty() { Ok(scenario) } else { Err(ScenarioError::Invalid { diagnostics }) }
}

/// Reads a scenario file as text, refusing what cannot be a scenario the user meant: bytes
/// that are not UTF-8, and a file that sets no parameter at all (empty, or only blank lines
/// and comments), which would silently run every default.
///
/// # Errors
/// [`ScenarioError::Io`] when the file cannot be read; [`ScenarioError::Invalid`] with one
/// [`DiagnosticKind::Syntax`](crate::DiagnosticKind::Syntax) diagnostic when it is not
/// UTF-8, or one [`DiagnosticKind::NoParameters`](crate::DiagnosticKind::NoParameters)
/// diagnostic when it is valid TOML without a single key.
pub fn read_scenario_file(path: &Path) -> Result<String, ScenarioError> {
    let bytes = std::fs::read(path).map_err(|source| ScenarioError::Io { path: path.to_owned(), source })?;
    let origin = path.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            let (line, column) = line_col(&prefix, prefix.len());
            let mut d = Diagnostic::new(
                &origin,
                "",
                K::Syntax,
                format!("the file is not UTF-8 text (byte {valid} is not UTF-8); a scenario file must be UTF-8 TOML"),
            )
            .with_hint("save the file as UTF-8 (plain ASCII is UTF-8 too)");
            (d.line, d.column) = (Some(line), Some(column));
            return Err(ScenarioError::Invalid { diagnostics: vec![d] });
        }
    };
    if text.parse::<toml::Table>().is_ok_and(|t| t.is_empty()) {
        let d = Diagnostic::new(
            &origin,
            "",
            K::NoParameters,
            "the file sets no parameter: an empty file runs every default".to_owned(),
        )
        .with_hint("write at least `name = \"...\"` to confirm that the defaults are meant");
        return Err(ScenarioError::Invalid { diagnostics: vec![d] });
    }
    Ok(text)
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Byte offset of every key of the file, by path of segments.
pub(crate) fn key_offsets(text: &str) -> BTreeMap<Vec<String>, usize> {
    fn walk(t: &DeTable<'_>, prefix: &mut Vec<String>, out: &mut BTreeMap<Vec<String>, usize>) {
        for (k, v) in t.iter() {
            prefix.push(k.get_ref().to_string());
            out.entry(prefix.clone()).or_insert(k.span().start);
            if let DeValue::Table(sub) = v.get_ref() {
                walk(sub, prefix, out);
            }
            prefix.pop();
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(t) = DeTable::parse(text) {
        walk(t.get_ref(), &mut Vec::new(), &mut out);
    }
    out
}

fn segments(key: &str) -> Vec<String> {
    key.split('.').map(str::to_owned).collect()
}

/// The two paths a `[sweep.grid]` entry of `key` can have in a file: the quoted dotted key
/// (`"training.ticks" = [...]`) and nested tables (`[sweep.grid.training]`, `ticks = [...]`).
pub(crate) fn grid_entry_paths(key: &str) -> [Vec<String>; 2] {
    let head = || vec!["sweep".to_owned(), "grid".to_owned()];
    let mut quoted = head();
    quoted.push(key.to_owned());
    let mut nested = head();
    nested.extend(segments(key));
    [quoted, nested]
}

/// Walks a table against the parameters of a [`Registry`], collecting values and diagnostics.
struct Loader<'a> {
    registry: &'a Registry,
    origin: &'a str,
    text: &'a str,
    keys: BTreeMap<Vec<String>, usize>,
    overrides: BTreeMap<Vec<String>, String>,
    diags: Vec<Diagnostic>,
    /// Keys swept by `--grid` (given at every point of the plan).
    swept: Vec<String>,
}

impl<'a> Loader<'a> {
    fn new(registry: &'a Registry, text: &'a str, origin: &'a str) -> Self {
        Self {
            registry,
            origin,
            text,
            keys: key_offsets(text),
            overrides: BTreeMap::new(),
            diags: Vec::new(),
            swept: Vec::new(),
        }
    }

    /// Fills origin and position of `d` from the deepest known prefix of `path` and records it.
    fn push(&mut self, path: &[String], mut d: Diagnostic) {
        let over = (1..=path.len()).rev().find_map(|i| self.overrides.get(&path[..i]));
        if let Some(arg) = over {
            d.origin = format!("--set {arg}");
        } else {
            d.origin = self.origin.to_owned();
            if let Some(&off) = (1..=path.len()).rev().find_map(|i| self.keys.get(&path[..i])) {
                let (line, column) = line_col(self.text, off);
                (d.line, d.column) = (Some(line), Some(column));
            }
        }
        self.diags.push(d);
    }

    fn is_given(&self, key: &str) -> bool {
        self.has_path(&segments(key))
    }

    /// True when the file or a `--set` gives the value at `path`.
    fn has_path(&self, path: &[String]) -> bool {
        self.keys.contains_key(path) || self.overrides.contains_key(path)
    }

    /// True when `key` is given at every point of the plan: in the file, by `--set`, or
    /// as an axis of the file's `[sweep.grid]` or of `--grid`.
    fn is_given_or_swept(&self, key: &str) -> bool {
        self.is_given(key)
            || self.swept.iter().any(|k| k == key)
            || grid_entry_paths(key).iter().any(|path| self.has_path(path))
    }

    fn build(&mut self, table: &toml::Table) -> Scenario {
        let mut found = Vec::new();
        self.walk(table, &[], &mut found);
        found.sort_by_key(|(i, _)| *i);
        let params = self.registry.params();
        let mut s = self.registry.default_scenario();
        let given: Vec<&'static str> = found.iter().map(|(i, _)| params[*i].key).collect();
        for (i, v) in found.iter().cloned() {
            params[i].set(&mut s, v);
        }
        if !given.contains(&"name") {
            s.name = Path::new(self.origin).file_stem().map(|x| x.to_string_lossy().into_owned()).unwrap_or_default();
        }
        self.cross_checks(&s, &given);
        self.plugin_checks(&s, &given);
        if self.diags.is_empty()
            && let Err(e) = s.run.validate()
        {
            self.rejected(&e);
        }
        if self.diags.is_empty()
            && let Err(e) = s.deployment_params().validate()
        {
            self.rejected_deployment(&e);
        }
        s
    }

    fn walk(&mut self, table: &toml::Table, prefix: &[String], found: &mut Vec<(usize, ParamValue)>) {
        for (k, v) in table {
            let path: Vec<String> = prefix.iter().cloned().chain([k.clone()]).collect();
            let key = path.join(".");
            let params = self.registry.params();
            if let Some(i) = params.iter().position(|p| p.key == key) {
                if let Some(value) = self.check(&At { def: &params[i], path: path.clone(), label: key.clone() }, v) {
                    found.push((i, value));
                }
            } else if sections(params).contains(&key.as_str()) {
                match v {
                    toml::Value::Table(t) => self.walk(t, &path, found),
                    _ => {
                        let d = Diagnostic::new(
                            "",
                            &key,
                            K::WrongType,
                            format!("{key} = {v} has the wrong type: expected a table [{key}], found {}", v.type_str()),
                        )
                        .with_hint(format!("write the {key} parameters under a [{key}] header"));
                        self.push(&path, d);
                    }
                }
            } else {
                let mut hint = unknown_key_hint(&key, &all_keys(params), true);
                if prefix.is_empty() && v.is_table() {
                    let names = self.registry.names();
                    hint.push_str(&if names.is_empty() {
                        format!("; if [{key}] is a plugin's section, this goalspace has no plugin registered")
                    } else {
                        format!("; the plugins registered in this goalspace are {}", names.join(", "))
                    });
                }
                self.unknown(&path, &key, Some(hint));
            }
        }
    }

    fn unknown(&mut self, path: &[String], key: &str, hint: Option<String>) {
        let mut d = Diagnostic::new("", key, K::UnknownKey, format!("unknown key `{key}`"));
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.push(path, d);
    }

    /// Checks one value against its definition.
    fn check(&mut self, at: &At<'_>, v: &toml::Value) -> Option<ParamValue> {
        match at.def.kind {
            ParamKind::Float => {
                let x = self.number(at, v, "a number")?;
                self.in_range(at, at.def.range, x, v).then_some(ParamValue::Float(x))
            }
            ParamKind::Int => {
                // Integers stay exact (seeds above 2^53); an integral float such as 1e6 is accepted.
                let i = match v {
                    toml::Value::Integer(i) => *i,
                    _ => {
                        let x = self.number(at, v, "an integer")?;
                        if x.fract() != 0.0 || x.abs() > 9.2e18 {
                            self.wrong_type(at, v, "an integer");
                            return None;
                        }
                        x as i64
                    }
                };
                self.in_range(at, at.def.range, i as f64, v).then_some(ParamValue::Int(i))
            }
            ParamKind::Bool => match v {
                toml::Value::Boolean(b) => Some(ParamValue::Bool(*b)),
                _ => {
                    self.wrong_type(at, v, "true or false");
                    None
                }
            },
            ParamKind::Text => match v {
                toml::Value::String(s) => Some(ParamValue::Text(s.clone())),
                _ => {
                    self.wrong_type(at, v, "a string");
                    None
                }
            },
            ParamKind::Enum(names) => self.enumeration(at, names, v),
            ParamKind::Dist => self.dist(at, v),
            ParamKind::Schedule => self.schedule(at, v),
            ParamKind::Grid => self.grid(v, &at.path),
        }
    }

    /// A finite number (integers widen); pushes wrong-type or not-finite diagnostics.
    fn number(&mut self, at: &At, v: &toml::Value, what: &str) -> Option<f64> {
        let x = match v {
            toml::Value::Integer(i) => *i as f64,
            toml::Value::Float(x) => *x,
            _ => {
                self.wrong_type(at, v, what);
                return None;
            }
        };
        if x.is_finite() {
            return Some(x);
        }
        let label = &at.label;
        let mut d = Diagnostic::new(
            "",
            label,
            K::NotFinite,
            format!("{label} = {v} is not a finite number ({})", at.def.gloss()),
        );
        if let Some(r) = at.def.range {
            d = d.with_range(r).with_hint(format!("write a finite number in {r}"));
        }
        self.push(&at.path, d);
        None
    }

    fn in_range(&mut self, at: &At, range: Option<Range>, x: f64, v: &toml::Value) -> bool {
        let Some(r) = range else { return true };
        if r.contains(x) {
            return true;
        }
        let label = &at.label;
        let d = Diagnostic::new("", label, K::OutOfRange, format!("{label} = {v} is outside {r} ({})", at.def.gloss()))
            .with_range(r)
            .with_hint(default_hint(at.def));
        self.push(&at.path, d);
        false
    }

    fn wrong_type(&mut self, at: &At, v: &toml::Value, expected: &str) {
        let label = &at.label;
        let mut d = Diagnostic::new(
            "",
            label,
            K::WrongType,
            format!(
                "{label} = {v} has the wrong type: expected {expected}, found {} ({})",
                v.type_str(),
                at.def.gloss()
            ),
        )
        .with_hint(default_hint(at.def));
        if let Some(r) = at.def.range {
            d = d.with_range(r);
        }
        self.push(&at.path, d);
    }

    fn enumeration(&mut self, at: &At, names: &[&str], v: &toml::Value) -> Option<ParamValue> {
        let allowed = format!("one of {}", quoted(names));
        let label = &at.label;
        match v {
            toml::Value::String(s) if names.contains(&s.as_str()) => Some(ParamValue::Text(s.clone())),
            toml::Value::String(s) => {
                let mut d = Diagnostic::new(
                    "",
                    label,
                    K::OutOfRange,
                    format!("{label} = {v} is not {allowed} ({})", at.def.gloss()),
                )
                .with_range(&allowed);
                if let Some(n) = nearest(s, names.iter().copied()) {
                    d = d.with_hint(format!("did you mean \"{n}\"?"));
                }
                self.push(&at.path, d);
                None
            }
            _ => {
                self.wrong_type(at, v, &format!("a string, {allowed}"));
                None
            }
        }
    }

    /// Reads the numeric `fields` of an inline table (a distribution or a schedule whose
    /// discriminating field is `tag`), reporting unknown, missing and non-numeric fields.
    fn fields<const N: usize>(
        &mut self,
        at: &At,
        t: &toml::Table,
        tag: &str,
        fields: [&str; N],
        kind: K,
    ) -> Option<[f64; N]> {
        let mut ok = true;
        for k in t.keys().filter(|k| *k != tag && !fields.contains(&k.as_str())) {
            let sub = at.sub(k);
            let hint = match nearest(k, fields.iter().copied().chain([tag])) {
                Some(n) => format!("did you mean `{n}`?"),
                None => format!("this form takes {tag} and {}", fields.join(", ")),
            };
            self.unknown(&sub.path, &sub.label, Some(hint));
            ok = false;
        }
        let mut out = [0.0; N];
        for (slot, f) in out.iter_mut().zip(fields) {
            match t.get(f) {
                None => {
                    let label = &at.label;
                    let d = Diagnostic::new("", label, kind, format!("{label} lacks `{f}` ({})", at.def.gloss()))
                        .with_hint(format!("add `{f} = <number>` to the inline table"));
                    self.push(&at.path, d);
                    ok = false;
                }
                Some(v) => match self.number(&at.sub(f), v, "a number") {
                    Some(x) => *slot = x,
                    None => ok = false,
                },
            }
        }
        ok.then_some(out)
    }

    /// The name in the discriminating field `tag` of an inline table, one of `names`.
    fn tag<'t>(&mut self, at: &At, t: &'t toml::Table, tag: &str, names: &[&str], kind: K) -> Option<&'t str> {
        let allowed = quoted(names);
        let label = &at.label;
        match t.get(tag) {
            Some(toml::Value::String(s)) if names.contains(&s.as_str()) => Some(s.as_str()),
            Some(other) => {
                let mut d = Diagnostic::new(
                    "",
                    label,
                    kind,
                    format!("{label}.{tag} = {other} is not one of {allowed} ({})", at.def.gloss()),
                )
                .with_range(format!("one of {allowed}"));
                if let Some(n) = other.as_str().and_then(|s| nearest(s, names.iter().copied())) {
                    d = d.with_hint(format!("did you mean \"{n}\"?"));
                }
                self.push(&at.sub(tag).path, d);
                None
            }
            None => {
                let d = Diagnostic::new("", label, kind, format!("{label} lacks `{tag}` ({})", at.def.gloss()))
                    .with_range(format!("{tag} = one of {allowed}"))
                    .with_hint(format!("add `{tag} = \"{}\"` or write a plain number", names[0]));
                self.push(&at.path, d);
                None
            }
        }
    }

    fn dist(&mut self, at: &At, v: &toml::Value) -> Option<ParamValue> {
        let range = at.def.range.unwrap_or(Range::closed(f64::MIN, f64::MAX));
        let t = match v {
            toml::Value::Integer(_) | toml::Value::Float(_) => {
                let x = self.number(at, v, "a number")?;
                return self.in_range(at, at.def.range, x, v).then_some(ParamValue::Dist(Dist::fixed(x)));
            }
            toml::Value::Table(t) => t,
            _ => {
                self.wrong_type(at, v, "a number or an inline table such as { dist = \"uniform\", low = 0, high = 1 }");
                return None;
            }
        };
        let kind = K::InvalidDistribution;
        let d = match self.tag(at, t, "dist", &["fixed", "uniform", "normal", "beta"], kind)? {
            "fixed" => self.fields(at, t, "dist", ["value"], kind).map(|[value]| Dist::Fixed { value }),
            "uniform" => {
                self.fields(at, t, "dist", ["low", "high"], kind).map(|[low, high]| Dist::Uniform { low, high })
            }
            "normal" => self.fields(at, t, "dist", ["mean", "sd"], kind).map(|[mean, sd]| Dist::Normal { mean, sd }),
            _ => self.fields(at, t, "dist", ["alpha", "beta"], kind).map(|[alpha, beta]| Dist::Beta { alpha, beta }),
        }?;
        match d.validate(range.lo, range.hi) {
            Ok(()) => Some(ParamValue::Dist(d)),
            Err(e) => {
                let label = &at.label;
                let d = Diagnostic::new(
                    "",
                    label,
                    kind,
                    format!("{label} = {v} is not a valid distribution: {e} ({})", at.def.gloss()),
                )
                .with_range(range)
                .with_hint(format!("the distribution must be well formed and its support stay inside {range}"));
                self.push(&at.path, d);
                None
            }
        }
    }

    fn schedule(&mut self, at: &At, v: &toml::Value) -> Option<ParamValue> {
        let t = match v {
            toml::Value::Integer(_) | toml::Value::Float(_) => {
                let beta = self.number(at, v, "a number")?;
                return self
                    .in_range(at, at.def.range, beta, v)
                    .then_some(ParamValue::Schedule(SelectionStrength::Constant { beta }));
            }
            toml::Value::Table(t) => t,
            _ => {
                self.wrong_type(
                    at,
                    v,
                    "a number or an inline table such as { schedule = \"linear\", start = 10, end = 100 }",
                );
                return None;
            }
        };
        let kind = K::InvalidSchedule;
        let name = self.tag(at, t, "schedule", &["constant", "linear", "geometric"], kind)?;
        let (fields, range): (Vec<(&str, f64)>, Range) = match name {
            "constant" => {
                let [beta] = self.fields(at, t, "schedule", ["beta"], kind)?;
                (vec![("beta", beta)], Range::closed(0.0, 1e6))
            }
            _ => {
                let [start, end] = self.fields(at, t, "schedule", ["start", "end"], kind)?;
                let range = if name == "linear" { Range::closed(0.0, 1e6) } else { Range::open_closed(0.0, 1e6) };
                (vec![("start", start), ("end", end)], range)
            }
        };
        let mut ok = true;
        for (f, x) in &fields {
            ok &= self.in_range(&at.sub(f), Some(range), *x, &toml::Value::Float(*x));
        }
        ok.then(|| {
            ParamValue::Schedule(match (name, fields.as_slice()) {
                ("constant", [(_, beta)]) => SelectionStrength::Constant { beta: *beta },
                ("linear", [(_, start), (_, end)]) => SelectionStrength::Linear { start: *start, end: *end },
                (_, [(_, start), (_, end)]) => SelectionStrength::Geometric { start: *start, end: *end },
                _ => SelectionStrength::Constant { beta: 0.0 },
            })
        })
    }

    fn grid(&mut self, v: &toml::Value, path: &[String]) -> Option<ParamValue> {
        let Some(table) = v.as_table() else {
            let d = Diagnostic::new(
                "",
                "sweep.grid",
                K::WrongType,
                format!(
                    "sweep.grid = {v} has the wrong type: expected a table of key = [values], found {}",
                    v.type_str()
                ),
            )
            .with_hint("write [sweep.grid] and under it lines such as \"training.speed_cost\" = [0.01, 0.02]");
            self.push(path, d);
            return None;
        };
        let mut axes = Vec::new();
        let ok = self.grid_table(table, path, "", &mut axes);
        ok.then_some(ParamValue::Grid(axes))
    }

    /// One level of a grid table: quoted dotted keys and nested tables both name parameters.
    fn grid_table(&mut self, table: &toml::Table, path: &[String], prefix: &str, axes: &mut Vec<SweepAxis>) -> bool {
        let mut ok = true;
        for (k, v) in table {
            let sub: Vec<String> = path.iter().cloned().chain([k.clone()]).collect();
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            let label = format!("sweep.grid.{key}");
            match self.registry.param(&key) {
                Some(def) if def.key.starts_with("sweep.") => {
                    let d = Diagnostic::new("", &label, K::UnknownKey, format!("{key} cannot be swept"))
                        .with_hint("sweep over scenario parameters; set sweep.replicates directly");
                    self.push(&sub, d);
                    ok = false;
                }
                Some(def) => match v {
                    toml::Value::Array(values) if !values.is_empty() => {
                        let at = At { def, path: sub.clone(), label: label.clone() };
                        for x in values {
                            ok &= self.check(&at, x).is_some();
                        }
                        if let Some((first, again)) = crate::set::first_duplicate(values) {
                            self.push(&sub, crate::set::duplicate_value("", &label, &key, values, first, again));
                            ok = false;
                        }
                        axes.push(SweepAxis { key: key.clone(), values: values.clone() });
                    }
                    _ => {
                        let d = Diagnostic::new(
                            "",
                            &label,
                            K::WrongType,
                            format!("{label} = {v} has the wrong type: expected a non-empty array of values"),
                        )
                        .with_hint(format!("write \"{key}\" = [{}, ...]", def.default_value().to_toml()));
                        self.push(&sub, d);
                        ok = false;
                    }
                },
                None if sections(self.registry.params()).contains(&key.as_str()) && v.is_table() => {
                    if let Some(t) = v.as_table() {
                        ok &= self.grid_table(t, &sub, &key, axes);
                    }
                }
                None => {
                    let hint = unknown_key_hint(&key, &sweepable_keys(self.registry.params()), false);
                    self.unknown(&sub, &label, Some(hint));
                    ok = false;
                }
            }
        }
        ok
    }

    fn cross_checks(&mut self, s: &Scenario, given: &[&str]) {
        let g = &s.run.goal_space;
        let total = u64::from(g.content_bits) + u64::from(g.horizon_bits) + u64::from(g.ambition_bits);
        if total > 128 {
            let at = ["goal_space.content_bits", "goal_space.horizon_bits", "goal_space.ambition_bits"]
                .into_iter()
                .find(|k| self.is_given(k))
                .unwrap_or("goal_space.content_bits");
            let d = Diagnostic::new(
                "",
                at,
                K::Inconsistent,
                format!(
                    "goal_space.content_bits + horizon_bits + ambition_bits = {} + {} + {} = {total} exceeds the 128 bits of a goal",
                    g.content_bits, g.horizon_bits, g.ambition_bits
                ),
            )
            .with_range("content_bits + horizon_bits + ambition_bits <= 128")
            .with_hint("shrink one of the fields");
            self.push(&segments(at), d);
        }
        if g.beyond_episode_min_k > g.horizon_bits {
            let key = "goal_space.beyond_episode_min_k";
            let d = Diagnostic::new(
                "",
                key,
                K::Inconsistent,
                format!("{key} = {} exceeds goal_space.horizon_bits = {}", g.beyond_episode_min_k, g.horizon_bits),
            )
            .with_range(format!("[1, horizon_bits = {}]", g.horizon_bits))
            .with_hint("lower beyond_episode_min_k or raise horizon_bits");
            self.push(&segments(key), d);
        }
        let mix_keys =
            ["coordination.mix_solo", "coordination.mix_kin", "coordination.mix_any_ai", "coordination.mix_reciprocal"];
        if let Some(mix) = s.coordination.mix {
            let sum: f64 = mix.iter().sum();
            let at = mix_keys.into_iter().find(|k| given.contains(k)).unwrap_or(mix_keys[0]);
            if (sum - 1.0).abs() > 1e-9 {
                let d = Diagnostic::new(
                    "",
                    at,
                    K::Inconsistent,
                    format!(
                        "the strategy mix solo {} + kin {} + any_ai {} + reciprocal {} sums to {sum}, not 1",
                        mix[0], mix[1], mix[2], mix[3]
                    ),
                )
                .with_range("shares in [0, 1] summing to 1")
                .with_hint("make coordination.mix_* sum to 1 (unlisted shares are 0)");
                self.push(&segments(at), d);
            }
            if given.contains(&"coordination.strategy") {
                let key = "coordination.strategy";
                let d = Diagnostic::new("", key, K::Inconsistent, format!("{key} is set together with a strategy mix"))
                    .with_hint("give either coordination.strategy (everyone) or coordination.mix_* (a mix)");
                self.push(&segments(key), d);
            }
        }
        if s.deployment.ticks > 0 {
            let model = s.coordination_model();
            if let Err(e) = model.validate(s.run.population) {
                let key = "coordination.graph";
                let d = Diagnostic::new("", key, K::Inconsistent, e.to_string())
                    .with_hint("pick another graph or mean degree, or a larger population");
                self.push(&segments(key), d);
            }
        }
        if given.contains(&"coordination.kin_radius")
            && !matches!(s.coordination_strategy, CoordinationStrategy::Kin { .. })
            && s.coordination.mix.is_none_or(|m| m[1] == 0.0)
        {
            let key = "coordination.kin_radius";
            let d = Diagnostic::new(
                "",
                key,
                K::Inconsistent,
                format!("{key} is set but coordination.strategy is not \"kin\""),
            )
            .with_hint("set coordination.strategy = \"kin\" or remove kin_radius");
            self.push(&segments(key), d);
        }
    }

    /// The checks of plugin sections: settings of a plugin the scenario does not switch on
    /// or off (probably a forgotten `enabled = true`), then each enabled plugin's own checks.
    fn plugin_checks(&mut self, s: &Scenario, given: &[&'static str]) {
        for p in &s.plugins {
            let name = p.settings().plugin();
            let prefix = format!("{name}.");
            let enabled = format!("{name}.enabled");
            let set: Vec<&str> = given.iter().copied().filter(|k| k.starts_with(&prefix) && **k != enabled).collect();
            // Not `given`: an `enabled` with a bad value has its own diagnostic, and a
            // swept `enabled` is given at every point.
            if let Some(first) = set.first()
                && !self.is_given_or_swept(&enabled)
            {
                let hint = format!(
                    "set {enabled} = true (`enabled = true` under [{name}], or --set {enabled}=true; false keeps it off)"
                );
                let d = Diagnostic::new(
                    "",
                    first,
                    K::Inconsistent,
                    format!("{first} is set but {enabled} is not, so the {name} plugin stays off"),
                )
                .with_hint(hint);
                self.push(&segments(first), d);
            }
            if !p.settings().enabled() {
                continue;
            }
            for problem in p.extension().check(p.settings(), s) {
                let message = match &problem.range {
                    Some(r) => format!("{} (allowed: {r})", problem.message),
                    None => problem.message,
                };
                let mut d = Diagnostic::new("", problem.key, K::Inconsistent, message).with_hint(problem.hint);
                if let Some(r) = problem.range {
                    d = d.with_range(r);
                }
                self.push(&segments(problem.key), d);
            }
        }
    }

    /// Converts the deployment guard's error into a diagnostic at the parameter it names.
    fn rejected_deployment(&mut self, e: &goalspace_deployment::DeploymentError) {
        let (parameter, range) = match e {
            goalspace_deployment::DeploymentError::OutOfRange(r) => (r.parameter.clone(), Some(r.range.clone())),
            _ => (String::new(), None),
        };
        let mut d = Diagnostic::new("", &parameter, K::Rejected, format!("the deployment was rejected: {e}"))
            .with_hint("this value passed the scenario checks but not the simulator's own; see MODEL.md §6");
        if let Some(r) = range {
            d = d.with_range(r);
        }
        self.push(&segments(&parameter), d);
    }

    /// Converts the final guard's error into a diagnostic at the parameter it names.
    fn rejected(&mut self, e: &TrainingError) {
        let parameter = match e {
            TrainingError::OutOfRange(r) => r.parameter.clone(),
            TrainingError::GoalSpace(g) => match g {
                goalspace_core::GoalSpaceError::TooManyBits { .. } => "goal_space.content_bits".to_owned(),
                goalspace_core::GoalSpaceError::FieldTooSmall { field, .. }
                | goalspace_core::GoalSpaceError::OutOfRange { field, .. } => format!("goal_space.{field}"),
            },
            TrainingError::Schedule(_) => String::new(),
        };
        let mut d = Diagnostic::new("", &parameter, K::Rejected, format!("the training run was rejected: {e}"))
            .with_hint("this value passed the scenario checks but not the simulator's own; see MODEL.md");
        if let TrainingError::OutOfRange(r) = e {
            d = d.with_range(&r.range);
        }
        self.push(&segments(&parameter), d);
    }
}

/// Where a value sits: its definition, its path of segments and the key shown in messages.
struct At<'d> {
    def: &'d ParamDef,
    path: Vec<String>,
    label: String,
}

impl<'d> At<'d> {
    /// The same parameter, one field deeper (a field of an inline table).
    fn sub(&self, field: &str) -> At<'d> {
        At {
            def: self.def,
            path: self.path.iter().cloned().chain([field.to_owned()]).collect(),
            label: format!("{}.{field}", self.label),
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

fn default_hint(def: &ParamDef) -> String {
    format!("the default is {}; see {}", def.default_value().to_toml(), def.source_text())
}
