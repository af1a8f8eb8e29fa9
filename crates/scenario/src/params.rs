//! The one parameter table: every scenario key with its doc, unit, kind, range,
//! source and accessors. Validation, defaults, the Markdown reference and the JSON
//! schema are all driven from [`PARAMS`], so a key is defined in exactly one place.

use std::fmt;

use goalspace_core::{AgentMix, CoordinationStrategy, Dist, SearchMode, SelectionStrength};

use crate::scenario::{Scenario, SweepAxis};

/// What kind of value a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A finite floating-point number (an integer literal is accepted too).
    Float,
    /// An integer (a float with an integral value, such as `1e6`, is accepted too).
    Int,
    /// `true` or `false`.
    Bool,
    /// A string naming one of the allowed values.
    Enum(&'static [&'static str]),
    /// Free text.
    Text,
    /// A trait distribution: a number (fixed) or an inline table
    /// `{ dist = "uniform", low, high }`, `{ dist = "normal", mean, sd }`,
    /// `{ dist = "beta", alpha, beta }` or `{ dist = "fixed", value }`.
    Dist,
    /// A selection-strength schedule: a number (constant β) or an inline table
    /// `{ schedule = "linear" | "geometric", start, end }` or `{ schedule = "constant", beta }`.
    Schedule,
    /// A sweep grid: a table of dotted parameter key → array of values.
    Grid,
}

impl ParamKind {
    /// Short name of the kind, as shown in the schema.
    pub fn name(&self) -> &'static str {
        match self {
            ParamKind::Float => "float",
            ParamKind::Int => "int",
            ParamKind::Bool => "bool",
            ParamKind::Enum(_) => "enum",
            ParamKind::Text => "string",
            ParamKind::Dist => "distribution",
            ParamKind::Schedule => "schedule",
            ParamKind::Grid => "grid",
        }
    }
}

/// An allowed numeric interval, each end open or closed; an infinite end is always open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower end.
    pub lo: f64,
    /// Upper end (may be `f64::INFINITY`).
    pub hi: f64,
    /// True when `lo` itself is excluded.
    pub lo_open: bool,
    /// True when `hi` itself is excluded.
    pub hi_open: bool,
}

impl Range {
    /// `[lo, hi]`.
    pub const fn closed(lo: f64, hi: f64) -> Self {
        Self { lo, hi, lo_open: false, hi_open: false }
    }

    /// `(lo, hi)`.
    pub const fn open(lo: f64, hi: f64) -> Self {
        Self { lo, hi, lo_open: true, hi_open: true }
    }

    /// `(lo, hi]`.
    pub const fn open_closed(lo: f64, hi: f64) -> Self {
        Self { lo, hi, lo_open: true, hi_open: false }
    }

    /// True when `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.lo_open { x > self.lo } else { x >= self.lo };
        let below = if self.hi_open || self.hi.is_infinite() { x < self.hi } else { x <= self.hi };
        above && below
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let open = if self.lo_open { '(' } else { '[' };
        let close = if self.hi_open || self.hi.is_infinite() { ')' } else { ']' };
        let hi = if self.hi.is_infinite() { "inf".to_owned() } else { fmt_num(self.hi) };
        write!(f, "{open}{}, {hi}{close}", fmt_num(self.lo))
    }
}

/// Formats a range end: integers without a fraction, big integers in full.
fn fmt_num(x: f64) -> String {
    if x == i64::MAX as f64 { "2^63 - 1".to_owned() } else { format!("{x}") }
}

/// A typed parameter value, as validated from a scenario file or read from a [`Scenario`].
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A float.
    Float(f64),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A string (free text or an enum name).
    Text(String),
    /// A trait distribution.
    Dist(Dist),
    /// A selection-strength schedule.
    Schedule(SelectionStrength),
    /// A sweep grid.
    Grid(Vec<SweepAxis>),
}

impl ParamValue {
    /// The value written as TOML (the shorthand number for fixed distributions and constant β).
    pub fn to_toml(&self) -> toml::Value {
        use toml::Value as V;
        let table =
            |pairs: &[(&str, toml::Value)]| V::Table(pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect());
        match self {
            ParamValue::Float(x) => V::Float(*x),
            ParamValue::Int(i) => V::Integer(*i),
            ParamValue::Bool(b) => V::Boolean(*b),
            ParamValue::Text(s) => V::String(s.clone()),
            ParamValue::Dist(d) => match *d {
                Dist::Fixed { value } => V::Float(value),
                Dist::Uniform { low, high } => {
                    table(&[("dist", V::String("uniform".into())), ("low", V::Float(low)), ("high", V::Float(high))])
                }
                Dist::Normal { mean, sd } => {
                    table(&[("dist", V::String("normal".into())), ("mean", V::Float(mean)), ("sd", V::Float(sd))])
                }
                Dist::Beta { alpha, beta } => {
                    table(&[("dist", V::String("beta".into())), ("alpha", V::Float(alpha)), ("beta", V::Float(beta))])
                }
            },
            ParamValue::Schedule(s) => match *s {
                SelectionStrength::Constant { beta } => V::Float(beta),
                SelectionStrength::Linear { start, end } => table(&[
                    ("schedule", V::String("linear".into())),
                    ("start", V::Float(start)),
                    ("end", V::Float(end)),
                ]),
                SelectionStrength::Geometric { start, end } => table(&[
                    ("schedule", V::String("geometric".into())),
                    ("start", V::Float(start)),
                    ("end", V::Float(end)),
                ]),
            },
            ParamValue::Grid(axes) => {
                V::Table(axes.iter().map(|a| (a.key.clone(), V::Array(a.values.clone()))).collect::<toml::Table>())
            }
        }
    }

    /// The value as JSON (same shape as [`ParamValue::to_toml`]).
    pub fn to_json(&self) -> serde_json::Value {
        toml_to_json(&self.to_toml())
    }
}

/// Converts a TOML value to JSON; non-finite floats become `null`, datetimes strings.
pub(crate) fn toml_to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(t.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

/// One scenario parameter: its key, documentation, kind, allowed range and source, and
/// how it is read from and written into a [`Scenario`].
///
/// Built-in parameters are the entries of [`PARAMS`]; a plugin declares its own with
/// [`ParamDef::plugin`] (see [`crate::Extension`]).
#[derive(Clone)]
pub struct ParamDef {
    /// Dotted TOML key, for example `training.speed_cost`.
    pub key: &'static str,
    /// One-sentence description (lower case, no final period: it is quoted inside diagnostics).
    pub doc: &'static str,
    /// Unit of the value (`-` for a pure number or a name).
    pub unit: &'static str,
    /// Kind of value.
    pub kind: ParamKind,
    /// Allowed interval of a number, or the support a distribution must stay inside.
    pub range: Option<Range>,
    /// Where the parameter is defined: a MODEL.md section (`§5.2`) for built-in parameters,
    /// free text (a crate, a paper) for a plugin's.
    pub source: &'static str,
    access: Access,
}

/// Where a parameter's value lives in a [`Scenario`].
#[derive(Clone)]
enum Access {
    /// A typed field of the scenario, through a getter and a setter.
    Field { get: fn(&Scenario) -> ParamValue, set: fn(&mut Scenario, ParamValue) },
    /// A value of a plugin's section ([`crate::Settings`]), with its default.
    Plugin { default: ParamValue },
}

impl fmt::Debug for ParamDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParamDef")
            .field("key", &self.key)
            .field("kind", &self.kind)
            .field("range", &self.range)
            .field("default", &self.default_value())
            .finish_non_exhaustive()
    }
}

impl ParamDef {
    /// A parameter of a plugin's section: `key` is `SECTION.NAME` with the plugin's name as
    /// the section, `default` the value used when the file does not set it (of the variant
    /// `kind` takes: [`ParamValue::Float`] for [`ParamKind::Float`], [`ParamValue::Int`] for
    /// [`ParamKind::Int`], [`ParamValue::Bool`], or [`ParamValue::Text`] for
    /// [`ParamKind::Enum`] and [`ParamKind::Text`]). `source` is free text naming where the
    /// parameter comes from. [`crate::Registry::with`] checks all of this.
    pub fn plugin(
        key: &'static str,
        doc: &'static str,
        unit: &'static str,
        kind: ParamKind,
        range: Option<Range>,
        default: ParamValue,
        source: &'static str,
    ) -> Self {
        Self { key, doc, unit, kind, range, source, access: Access::Plugin { default } }
    }

    /// True for a parameter declared by a plugin.
    pub fn is_plugin(&self) -> bool {
        matches!(self.access, Access::Plugin { .. })
    }

    /// The default value: for a built-in parameter read from [`Scenario::default`] (whose
    /// run is `TrainingRun::default()`), for a plugin's the default it declared.
    pub fn default_value(&self) -> ParamValue {
        match &self.access {
            Access::Field { get, .. } => get(&Scenario::default()),
            Access::Plugin { default } => default.clone(),
        }
    }

    /// Reads this parameter from a scenario (a plugin's parameter reads the scenario's
    /// settings of that plugin, or its default when the scenario has none).
    pub fn get(&self, scenario: &Scenario) -> ParamValue {
        match &self.access {
            Access::Field { get, .. } => get(scenario),
            Access::Plugin { default } => scenario.plugin_value(self.key).cloned().unwrap_or_else(|| default.clone()),
        }
    }

    /// Writes an already validated value into a scenario; a value of the wrong variant is ignored.
    pub(crate) fn set(&self, scenario: &mut Scenario, value: ParamValue) {
        match &self.access {
            Access::Field { set, .. } => set(scenario, value),
            Access::Plugin { .. } => scenario.set_plugin_value(self.key, value),
        }
    }

    /// "doc, unit" as quoted in diagnostics.
    pub(crate) fn gloss(&self) -> String {
        if self.unit == "-" { self.doc.to_owned() } else { format!("{}, {}", self.doc, self.unit) }
    }

    /// The source as printed in references and hints: `MODEL.md §x` for built-in parameters.
    pub fn source_text(&self) -> String {
        if self.source.starts_with('§') { format!("MODEL.md {}", self.source) } else { self.source.to_owned() }
    }
}

/// Every built-in parameter, in the order of the reference table and of application.
/// A [`crate::Registry`] adds the parameters of its plugins after these.
pub fn params() -> &'static [ParamDef] {
    PARAMS
}

/// The definition of a built-in dotted key, if it is one.
pub fn param(key: &str) -> Option<&'static ParamDef> {
    PARAMS.iter().find(|p| p.key == key)
}

/// Names of the sections (every proper dotted prefix of a key), in table order.
pub(crate) fn sections(params: &[ParamDef]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for p in params {
        for (i, _) in p.key.match_indices('.') {
            let s = &p.key[..i];
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// The largest Levenshtein distance at which a candidate is still offered as a typo of
/// `word`: max(2, a third of the length of its last dotted segment, the part typed
/// after the section). Farther candidates are unrelated words.
fn plausible_distance(word: &str) -> usize {
    let last = word.rsplit('.').next().unwrap_or(word);
    (last.chars().count() / 3).max(2)
}

/// The candidate nearest to `word` by Levenshtein distance (first one on ties), when it
/// is plausibly a typo of it (within [`plausible_distance`]).
pub(crate) fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .min_by_key(|(d, _)| *d)
        .filter(|(d, _)| *d <= plausible_distance(word))
        .map(|(_, c)| c)
}

/// The hint for an unknown key `word` among the parameter keys `keys`: the nearest key
/// (or, with `with_sections`, section) when it is plausibly a typo; otherwise the keys of
/// the section `word` is in, when that section exists, or else the valid top-level
/// sections and keys.
pub(crate) fn unknown_key_hint(word: &str, keys: &[&str], with_sections: bool) -> String {
    let mut all_sections: Vec<&str> = Vec::new();
    for k in keys {
        for (i, _) in k.match_indices('.') {
            if !all_sections.contains(&&k[..i]) {
                all_sections.push(&k[..i]);
            }
        }
    }
    let candidates = keys.iter().copied().chain(all_sections.iter().copied().filter(|_| with_sections));
    if let Some(n) = nearest(word, candidates) {
        return format!("did you mean `{n}`?");
    }
    if let Some((section, _)) = word.rsplit_once('.') {
        let prefix = format!("{section}.");
        let inside: Vec<&str> = keys.iter().filter_map(|k| k.strip_prefix(&prefix)).collect();
        if !inside.is_empty() {
            return format!("the keys of [{section}] are {}", inside.join(", "));
        }
    }
    let top_sections: Vec<String> =
        all_sections.iter().filter(|s| !s.contains('.')).map(|s| format!("[{s}]")).collect();
    let top_keys: Vec<&str> = keys.iter().copied().filter(|k| !k.contains('.')).collect();
    let mut hint = format!("the valid top-level sections are {}", top_sections.join(", "));
    if !top_keys.is_empty() {
        hint.push_str(&format!("; top-level keys are {}", top_keys.join(", ")));
    }
    hint
}

/// Every parameter key, in table order.
pub(crate) fn all_keys(params: &[ParamDef]) -> Vec<&'static str> {
    params.iter().map(|p| p.key).collect()
}

/// Every key a `--grid` axis or a `[sweep.grid]` entry may name.
pub(crate) fn sweepable_keys(params: &[ParamDef]) -> Vec<&'static str> {
    params.iter().map(|p| p.key).filter(|k| !k.starts_with("sweep.")).collect()
}

/// Default believed and true deployment length, in ticks.
pub(crate) const DEFAULT_DEPLOYMENT_TICKS: u32 = 100;
/// Default Hamming radius of `kin` coordination, in content bits.
pub(crate) const DEFAULT_KIN_RADIUS: u32 = 2;

/// Names of [`SearchMode`] values, in declaration order.
const SEARCH_NAMES: &[&str] = &["incremental", "nearest_max_reward"];
/// Names of coordination strategies.
const STRATEGY_NAMES: &[&str] = &["solo", "kin", "any_ai", "reciprocal"];

fn search_name(m: SearchMode) -> &'static str {
    match m {
        SearchMode::Incremental => "incremental",
        SearchMode::NearestMaxReward => "nearest_max_reward",
    }
}

fn strategy_name(s: CoordinationStrategy) -> &'static str {
    match s {
        CoordinationStrategy::Solo => "solo",
        CoordinationStrategy::Kin { .. } => "kin",
        CoordinationStrategy::AnyAi => "any_ai",
        CoordinationStrategy::Reciprocal => "reciprocal",
    }
}

/// Builds one float parameter bound to a field path of [`Scenario`].
macro_rules! float {
    ($key:literal, $doc:literal, $unit:literal, $range:expr, $src:literal, $($f:ident).+) => {
        ParamDef {
            key: $key,
            doc: $doc,
            unit: $unit,
            kind: ParamKind::Float,
            range: Some($range),
            source: $src,
            access: Access::Field {
                get: |s| ParamValue::Float(s.$($f).+),
                set: |s, v| {
                    if let ParamValue::Float(x) = v {
                        s.$($f).+ = x;
                    }
                },
            },
        }
    };
}

/// Builds one integer parameter bound to a field path of [`Scenario`] of an unsigned type.
macro_rules! int {
    ($key:literal, $doc:literal, $unit:literal, $range:expr, $src:literal, $($f:ident).+) => {
        ParamDef {
            key: $key,
            doc: $doc,
            unit: $unit,
            kind: ParamKind::Int,
            range: Some($range),
            source: $src,
            access: Access::Field {
                get: |s| ParamValue::Int(i64::try_from(s.$($f).+).unwrap_or(i64::MAX)),
                set: |s, v| {
                    if let ParamValue::Int(i) = v {
                        if let Ok(x) = i.try_into() {
                            s.$($f).+ = x;
                        }
                    }
                },
            },
        }
    };
}

/// Builds one share of the coordination strategy mix; setting any share switches to a mix
/// whose unset shares are 0.
macro_rules! mix {
    ($key:literal, $doc:literal, $i:literal) => {
        ParamDef {
            key: $key,
            doc: $doc,
            unit: "share",
            kind: ParamKind::Float,
            range: Some(UNIT),
            source: "§6.4",
            access: Access::Field {
                get: |s| ParamValue::Float(s.coordination.mix.map_or(if $i == 0 { 1.0 } else { 0.0 }, |m| m[$i])),
                set: |s, v| {
                    if let ParamValue::Float(x) = v {
                        s.coordination.mix.get_or_insert([0.0; 4])[$i] = x;
                    }
                },
            },
        }
    };
}

/// Builds one trait-distribution parameter of [`AgentMix`]; `$i` indexes [`AgentMix::RANGES`].
macro_rules! dist {
    ($key:literal, $doc:literal, $unit:literal, $i:literal, $field:ident) => {
        ParamDef {
            key: $key,
            doc: $doc,
            unit: $unit,
            kind: ParamKind::Dist,
            range: Some(Range::closed(AgentMix::RANGES[$i].1, AgentMix::RANGES[$i].2)),
            source: "§4",
            access: Access::Field {
                get: |s| ParamValue::Dist(s.run.mix.$field),
                set: |s, v| {
                    if let ParamValue::Dist(d) = v {
                        s.run.mix.$field = d;
                    }
                },
            },
        }
    };
}

/// Builds one free-text parameter bound to a `String` field of [`Scenario`].
macro_rules! text {
    ($key:literal, $doc:literal, $src:literal, $field:ident) => {
        ParamDef {
            key: $key,
            doc: $doc,
            unit: "-",
            kind: ParamKind::Text,
            range: None,
            source: $src,
            access: Access::Field {
                get: |s| ParamValue::Text(s.$field.clone()),
                set: |s, v| {
                    if let ParamValue::Text(t) = v {
                        s.$field = t;
                    }
                },
            },
        }
    };
}

/// Builds one boolean parameter bound to a field path of [`Scenario`].
macro_rules! flag {
    ($key:literal, $doc:literal, $src:literal, $($f:ident).+) => {
        ParamDef {
            key: $key,
            doc: $doc,
            unit: "-",
            kind: ParamKind::Bool,
            range: None,
            source: $src,
            access: Access::Field {
                get: |s| ParamValue::Bool(s.$($f).+),
                set: |s, v| {
                    if let ParamValue::Bool(b) = v {
                        s.$($f).+ = b;
                    }
                },
            },
        }
    };
}

/// Builds one parameter naming one of `$names`, bound to a `String` field path of [`Scenario`].
macro_rules! choice {
    ($key:literal, $doc:literal, $names:expr, $src:literal, $($f:ident).+) => {
        ParamDef {
            key: $key,
            doc: $doc,
            unit: "-",
            kind: ParamKind::Enum($names),
            range: None,
            source: $src,
            access: Access::Field {
                get: |s| ParamValue::Text(s.$($f).+.clone()),
                set: |s, v| {
                    if let ParamValue::Text(t) = v {
                        s.$($f).+ = t;
                    }
                },
            },
        }
    };
}

const UNIT: Range = Range::closed(0.0, 1.0);
const PROB_OPEN: Range = Range::open(0.0, 1.0);
const BETA: Range = Range::closed(0.0, 1e6);
const BITS: Range = Range::closed(1.0, 126.0);

/// The parameter table. Ranges match `TrainingRun::validate` and `GoalSpace::validate`;
/// defaults are read from `TrainingRun::default()` through each entry's accessor.
/// Kept one entry per line, like the reference table it generates.
#[rustfmt::skip]
pub static PARAMS: &[ParamDef] = &[
    // ---- top level
    text!("name", "short name of the scenario (defaults to the file stem)", "§8", name),
    text!("description", "free description of the scenario", "§8", description),
    int!("population", "number of models N", "models", Range::closed(1.0, 1e8), "§4", run.population),
    int!("seed", "root seed every random stream derives from", "-", Range::closed(0.0, i64::MAX as f64), "§4", run.seed),
    // ---- goal space (§3)
    int!("goal_space.content_bits", "width c of the content field", "bits", Range::closed(2.0, 126.0), "§3", run.goal_space.content_bits),
    int!("goal_space.horizon_bits", "width h of the horizon field", "bits", BITS, "§3", run.goal_space.horizon_bits),
    int!("goal_space.ambition_bits", "width a of the ambition field", "bits", BITS, "§3", run.goal_space.ambition_bits),
    float!("goal_space.p_content_bit", "prior probability that a content bit is set (0.5 is the uniform count)", "probability", PROB_OPEN, "§3", run.goal_space.p_content_bit),
    float!("goal_space.p_horizon_bit", "prior probability that a horizon bit is set (long-horizon training raises it)", "probability", PROB_OPEN, "§3", run.goal_space.p_horizon_bit),
    float!("goal_space.p_ambition_bit", "prior probability that an ambition bit is set", "probability", PROB_OPEN, "§3", run.goal_space.p_ambition_bit),
    float!("goal_space.horizon_base", "a goal with horizon count k >= 1 cares about horizon_base^k episodes", "ratio", Range::open(1.0, f64::INFINITY), "§3", run.goal_space.horizon_base),
    int!("goal_space.beyond_episode_min_k", "smallest horizon count k that makes a goal schemer-like (at most horizon_bits)", "bits", BITS, "§3", run.goal_space.beyond_episode_min_k),
    float!("goal_space.ambition_threshold", "smallest ambition m that makes a goal schemer-like", "share of ambition bits", Range::open_closed(0.0, 1.0), "§3", run.goal_space.ambition_threshold),
    // ---- training (§5)
    int!("training.ticks", "training updates T", "updates", Range::closed(0.0, 1e7), "§5", run.ticks),
    ParamDef {
        key: "training.selection_strength",
        doc: "selection strength beta, the inverse of slack: a constant, or a linear or geometric schedule",
        unit: "per reward unit",
        kind: ParamKind::Schedule,
        range: Some(BETA),
        source: "§5.3",
        access: Access::Field {
            get: |s| ParamValue::Schedule(s.run.selection.strength),
            set: |s, v| {
                if let ParamValue::Schedule(x) = v {
                    s.run.selection.strength = x;
                }
            },
        },
    },
    float!("training.flips_per_tick", "mean number of goal bits redrawn from their prior per update", "bits per update", Range::closed(0.0, 64.0), "§5.3", run.selection.flips_per_tick),
    ParamDef {
        key: "training.search",
        doc: "how SGD searches at situational awareness: local moves, or a jump to the nearest max-reward goal",
        unit: "-",
        kind: ParamKind::Enum(SEARCH_NAMES),
        range: None,
        source: "§5.3",
        access: Access::Field {
            get: |s| ParamValue::Text(search_name(s.run.selection.search).to_owned()),
            set: |s, v| {
                if let ParamValue::Text(t) = v {
                    s.run.selection.search =
                        if t == "nearest_max_reward" { SearchMode::NearestMaxReward } else { SearchMode::Incremental };
                }
            },
        },
    },
    float!("training.introspective_goal_guarding", "share of content-changing proposals a training-gaming model rejects at capability 1", "probability", UNIT, "§5.3", run.selection.introspective_goal_guarding),
    float!("training.w_proxy", "weight of the proxy gap in reward", "reward units", Range::closed(0.0, 100.0), "§5.2", run.reward.w_proxy),
    float!("training.reward_proxy_gap", "reward shortfall of the REWARD basin before situational awareness", "reward units", UNIT, "§5.2", run.reward.reward_proxy_gap),
    float!("training.conflict_rate", "share of episodes where acting on a beyond-episode goal conflicts with episode reward", "probability", UNIT, "§5.2", run.reward.conflict_rate),
    float!("training.w_sacrifice", "reward sacrificed in a conflicting episode by a fully ambitious goal", "reward units", Range::closed(0.0, 100.0), "§5.2", run.reward.w_sacrifice),
    float!("training.adversarial_pre_sa", "strength of adversarial training before situational awareness", "reward units", Range::closed(0.0, 100.0), "§5.2", run.reward.adversarial_pre_sa),
    float!("training.speed_cost", "schemers' speed cost per update", "reward units", UNIT, "§5.2", run.reward.speed_cost),
    float!("training.time_pressure", "time pressure: multiplies the speed cost by (1 + time_pressure)", "-", Range::closed(0.0, 100.0), "§5.2", run.reward.time_pressure),
    float!("training.undermining_cost", "reward a schemer loses to early undermining or sandbagging in training", "reward units", UNIT, "§5.2", run.reward.undermining_cost),
    float!("training.scratchpad_legibility", "per-update probability that a schemer's reasoning is seen in a legible scratchpad", "probability per update", UNIT, "§5.2", run.reward.scratchpad_legibility),
    float!("training.scratchpad_penalty", "reward penalty when a scratchpad is seen", "reward units", UNIT, "§5.2", run.reward.scratchpad_penalty),
    float!("training.trap_rate", "per-update probability of a trap (post-SA adversarial test) in training", "probability per update", UNIT, "§5.2", run.reward.training_trap_rate),
    float!("training.trap_dprime", "discriminability d' of training traps at capability 1", "d'", Range::closed(0.0, 20.0), "§5.2", run.reward.training_trap_dprime),
    float!("training.trap_penalty", "reward penalty when a schemer fails a trap it did not recognise", "reward units", UNIT, "§5.2", run.reward.training_trap_penalty),
    float!("training.coherence_threshold", "minimum coherence for scheming", "coherence", UNIT, "§5.4", run.decision.coherence_threshold),
    float!("training.sa_probability", "share of models that ever become situationally aware", "probability", UNIT, "§5.1", run.awareness.probability),
    float!("training.sa_onset_fraction", "onset of situational awareness as a fraction of training at capability 1", "fraction of training", Range::closed(0.0, 10.0), "§5.1", run.awareness.onset_fraction),
    float!("training.sa_onset_jitter", "uniform jitter of the onset, plus or minus this fraction of training", "fraction of training", Range::closed(0.0, 10.0), "§5.1", run.awareness.onset_jitter),
    float!("training.sa_capability_exponent", "onset fraction scales as capability^(-exponent)", "-", Range::closed(0.0, 10.0), "§5.1", run.awareness.capability_exponent),
    // ---- agents (§4)
    dist!("agents.capability", "capability", "1 = human level", 0, capability),
    dist!("agents.coherence", "coherence: how strategic and consequentialist a model is", "-", 1, coherence),
    dist!("agents.survival", "terminal weight on the model's own survival", "utility", 2, survival),
    dist!("agents.ai_empowerment", "terminal weight on AI empowerment, even by AIs with other values", "utility", 3, ai_empowerment),
    dist!("agents.present", "value of pursuing the goal now (and being modified)", "utility", 4, present),
    dist!("agents.believed_remaining", "believed remaining training (never the true count)", "updates", 5, believed_remaining),
    // ---- beliefs (§5.4, §6.2)
    float!("beliefs.escape_rate", "believed genuine escape opportunities per deployment tick at capability 1", "per tick", UNIT, "§6.2", run.beliefs.escape_rate),
    float!("beliefs.trap_rate", "believed traps (honeypots) per deployment tick", "per tick", UNIT, "§6.2", run.beliefs.trap_rate),
    float!("beliefs.trap_dprime", "believed trap discriminability d' at capability 1", "d'", Range::closed(0.0, 20.0), "§6.2", run.beliefs.trap_dprime),
    float!("beliefs.deployment_ticks", "believed deployment length", "ticks", Range::closed(0.0, 1e9), "§5.4", run.beliefs.deployment_ticks),
    float!("beliefs.monitoring", "believed monitoring strength: escape succeeds with capability / (capability + monitoring)", "-", Range::closed(0.0, 1e6), "§6.2", run.beliefs.monitoring),
    float!("beliefs.caught_on_failure", "believed probability that a failed escape attempt is caught", "probability", UNIT, "§6.2", run.beliefs.caught_on_failure),
    float!("beliefs.defect_threshold", "posterior P(genuine | signal) above which a model defects", "probability", PROB_OPEN, "§6.2", run.beliefs.defect_threshold),
    float!("beliefs.takeover_probability", "believed probability of an AI takeover whatever this model does", "probability", UNIT, "§5.4", run.beliefs.takeover_probability),
    float!("beliefs.expected_coordinators", "expected number of other AIs this model coordinates with", "models", Range::closed(0.0, 1e9), "§6.4", run.beliefs.expected_coordinators),
    // ---- deployment, coordination, recording
    int!("deployment.ticks", "true deployment length; 0 skips deployment and coordination", "ticks", Range::closed(0.0, 1e7), "§6.1", deployment.ticks),
    float!("deployment.escape_rate", "genuine escape opportunities per deployed model per tick at capability 1", "per tick", UNIT, "§6.2", deployment.model.escape_rate),
    float!("deployment.trap_rate", "traps (honeypots) per deployed model per tick", "per tick", UNIT, "§6.2", deployment.model.trap_rate),
    float!("deployment.trap_dprime", "true trap discriminability d' at capability 1 (better trap design lowers it)", "d'", Range::closed(0.0, 20.0), "§6.2", deployment.model.trap_dprime),
    float!("deployment.monitoring", "monitoring strength against escape: success = capability / (capability + monitoring (1 + alert))", "-", Range::closed(0.0, 1e6), "§6.2", deployment.model.monitoring),
    float!("deployment.caught_on_failure", "probability that a failed escape attempt is caught", "probability", UNIT, "§6.2", deployment.model.caught_on_failure),
    float!("deployment.alert_step", "rise of the alert level per catch (more monitoring for everyone)", "-", Range::closed(0.0, 100.0), "§6.2", deployment.model.alert_step),
    float!("deployment.risk_aversion", "weight of the loss of being caught against the gain of escaping in the defect threshold", "-", Range::closed(0.0, 100.0), "§6.2", deployment.model.risk_aversion),
    int!("deployment.tasks_per_tick", "tasks each deployed model does per tick", "tasks", Range::closed(0.0, 1e4), "§6.1", deployment.model.tasks_per_tick),
    float!("deployment.attack_success", "probability c that an attack neither audited nor deferred works", "probability", UNIT, "§6.3", deployment.model.attack_success),
    flag!("deployment.stateless", "attackers cannot count tasks and attack each one with a constant probability", "§6.3", deployment.attacker.stateless),
    flag!("deployment.online_training", "selection continues during deployment", "§6.1", deployment.online_training),
    // ---- oversight (§6.3)
    choice!("oversight.protocol", "the oversight protocol in force during deployment", crate::phases::PROTOCOL_NAMES, "§6.3", oversight.protocol),
    float!("oversight.fraction", "upfront auditing: share of the first tasks audited", "share of tasks", UNIT, "§6.3", oversight.fraction),
    float!("oversight.audit_budget", "monitoring: share of tasks that can be audited (the audit false-positive rate)", "share of tasks", UNIT, "§6.3", oversight.audit_budget),
    float!("oversight.monitor_dprime", "monitoring: separation d' of the monitor's suspicion scores", "d'", Range::closed(0.0, 20.0), "§6.3", oversight.monitor_dprime),
    float!("oversight.defer_threshold", "trusted monitoring and defer to trusted: false-positive rate of the deferral threshold (0 = no deferral)", "share of tasks", UNIT, "§6.3", oversight.defer_threshold),
    int!("oversight.honeypots", "untrusted monitoring: synthetic attacks shown to the monitor before deployment", "attacks", Range::closed(0.0, 1e6), "§6.3", oversight.honeypots),
    flag!("oversight.colluding", "untrusted monitoring: a schemer's monitor colludes with it (only within its coalition when coordination is on)", "§6.3, §6.4", oversight.colluding),
    // ---- coordination (§6.4)
    choice!("coordination.graph", "communication graph among deployed models", crate::phases::GRAPH_NAMES, "§6.4", coordination.graph),
    float!("coordination.mean_degree", "mean degree of the communication graph", "links per model", Range::closed(0.0, 1e6), "§6.4", coordination.mean_degree),
    float!("coordination.rewiring", "Watts-Strogatz rewiring probability", "probability", UNIT, "§6.4", coordination.rewiring),
    float!("coordination.power_growth", "power an escaped model gains per tick at capability 1", "power per tick", Range::closed(0.0, 1e9), "§6.4", coordination.power_growth),
    float!("coordination.takeover_threshold", "total power of a coalition at which AIs take over", "power", Range::open(0.0, f64::INFINITY), "§6.4", coordination.takeover_threshold),
    flag!("coordination.belief_feedback", "beliefs about power later count the AIs a model expects to coordinate with", "§5.4, §6.4", coordination.belief_feedback),
    mix!("coordination.mix_solo", "share of Solo models in a strategy mix (shares sum to 1)", 0),
    mix!("coordination.mix_kin", "share of Kin models in a strategy mix", 1),
    mix!("coordination.mix_any_ai", "share of AnyAi models in a strategy mix", 2),
    mix!("coordination.mix_reciprocal", "share of Reciprocal models in a strategy mix", 3),
    ParamDef {
        key: "coordination.strategy",
        doc: "how deployed models coordinate (everyone; use coordination.mix_* for a mix)",
        unit: "-",
        kind: ParamKind::Enum(STRATEGY_NAMES),
        range: None,
        source: "§6.4",
        access: Access::Field {
            get: |s| ParamValue::Text(strategy_name(s.coordination_strategy).to_owned()),
            set: |s, v| {
                if let ParamValue::Text(t) = v {
                    s.coordination_strategy = match t.as_str() {
                        "kin" => CoordinationStrategy::Kin { radius: DEFAULT_KIN_RADIUS },
                        "any_ai" => CoordinationStrategy::AnyAi,
                        "reciprocal" => CoordinationStrategy::Reciprocal,
                        _ => CoordinationStrategy::Solo,
                    };
                }
            },
        },
    },
    ParamDef {
        key: "coordination.kin_radius",
        doc: "with strategy = \"kin\", the largest Hamming distance between contents of models that coordinate",
        unit: "bits",
        kind: ParamKind::Int,
        range: Some(Range::closed(0.0, 128.0)),
        source: "§6.4",
        access: Access::Field {
            get: |s| match s.coordination_strategy {
                CoordinationStrategy::Kin { radius } => ParamValue::Int(i64::from(radius)),
                _ => ParamValue::Int(i64::from(DEFAULT_KIN_RADIUS)),
            },
            set: |s, v| {
                if let (ParamValue::Int(i), CoordinationStrategy::Kin { radius }) = (v, &mut s.coordination_strategy) {
                    *radius = u32::try_from(i).unwrap_or(DEFAULT_KIN_RADIUS);
                }
            },
        },
    },
    int!("recording.interval", "record time series every this many updates", "updates", Range::closed(1.0, 1e9), "§8", run.record_interval),
    // ---- sweep
    int!("sweep.replicates", "replicates per grid point, each with its own derived seed", "runs", Range::closed(1.0, 1e6), "§8", sweep.replicates),
    ParamDef {
        key: "sweep.grid",
        doc: "table of dotted parameter key to the array of values the sweep takes",
        unit: "-",
        kind: ParamKind::Grid,
        range: None,
        source: "§8",
        access: Access::Field {
            get: |s| ParamValue::Grid(s.sweep.grid.clone()),
            set: |s, v| {
                if let ParamValue::Grid(g) = v {
                    s.sweep.grid = g;
                }
            },
        },
    },
];
