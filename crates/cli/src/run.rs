//! `goalspace run`: replicates of one scenario (no grid), a summary table or JSON on
//! stdout, and with `--out` every result file of goalspace-record.

use std::path::PathBuf;

use goalspace_record::{RunRecord, summarize, summary_document, write_outputs};
use goalspace_scenario::{PlanOptions, Registry};

use crate::interrupt::{self, Interrupted};
use crate::recording::{command_line, execute, load_plan, manifest, prepare_out, progress};
use crate::{bad, memory};

/// Arguments of `goalspace run`.
#[derive(clap::Args, Debug)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Override a parameter: dotted TOML key, e.g. `--set training.speed_cost=0.05`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Root seed (overrides the scenario's `seed`). Replicate r runs with a seed derived from (root seed, r).
    #[arg(long)]
    seed: Option<u64>,
    /// Number of replicates (overrides `[sweep] replicates`).
    #[arg(long)]
    replicates: Option<u32>,
    /// Worker threads (0 = all cores). Results do not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Write runs.csv, runs.parquet, series.parquet, summary.json, manifest.json and timing.csv into this directory.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as JSON on stdout: the document summary.json holds, with one point.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// Runs `goalspace run`.
pub(crate) fn run(args: RunArgs, registry: &Registry) -> anyhow::Result<()> {
    interrupt::install();
    let threads = goalspace_core::init_thread_pool(args.threads);
    let options = PlanOptions {
        sets: args.sets.clone(),
        replicates: args.replicates,
        seed: args.seed,
        file_grid: false,
        registry: registry.clone(),
        ..PlanOptions::default()
    };
    let plan = load_plan(&args.scenario, &options)?;
    memory::check(plan.max_population())?;
    let line = command_line("run", &args.scenario, &args.sets, &[], args.replicates, args.seed);
    let manifest = manifest(&plan, &args.scenario, line, registry)?;
    // Whether this invocation creates the output directory: if it is interrupted, it
    // removes the directory again (when empty) rather than leave an empty one behind.
    let created = args.out.as_ref().is_some_and(|dir| !dir.exists());
    if let Some(dir) = &args.out {
        prepare_out(dir)?;
    }
    let bar = progress(plan.len(), args.quiet, &plan.base.name);
    let mut records: Vec<RunRecord> = Vec::new();
    for i in 0..plan.len() {
        if interrupt::requested() {
            break;
        }
        let planned = plan.run(i).ok_or_else(|| bad(format!("run {i} is outside the plan")))?;
        records.push(execute(&plan, &planned)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    if interrupt::requested() {
        let mut message =
            format!("interrupted: {} of {} replicates ran; nothing was written", records.len(), plan.len());
        if let Some(dir) = &args.out {
            if created && std::fs::remove_dir(dir).is_ok() {
                message.push_str(&format!(" (the new directory {} was removed)", dir.display()));
            } else {
                message.push_str(&format!(" to {}", dir.display()));
            }
        }
        message.push_str("; rerun the command to run them again");
        return Err(Interrupted(message).into());
    }
    tracing::debug!(threads, "replicates finished");
    if let Some(dir) = &args.out {
        write_outputs(dir, &manifest, || records.iter().cloned().map(Ok))?;
        tracing::info!(dir = %dir.display(), "results written");
    }
    if args.json {
        // The same document as summary.json, so one parser reads both.
        println!("{}", serde_json::to_string_pretty(&summary_document(&manifest, &records))?);
    } else {
        let stats = summarize(records.iter().map(|r| r.metrics.as_slice()));
        let s = &plan.base;
        println!(
            "{}: {} models, {} training updates, {} deployment ticks, {} replicate(s), root seed {}",
            s.name, s.run.population, s.run.ticks, s.deployment.ticks, plan.replicates, plan.root_seed
        );
        println!("{:<24} {:>12}  95% interval", "metric", "mean");
        for (k, s) in &stats {
            if s.n == 0 || !s.mean.is_finite() {
                // A metric no replicate produced (takeover_tick without a takeover).
                println!("{k:<24} {:>12}  (no replicate has a value)", "-");
            } else {
                println!("{k:<24} {:>12.6}  [{:.6}, {:.6}]", s.mean, s.lo, s.hi);
            }
        }
    }
    Ok(())
}
