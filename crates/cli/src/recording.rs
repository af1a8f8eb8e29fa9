//! What `run` and `sweep` share: loading a plan as bad input, executing one planned run
//! into a [`RunRecord`] (the only place the wall clock is read), the manifest, the
//! reproducing command line, the output directory check and the progress bar.

use std::path::Path;

use goalspace_record::{Cell, Manifest, RunRecord, Series};
use goalspace_scenario::{Plan, PlanOptions, PlanRun, Registry, SEED_FORMULA};

use crate::bad;

/// Loads and expands a plan; any problem is bad input.
pub(crate) fn load_plan(path: &Path, options: &PlanOptions) -> anyhow::Result<Plan> {
    let plan = Plan::from_path(path, options).map_err(|e| bad(e.to_string()))?;
    // A plugin whose systems do not fit the schedules is refused before anything is written.
    for point in &plan.points {
        point.scenario.check_plugins().map_err(|e| bad(format!("{}: {e}", path.display())))?;
    }
    Ok(plan)
}

/// A parameter value as an output cell: numbers and booleans typed, strings as they
/// are, anything else as inline TOML.
pub(crate) fn cell(v: &toml::Value) -> Cell {
    match v {
        toml::Value::Integer(i) => Cell::Int(*i),
        toml::Value::Float(x) => Cell::Float(*x),
        toml::Value::Boolean(b) => Cell::Bool(*b),
        toml::Value::String(s) => Cell::Text(s.clone()),
        other => Cell::Text(other.to_string()),
    }
}

/// Runs one planned run and records it.
#[expect(clippy::disallowed_methods, reason = "the CLI measures wall time for timing.csv; simulation code never does")]
pub(crate) fn execute(plan: &Plan, run: &PlanRun) -> anyhow::Result<RunRecord> {
    let point = &plan.points[run.point as usize];
    let start = std::time::Instant::now();
    let metrics = point.scenario.simulate(run.seed).map_err(|e| bad(e.to_string()))?;
    let wall_seconds = start.elapsed().as_secs_f64();
    tracing::info!(
        run = run.run,
        point = run.point,
        replicate = run.replicate,
        seed = run.seed,
        wall_seconds,
        "run finished"
    );
    Ok(RunRecord {
        run: run.run,
        point: run.point,
        replicate: run.replicate,
        seed: run.seed,
        params: plan.axes.iter().zip(&point.values).map(|(a, v)| (a.key.clone(), cell(v))).collect(),
        metrics: RunRecord::metric_columns(&metrics),
        series: Series::from_metrics(&metrics),
        wall_seconds,
    })
}

/// The identity of this build: the crate version and the first 16 hex digits of the
/// SHA-256 of the parameter schema (every key, kind, range and default, and the registered
/// plugins), `VERSION+HASH`.
pub(crate) fn build_id(registry: &Registry) -> String {
    let schema = serde_json::to_vec(&registry.schema_json()).unwrap_or_default();
    let hash = goalspace_record::sha256_hex(&schema);
    format!("{}+{}", env!("CARGO_PKG_VERSION"), &hash[..16])
}

/// The manifest of `plan`, read from the scenario file at `path`.
pub(crate) fn manifest(
    plan: &Plan,
    path: &Path,
    command_line: String,
    registry: &Registry,
) -> anyhow::Result<Manifest> {
    let bytes = std::fs::read(path).map_err(|e| bad(format!("cannot read scenario file {}: {e}", path.display())))?;
    let canonical = serde_json::to_vec(&plan.canonical_json())?;
    Ok(Manifest {
        format: 1,
        scenario: plan.base.name.clone(),
        scenario_file: path.display().to_string(),
        scenario_hash: goalspace_record::sha256_hex(&bytes),
        plan_hash: goalspace_record::sha256_hex(&canonical),
        crate_version: env!("CARGO_PKG_VERSION").to_owned(),
        build_id: build_id(registry),
        seed_formula: SEED_FORMULA.to_owned(),
        command_line,
        root_seed: plan.root_seed,
        replicates: plan.replicates,
        axes: plan.axes.iter().map(|a| a.key.clone()).collect(),
        points: plan.points.len() as u64,
        runs_planned: plan.len(),
        runs_recorded: 0,
    })
}

/// The command that reproduces a plan: `goalspace SUBCOMMAND SCENARIO` and the flags
/// that change results, each quoted for a POSIX shell where needed.
pub(crate) fn command_line(
    subcommand: &str,
    scenario: &Path,
    sets: &[String],
    grid: &[String],
    replicates: Option<u32>,
    seed: Option<u64>,
) -> String {
    let mut parts = vec!["goalspace".to_owned(), subcommand.to_owned(), scenario.display().to_string()];
    for s in sets {
        parts.extend(["--set".to_owned(), s.clone()]);
    }
    for g in grid {
        parts.extend(["--grid".to_owned(), g.clone()]);
    }
    if let Some(r) = replicates {
        parts.extend(["--replicates".to_owned(), r.to_string()]);
    }
    if let Some(s) = seed {
        parts.extend(["--seed".to_owned(), s.to_string()]);
    }
    parts.iter().map(|p| shell_quote(p)).collect::<Vec<_>>().join(" ")
}

fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-./=,:+@%".contains(c));
    if plain { s.to_owned() } else { format!("'{}'", s.replace('\'', r"'\''")) }
}

/// Creates the output directory and checks it is writable; a failure is bad input.
pub(crate) fn prepare_out(dir: &Path) -> anyhow::Result<()> {
    goalspace_record::prepare_dir(dir)
        .map_err(|e| bad(format!("output directory {} cannot be created or written: {e}", dir.display())))
}

/// A progress bar of `len` runs on stderr, hidden with `--quiet` or when stderr is not a terminal.
pub(crate) fn progress(len: u64, quiet: bool, what: &str) -> indicatif::ProgressBar {
    if quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template("{msg} [{wide_bar}] {pos}/{len} runs, eta {eta}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what.to_owned());
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_quote_what_a_shell_would_split() {
        let c = command_line(
            "sweep",
            Path::new("a b.toml"),
            &["coordination.strategy=\"any_ai\"".into()],
            &[],
            Some(2),
            None,
        );
        assert_eq!(c, "goalspace sweep 'a b.toml' --set 'coordination.strategy=\"any_ai\"' --replicates 2");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
