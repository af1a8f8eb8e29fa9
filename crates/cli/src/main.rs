//! The `goalspace` command line: parses arguments, loads scenarios through
//! goalspace-scenario, runs them through goalspace-training, and prints or writes the
//! results. Exit codes: 0 success, 1 internal failure, 2 bad input.

mod summary;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use goalspace_core::ModelClass;
use goalspace_scenario::Scenario;

/// Simulate AI scheming at population scale (Carlsmith 2023, "Scheming AIs", §5).
#[derive(Parser, Debug)]
#[command(name = "goalspace", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run replicates of a scenario and print each metric's mean and 95% interval.
    Run(RunArgs),
    /// Print the exact ledger of a scenario: counting bits, class shares, selection bits.
    Ledger(LedgerArgs),
    /// Check scenario files and report every problem found.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Print the reference of every scenario parameter.
    Schema {
        /// Output format.
        #[arg(long, value_enum, default_value_t = SchemaFormat::Markdown)]
        format: SchemaFormat,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum)]
enum SchemaFormat {
    Markdown,
    Json,
}

#[derive(clap::Args, Debug)]
struct RunArgs {
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
    /// Write runs.csv and summary.json into this directory.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(clap::Args, Debug)]
struct LedgerArgs {
    /// Scenario file (TOML).
    scenario: PathBuf,
    /// Override a parameter (dotted TOML key).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Print the ledger as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// An error that is the user's input, not a failure of goalspace: exit code 2.
#[derive(Debug)]
struct BadInput(String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn load(path: &Path, sets: &[String]) -> anyhow::Result<Scenario> {
    Scenario::from_path(path, sets).map_err(|e| BadInput(e.to_string()).into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Ledger(args) => ledger(args),
        Command::Validate { scenarios } => validate(&scenarios),
        Command::Schema { format } => {
            match format {
                SchemaFormat::Markdown => print!("{}", goalspace_scenario::schema_markdown()),
                SchemaFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&goalspace_scenario::schema_json()).unwrap_or_default())
                }
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<BadInput>().is_some() => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn validate(paths: &[PathBuf]) -> anyhow::Result<()> {
    let mut failed = Vec::new();
    for p in paths {
        match Scenario::from_path(p, &[]) {
            Ok(s) => println!("{}: ok ({} models, {} updates)", p.display(), s.run.population, s.run.ticks),
            Err(e) => {
                eprintln!("{e}");
                failed.push(p.display().to_string());
            }
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(BadInput(format!("invalid: {}", failed.join(", "))).into()) }
}

/// The seed of replicate `r` under root seed `root`: `derive_seed(root, stream::RUN, r)`.
fn replicate_seed(root: u64, r: u32) -> u64 {
    goalspace_core::derive_seed(root, goalspace_core::rng::stream::RUN, u64::from(r))
}

fn prepare_out(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| BadInput(format!("cannot create output directory {}: {e}", dir.display())))?;
    let probe = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| BadInput(format!("output directory {} is not writable: {e}", dir.display())))?;
    drop(probe);
    Ok(())
}

/// Writes `bytes` to `dir/name` atomically: a temporary file in `dir`, then a rename.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).with_context(|| format!("creating a file in {}", dir.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(dir.join(name)).with_context(|| format!("writing {}", dir.join(name).display()))?;
    Ok(())
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let threads = goalspace_core::init_thread_pool(args.threads);
    let scenario = load(&args.scenario, &args.sets)?;
    let root = args.seed.unwrap_or(scenario.run.seed);
    let replicates = args.replicates.unwrap_or(scenario.sweep.replicates);
    if replicates == 0 {
        return Err(BadInput("--replicates must be at least 1".into()).into());
    }
    if let Some(dir) = &args.out {
        prepare_out(dir)?;
    }
    let bar = if args.quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(u64::from(replicates))
    };
    let mut rows: Vec<BTreeMap<String, f64>> = Vec::new();
    let mut seeds = Vec::new();
    for r in 0..replicates {
        let mut run = scenario.run.clone();
        run.seed = replicate_seed(root, r);
        let report = goalspace_training::run_training(&run).map_err(|e| BadInput(e.to_string()))?;
        rows.push(report.metrics.scalars().iter().map(|(k, v)| ((*k).to_owned(), *v)).collect());
        seeds.push(run.seed);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let stats = summary::summarize(&rows);
    let json = serde_json::json!({
        "scenario": scenario.name,
        "seed": root,
        "replicates": replicates,
        "threads": threads,
        "metrics": stats.iter().map(|(k, s)| (k.clone(), serde_json::json!({
            "mean": s.mean, "ci95": [s.lo, s.hi], "n": s.n,
        }))).collect::<serde_json::Map<_, _>>(),
    });
    if let Some(dir) = &args.out {
        let columns: Vec<&String> = stats.keys().collect();
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["replicate".to_owned(), "seed".to_owned()];
        header.extend(columns.iter().map(|c| (*c).clone()));
        w.write_record(&header)?;
        for (r, (row, seed)) in rows.iter().zip(&seeds).enumerate() {
            let mut rec = vec![r.to_string(), seed.to_string()];
            rec.extend(columns.iter().map(|c| row.get(*c).map_or(String::new(), |v| v.to_string())));
            w.write_record(&rec)?;
        }
        write_atomic(dir, "runs.csv", &w.into_inner()?)?;
        write_atomic(dir, "summary.json", serde_json::to_string_pretty(&json)?.as_bytes())?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        println!(
            "{}: {} models, {} updates, {} replicate(s), root seed {root}",
            scenario.name, scenario.run.population, scenario.run.ticks, replicates
        );
        println!("{:<24} {:>12}  95% interval", "metric", "mean");
        for (k, s) in &stats {
            println!("{k:<24} {:>12.6}  [{:.6}, {:.6}]", s.mean, s.lo, s.hi);
        }
    }
    Ok(())
}

fn ledger(args: LedgerArgs) -> anyhow::Result<()> {
    let scenario = load(&args.scenario, &args.sets)?;
    let l = scenario.run.ledger();
    let shares = |s: &[f64; 4]| {
        ModelClass::ALL
            .iter()
            .map(|c| (c.short_name().to_owned(), serde_json::json!(s[c.index()])))
            .collect::<serde_json::Map<_, _>>()
    };
    if args.json {
        let json = serde_json::json!({
            "scenario": scenario.name,
            "counting_bits": l.counting_bits,
            "selection_bits": l.selection_bits,
            "beta": l.beta,
            "flip_beta": l.flip_beta,
            "schemer_cost": l.schemer_cost,
            "prior_shares": shares(&l.prior_shares),
            "stationary_shares": shares(&l.stationary_shares),
        });
        println!("{}", serde_json::to_string_pretty(&json)?);
    } else {
        println!("ledger of {} (mean profile, aware models, MODEL.md §7)", scenario.name);
        println!("counting bits    {:.3}", l.counting_bits);
        match l.selection_bits {
            Some(b) => println!("selection bits   {b:.3} (at beta = {})", l.beta),
            None => println!("selection bits   undefined: the mean model never decides to scheme"),
        }
        if let Some(f) = l.flip_beta {
            println!("flip beta        {f:.1} (schemers lose the max-reward goals above it)");
        }
        println!("{:<16} {:>12} {:>12}", "class", "prior", "stationary");
        for c in ModelClass::ALL {
            println!(
                "{:<16} {:>12.6} {:>12.6}",
                c.short_name(),
                l.prior_shares[c.index()],
                l.stationary_shares[c.index()]
            );
        }
    }
    Ok(())
}
