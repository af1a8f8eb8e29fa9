//! `goalspace sweep` and `goalspace merge`: a plan of grid points × replicates run into
//! a directory one run file at a time (so an interrupted sweep loses only the runs in
//! progress), split between machines with `--shard I/N`, continued with `--resume`, and
//! shard directories merged into output identical to a one-machine sweep.

use std::path::PathBuf;

use goalspace_record::{Manifest, RecordError, RunStore};
use goalspace_scenario::{PlanOptions, Registry, Shard};

use crate::interrupt::{self, Interrupted};
use crate::recording::{command_line, execute, load_plan, manifest, prepare_out, progress};
use crate::{bad, memory};

/// Arguments of `goalspace sweep`.
#[derive(clap::Args, Debug)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML); its `[sweep] grid` and `replicates` are the plan's defaults.
    scenario: PathBuf,
    /// Output directory: per-run files in DIR/runs and the combined outputs.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// A grid axis, e.g. `--grid training.speed_cost=0.01,0.02,0.05`; replaces the scenario's axis of that key.
    #[arg(long = "grid", value_name = "KEY=V1,V2,...")]
    grid: Vec<String>,
    /// Replicates per grid point (overrides `[sweep] replicates`).
    #[arg(long)]
    replicates: Option<u32>,
    /// Root seed (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Run only the runs whose index mod N equals I (for job arrays), e.g. `--shard 0/3`.
    #[arg(long, value_name = "I/N")]
    shard: Option<String>,
    /// Continue a sweep in DIR: skip finished runs, discard damaged run files.
    #[arg(long)]
    resume: bool,
    /// Override a parameter at every grid point (dotted TOML key).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Worker threads (0 = all cores). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
    /// Stop after this many runs without rebuilding the combined outputs (as if interrupted).
    #[arg(long, hide = true)]
    max_runs: Option<u64>,
}

/// Arguments of `goalspace merge`.
#[derive(clap::Args, Debug)]
pub(crate) struct MergeArgs {
    /// Result directories of the shards of one sweep.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Directory of the merged result.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Merge even when the directories do not hold every run of the plan (the combined
    /// outputs then cover only the runs there are).
    #[arg(long)]
    allow_partial: bool,
}

/// Runs `goalspace sweep`.
pub(crate) fn sweep(args: SweepArgs, registry: &Registry) -> anyhow::Result<()> {
    interrupt::install();
    goalspace_core::init_thread_pool(args.threads);
    let shard = match &args.shard {
        Some(s) => s.parse::<Shard>().map_err(bad)?,
        None => Shard::ALL,
    };
    let options = PlanOptions {
        sets: args.sets.clone(),
        grid: args.grid.clone(),
        replicates: args.replicates,
        seed: args.seed,
        file_grid: true,
        registry: registry.clone(),
    };
    let plan = load_plan(&args.scenario, &options)?;
    memory::check(plan.max_population())?;
    let line = command_line("sweep", &args.scenario, &args.sets, &args.grid, args.replicates, args.seed);
    let mut manifest = manifest(&plan, &args.scenario, line, registry)?;
    let dir = &args.out;
    if let Ok(Some(existing)) = Manifest::read(dir)
        && existing.conflicts_with(&manifest)
    {
        return Err(bad(format!(
            "{} holds a sweep of another plan: {}",
            dir.display(),
            existing.conflict_message(&manifest)
        )));
    }
    if !args.resume && RunStore::exists_nonempty(dir) {
        return Err(bad(format!(
            "{} already holds run files; add --resume to continue that sweep, or choose an empty directory",
            dir.display()
        )));
    }
    prepare_out(dir)?;
    let store = RunStore::open(dir, &manifest.plan_hash)?.with_build_id(&manifest.build_id);
    let scan = store.scan(plan.len(), true)?;
    for d in &scan.discarded {
        tracing::warn!("discarded run file {d}");
    }
    if scan.temporary > 0 {
        tracing::warn!("removed {} temporary file(s) of an interrupted write", scan.temporary);
    }
    manifest.runs_recorded = scan.finished.len() as u64;
    manifest.write(dir)?;
    let todo: Vec<u64> = (0..plan.len()).filter(|r| shard.contains(*r) && !scan.finished.contains(r)).collect();
    let limit = args.max_runs.map_or(todo.len(), |k| usize::try_from(k).unwrap_or(usize::MAX).min(todo.len()));
    tracing::info!(
        planned = plan.len(),
        shard = %shard,
        finished = scan.finished.len(),
        todo = todo.len(),
        "sweep of {}",
        plan.base.name
    );
    let label = if shard == Shard::ALL { plan.base.name.clone() } else { format!("{} shard {shard}", plan.base.name) };
    let bar = progress(limit as u64, args.quiet, &label);
    let mine = (0..plan.len()).filter(|r| shard.contains(*r)).count() as u64;
    let mut recorded = scan.finished.iter().filter(|r| shard.contains(**r)).count() as u64;
    for &i in &todo[..limit] {
        if interrupt::requested() {
            break;
        }
        let planned = plan.run(i).ok_or_else(|| bad(format!("run {i} is outside the plan")))?;
        let record = execute(&plan, &planned)?;
        store.write(&record)?;
        recorded += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    if interrupt::requested() {
        let of = if shard == Shard::ALL { String::new() } else { format!(" of shard {shard}") };
        return Err(Interrupted(format!(
            "interrupted: {recorded} of {mine} runs{of} recorded in {}; rerun the same command with --resume to finish",
            dir.display()
        ))
        .into());
    }
    if limit < todo.len() {
        println!("stopped after {limit} run(s) (--max-runs); continue with --resume");
        return Ok(());
    }
    let written = store.rebuild(&manifest)?;
    println!(
        "{}: {} of {} planned runs recorded in {} ({} grid point(s) × {} replicate(s); shard {shard}: {mine} runs)",
        plan.base.name,
        written.runs,
        plan.len(),
        dir.display(),
        plan.points.len(),
        plan.replicates,
    );
    if written.runs < plan.len() {
        println!("combine the shard directories with `goalspace merge DIR... --out DIR`");
    }
    Ok(())
}

/// Runs `goalspace merge`.
pub(crate) fn merge(args: MergeArgs) -> anyhow::Result<()> {
    for d in &args.dirs {
        if !d.is_dir() {
            return Err(bad(format!("{} is not a directory", d.display())));
        }
    }
    let (manifest, written) =
        goalspace_record::merge(&args.dirs, &args.out, args.allow_partial).map_err(|e| match e {
            RecordError::Mismatch(m) => bad(m),
            RecordError::Io { path, source } if path.starts_with(&args.out) => {
                bad(format!("output directory {} cannot be created or written: {source}", args.out.display()))
            }
            other => other.into(),
        })?;
    println!(
        "merged {} director{} into {}: {} of {} planned runs",
        args.dirs.len(),
        if args.dirs.len() == 1 { "y" } else { "ies" },
        args.out.display(),
        written.runs,
        manifest.runs_planned
    );
    if written.runs < manifest.runs_planned {
        tracing::warn!("{} run(s) missing: merge the remaining shards too", manifest.runs_planned - written.runs);
    }
    Ok(())
}
