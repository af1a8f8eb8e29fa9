//! Sweep plans: a scenario, a full-factorial grid of parameter values and a number of
//! replicates, expanded into numbered runs with derived seeds, and the shards that split
//! those runs between machines. Every grid point is validated like a scenario file
//! before anything runs, by applying its values as `--set` overrides.

use std::fmt;
use std::path::Path;

use goalspace_training::TrainingRun;

use crate::diagnostic::{Diagnostic, DiagnosticKind as K, ScenarioError};
use crate::extension::Registry;
use crate::params::{ParamDef, sweepable_keys, unknown_key_hint};
use crate::scenario::{Scenario, SweepAxis, read_scenario_file};
use crate::set::parse_value;

/// How the seed of a run is derived, as written into the manifest of every output.
pub const SEED_FORMULA: &str = "seed = derive_seed(root_seed, 3, replicate) with \
derive_seed(s, t, i) = splitmix64(splitmix64(splitmix64(s) ^ t) ^ i) (goalspace_core::rng, stream RUN = 3); \
a replicate has the same seed at every grid point (common random numbers), and adding replicates or grid \
points never changes the seed of an existing run";

/// Most grid points a plan may have.
pub const MAX_POINTS: usize = 1_000_000;

/// The seed of replicate `replicate` under root seed `root` (see [`SEED_FORMULA`]).
pub fn replicate_seed(root: u64, replicate: u32) -> u64 {
    goalspace_core::derive_seed(root, goalspace_core::rng::stream::RUN, u64::from(replicate))
}

/// What to build a plan from, besides the scenario text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// `--set KEY=VALUE` overrides, applied to every point.
    pub sets: Vec<String>,
    /// `--grid KEY=V1,V2,...` axes; each replaces the scenario's axis of the same key.
    pub grid: Vec<String>,
    /// Replicates per point (overrides `[sweep] replicates`).
    pub replicates: Option<u32>,
    /// Root seed (overrides the scenario's `seed`).
    pub seed: Option<u64>,
    /// Use the scenario's `[sweep] grid`; when false only `grid` axes are swept.
    pub file_grid: bool,
    /// The parameters (built-in and plugins') the scenario is read with.
    pub registry: Registry,
}

/// One axis of a plan: a parameter, its values, and where the axis was written.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanAxis {
    /// Dotted parameter key.
    pub key: String,
    /// The values, each valid for the parameter.
    pub values: Vec<toml::Value>,
    /// Where the axis came from: `--grid ...` or `FILE [sweep.grid]`.
    pub origin: String,
}

/// One grid point: its values (one per axis) and the validated scenario they give.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The value of each axis, in axis order.
    pub values: Vec<toml::Value>,
    /// The scenario with the user's overrides and this point's values applied.
    pub scenario: Scenario,
}

/// One run of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanRun {
    /// Run index: `point * replicates + replicate`.
    pub run: u64,
    /// Grid point index (0 when there is no grid).
    pub point: u32,
    /// Replicate index within the point.
    pub replicate: u32,
    /// The run seed, [`replicate_seed`]`(root, replicate)`.
    pub seed: u64,
}

/// A validated sweep plan: points × replicates runs, numbered point-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The scenario with the user's overrides (the root seed in `run.seed`, the plan's
    /// axes and replicates in `sweep`).
    pub base: Scenario,
    /// The axes, scenario axes first (in file order), then new `--grid` axes.
    pub axes: Vec<PlanAxis>,
    /// Replicates per point, ≥ 1.
    pub replicates: u32,
    /// Root seed.
    pub root_seed: u64,
    /// Every point of the full-factorial grid, the last axis varying fastest.
    pub points: Vec<Point>,
}

impl Plan {
    /// Reads a scenario file and expands its plan.
    ///
    /// # Errors
    /// As [`Plan::from_str`], [`ScenarioError::Io`] when the file cannot be read, and as
    /// [`read_scenario_file`] when it is not UTF-8 or sets no parameter.
    pub fn from_path(path: impl AsRef<Path>, options: &PlanOptions) -> Result<Plan, ScenarioError> {
        let path = path.as_ref();
        let text = read_scenario_file(path)?;
        Self::from_str(&text, &path.display().to_string(), options)
    }

    /// Expands the plan of scenario text; `origin` names it in diagnostics.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] with every problem found: the scenario's own, a bad
    /// `--grid` (no `=`, an empty or unknown key, a value that does not parse, the same
    /// key given twice), a value out of range at some point (with the range), zero replicates, or a
    /// grid of more than [`MAX_POINTS`] points.
    pub fn from_str(text: &str, origin: &str, options: &PlanOptions) -> Result<Plan, ScenarioError> {
        let mut diagnostics = Vec::new();
        let registry = &options.registry;
        let flags: Vec<PlanAxis> = options
            .grid
            .iter()
            .filter_map(|g| parse_grid(g, registry.params()).map_err(|d| diagnostics.push(*d)).ok())
            .collect();
        for (i, flag) in flags.iter().enumerate() {
            if flags[..i].iter().filter(|f| f.key == flag.key).count() == 1 {
                let d =
                    Diagnostic::new(&flag.origin, &flag.key, K::InvalidSet, format!("axis {} given twice", flag.key))
                        .with_hint("give each key one --grid KEY=V1,V2,... with all its values");
                diagnostics.push(d);
            }
        }
        let swept: Vec<String> = flags.iter().map(|f| f.key.clone()).collect();
        let mut base = crate::scenario::load_swept(registry, text, origin, &options.sets, &swept)?;
        if !diagnostics.is_empty() {
            return Err(ScenarioError::Invalid { diagnostics });
        }
        let mut axes: Vec<PlanAxis> = if options.file_grid {
            base.sweep
                .grid
                .iter()
                .map(|a| PlanAxis {
                    key: a.key.clone(),
                    values: a.values.clone(),
                    origin: format!("{origin} [sweep.grid]"),
                })
                .collect()
        } else {
            Vec::new()
        };
        for flag in flags {
            match axes.iter_mut().find(|a| a.key == flag.key) {
                Some(a) => *a = flag,
                None => axes.push(flag),
            }
        }
        let replicates = options.replicates.unwrap_or(base.sweep.replicates);
        if replicates == 0 {
            let d = Diagnostic::new(
                "--replicates 0",
                "sweep.replicates",
                K::OutOfRange,
                "replicates must be at least 1".into(),
            )
            .with_range("[1, 1000000]");
            return Err(ScenarioError::Invalid { diagnostics: vec![d] });
        }
        let n_points = axes.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len())).unwrap_or(usize::MAX);
        if n_points > MAX_POINTS {
            let d = Diagnostic::new(
                origin,
                "sweep.grid",
                K::OutOfRange,
                format!("the grid has {n_points} points, more than {MAX_POINTS}"),
            )
            .with_hint("sweep fewer values, or split the grid into several sweeps");
            return Err(ScenarioError::Invalid { diagnostics: vec![d] });
        }
        let root_seed = options.seed.unwrap_or(base.run.seed);
        let mut points = Vec::with_capacity(n_points);
        for p in 0..n_points {
            let values = point_values(&axes, p);
            let mut sets = options.sets.clone();
            let own: Vec<String> = axes.iter().zip(&values).map(|(a, v)| format!("{}={v}", a.key)).collect();
            sets.extend(own.iter().cloned());
            match crate::scenario::load_swept(registry, text, origin, &sets, &swept) {
                Ok(s) => points.push(Point { values, scenario: s }),
                Err(e) => {
                    let point: Vec<String> =
                        axes.iter().zip(&values).map(|(a, v)| format!("{} = {v}", a.key)).collect();
                    for mut d in e.diagnostics().iter().cloned() {
                        if let Some(i) = own.iter().position(|s| d.origin == format!("--set {s}")) {
                            if options.file_grid && axes[i].origin.ends_with("[sweep.grid]") {
                                d.origin = origin.to_owned();
                                d.message =
                                    format!("at [sweep.grid] value {} = {}: {}", axes[i].key, values[i], d.message);
                                (d.line, d.column) = grid_position(text, &axes[i].key);
                            } else {
                                d.origin = format!("{} (value {})", axes[i].origin, values[i]);
                            }
                        } else {
                            // The base scenario loaded, so this problem is the point's.
                            d.message = format!("at the grid point {}: {}", point.join(", "), d.message);
                        }
                        if !diagnostics.contains(&d) {
                            diagnostics.push(d);
                        }
                    }
                }
            }
        }
        if !diagnostics.is_empty() {
            return Err(ScenarioError::Invalid { diagnostics });
        }
        base.run.seed = root_seed;
        base.sweep.replicates = replicates;
        base.sweep.grid = axes.iter().map(|a| SweepAxis { key: a.key.clone(), values: a.values.clone() }).collect();
        Ok(Plan { base, axes, replicates, root_seed, points })
    }

    /// Number of runs: points × replicates.
    pub fn len(&self) -> u64 {
        self.points.len() as u64 * u64::from(self.replicates)
    }

    /// True when the plan has no runs (never, for a validated plan).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The run with index `run`, if it is in the plan.
    pub fn run(&self, run: u64) -> Option<PlanRun> {
        if run >= self.len() {
            return None;
        }
        let r = u64::from(self.replicates);
        let point = u32::try_from(run / r).ok()?;
        let replicate = u32::try_from(run % r).ok()?;
        Some(PlanRun { run, point, replicate, seed: replicate_seed(self.root_seed, replicate) })
    }

    /// The training run of `run`: its point's parameters with the run seed.
    pub fn training_run(&self, run: &PlanRun) -> TrainingRun {
        let mut t = self.points[run.point as usize].scenario.run.clone();
        t.seed = run.seed;
        t
    }

    /// The largest population of any point.
    pub fn max_population(&self) -> u32 {
        self.points.iter().map(|p| p.scenario.run.population).max().unwrap_or(0)
    }

    /// A canonical description of everything that determines the results (the validated
    /// scenario, axes, replicates, root seed and seed formula): hash it to name the plan.
    /// Comments, key order and the way a value is written in the file do not change it.
    pub fn canonical_json(&self) -> serde_json::Value {
        serde_json::json!({
            "format": 1,
            "scenario": serde_json::to_value(&self.base).unwrap_or(serde_json::Value::Null),
            "axes": self.axes.iter().map(|a| serde_json::json!({
                "key": a.key,
                "values": a.values.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "replicates": self.replicates,
            "root_seed": self.root_seed,
            "seed_formula": SEED_FORMULA,
        })
    }
}

/// Line and column of the `[sweep.grid]` entry of `key` in the scenario text, written as a
/// quoted dotted key or as nested tables.
fn grid_position(text: &str, key: &str) -> (Option<usize>, Option<usize>) {
    let offsets = crate::scenario::key_offsets(text);
    match crate::scenario::grid_entry_paths(key).iter().find_map(|path| offsets.get(path)) {
        Some(&off) => {
            let (line, column) = crate::scenario::line_col(text, off);
            (Some(line), Some(column))
        }
        None => (None, None),
    }
}

/// The values of point `p`: mixed radix over the axes, the last axis fastest.
fn point_values(axes: &[PlanAxis], mut p: usize) -> Vec<toml::Value> {
    let mut out = vec![toml::Value::Boolean(false); axes.len()];
    for (slot, a) in out.iter_mut().zip(axes).rev() {
        let n = a.values.len();
        *slot = a.values[p % n].clone();
        p /= n;
    }
    out
}

/// Parses `KEY=V1,V2,...` into an axis (values are not range-checked here: every point
/// is validated as a scenario). Commas inside brackets, braces or quotes do not split.
fn parse_grid(flag: &str, params: &[ParamDef]) -> Result<PlanAxis, Box<Diagnostic>> {
    let origin = format!("--grid {flag}");
    let Some((key, raw)) = flag.split_once('=') else {
        return Err(Box::new(
            Diagnostic::new(&origin, "", K::InvalidSet, format!("--grid expects KEY=V1,V2,..., got `{flag}` (no `=`)"))
                .with_hint("write for example --grid training.speed_cost=0.01,0.02,0.05"),
        ));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(Box::new(
            Diagnostic::new(&origin, "", K::InvalidSet, "the key is empty: nothing stands before `=`".to_owned())
                .with_hint("write for example --grid training.speed_cost=0.01,0.02,0.05"),
        ));
    }
    match params.iter().find(|p| p.key == key) {
        Some(def) if !def.key.starts_with("sweep.") => {}
        Some(_) => {
            return Err(Box::new(
                Diagnostic::new(&origin, key, K::UnknownKey, format!("{key} cannot be swept"))
                    .with_hint("sweep scenario parameters; set the replicates with --replicates"),
            ));
        }
        None => {
            return Err(Box::new(
                Diagnostic::new(&origin, key, K::UnknownKey, format!("unknown key `{key}` in --grid"))
                    .with_hint(unknown_key_hint(key, &sweepable_keys(params), false)),
            ));
        }
    }
    let mut values = Vec::new();
    for part in split_top_level(raw) {
        let part = part.trim();
        if part.is_empty() {
            return Err(Box::new(
                Diagnostic::new(&origin, key, K::InvalidSet, format!("--grid {key} has an empty value"))
                    .with_hint("separate values with single commas: KEY=V1,V2"),
            ));
        }
        let v = parse_value(part).map_err(|m| Box::new(Diagnostic::new(&origin, key, K::InvalidSet, m)))?;
        values.push(v);
    }
    if let Some((first, again)) = crate::set::first_duplicate(&values) {
        return Err(Box::new(crate::set::duplicate_value(&origin, key, key, &values, first, again)));
    }
    Ok(PlanAxis { key: key.to_owned(), values, origin })
}

/// Splits at commas outside brackets, braces and quotes.
fn split_top_level(s: &str) -> Vec<&str> {
    let (mut depth, mut quote, mut start, mut out) = (0i32, None::<char>, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `--shard I/N`: this machine runs every run whose index mod N equals I.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// I, in 0..N.
    pub index: u64,
    /// N, ≥ 1.
    pub count: u64,
}

impl Shard {
    /// The whole plan: shard 0/1.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// True when run index `run` belongs to this shard.
    pub fn contains(&self, run: u64) -> bool {
        run % self.count == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// Parses `I/N` with N ≥ 1 and I < N.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let hint = "write --shard I/N with 0 <= I < N, e.g. --shard 0/3 (Slurm: --shard $SLURM_ARRAY_TASK_ID/N)";
        let (i, n) = s.split_once('/').ok_or_else(|| format!("--shard {s} is not of the form I/N; {hint}"))?;
        let parse =
            |x: &str| x.trim().parse::<u64>().map_err(|_| format!("--shard {s}: `{x}` is not a whole number; {hint}"));
        let (index, count) = (parse(i)?, parse(n)?);
        if count == 0 {
            return Err(format!("--shard {s}: N must be at least 1; {hint}"));
        }
        if index >= count {
            return Err(format!("--shard {s}: I = {index} must be less than N = {count}; {hint}"));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(text: &str, grid: &[&str], replicates: u32) -> Result<Plan, ScenarioError> {
        let options = PlanOptions {
            grid: grid.iter().map(|s| (*s).to_owned()).collect(),
            replicates: Some(replicates),
            file_grid: true,
            ..PlanOptions::default()
        };
        Plan::from_str(text, "x.toml", &options)
    }

    #[test]
    fn grid_is_full_factorial_last_axis_fastest() {
        let text = "seed = 7\n[sweep.grid]\n\"training.speed_cost\" = [0.01, 0.02]\n";
        let p = plan(text, &["training.ticks=10,20,30"], 2).unwrap();
        assert_eq!(p.points.len(), 6);
        assert_eq!(p.len(), 12);
        assert_eq!(p.points[1].scenario.run.ticks, 20);
        assert_eq!(p.points[3].scenario.run.reward.speed_cost, 0.02);
        let r = p.run(7).unwrap();
        assert_eq!((r.point, r.replicate), (3, 1));
        assert_eq!(r.seed, replicate_seed(7, 1));
        assert_eq!(p.run(12), None);
    }

    #[test]
    fn a_grid_flag_replaces_the_axis_of_the_same_key() {
        let text = "[sweep.grid]\n\"training.ticks\" = [1, 2]\n\"training.speed_cost\" = [0.1]\n";
        let p = plan(text, &["training.ticks=5,6,7"], 1).unwrap();
        assert_eq!(p.axes[0].key, "training.ticks");
        assert_eq!(p.axes[0].values.len(), 3);
        assert_eq!(p.points.len(), 3);
    }

    #[test]
    fn seeds_do_not_depend_on_the_grid_or_the_replicate_count() {
        let a = plan("", &[], 2).unwrap();
        let b = plan("", &["training.speed_cost=0.1,0.2"], 5).unwrap();
        assert_eq!(a.run(1).unwrap().seed, b.run(6).unwrap().seed);
        assert_ne!(a.canonical_json(), b.canonical_json());
    }

    #[test]
    fn bad_grids_are_diagnosed() {
        let e = plan("", &["training.sped_cost=0.1"], 1).unwrap_err().to_string();
        assert!(e.contains("unknown key `training.sped_cost`") && e.contains("training.speed_cost"), "{e}");
        let e = plan("", &["training.speed_cost=0.1,1.5"], 1).unwrap_err().to_string();
        assert!(e.contains("--grid training.speed_cost=0.1,1.5") && e.contains("[0, 1]"), "{e}");
        let e = plan("", &["training.speed_cost"], 1).unwrap_err().to_string();
        assert!(e.contains("no `=`"), "{e}");
    }

    /// A value listed twice would run its grid points twice: refused, in the file (at the
    /// axis's line) and in --grid, with numbers compared by value.
    #[test]
    fn duplicate_grid_values_are_refused() {
        let text = "[training]\nticks = 10\n\n[sweep.grid]\n\"training.speed_cost\" = [0.1, 0.2, 0.1]\n";
        let err = plan(text, &[], 1).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.kind, K::DuplicateValue);
        assert_eq!(d.line, Some(5), "{err}");
        assert!(d.message.contains("0.1 twice (values 1 and 3)"), "{err}");
        let err = plan("[training]\nticks = 10\n", &["training.ticks=5,6,5.0"], 1).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.kind, K::DuplicateValue);
        assert!(d.origin.contains("--grid training.ticks=5,6,5.0") && d.message.contains("(values 1 and 3)"), "{err}");
        plan("[training]\nticks = 10\n", &["training.ticks=5,6,7"], 1).expect("distinct values are fine");
    }

    #[test]
    fn split_respects_brackets_and_quotes() {
        assert_eq!(split_top_level("1,{ a = 1, b = 2 },\"x,y\""), vec!["1", "{ a = 1, b = 2 }", "\"x,y\""]);
    }

    #[test]
    fn shards_parse_and_partition() {
        let s: Shard = "1/3".parse().unwrap();
        assert!(s.contains(4) && !s.contains(3));
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
