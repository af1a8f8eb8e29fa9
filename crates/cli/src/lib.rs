//! The `goalspace` command line as a library, so that a program with its own plugins can
//! be the whole command ([`main`]). It parses arguments, loads scenarios and sweep plans
//! through goalspace-scenario, runs them through goalspace-training, and hands the
//! results to goalspace-record. Exit codes: 0 success, 1 internal failure, 2 bad input,
//! 130 stopped by Ctrl-C.

mod interrupt;
mod memory;
mod recording;
mod run;
mod sweep;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use goalspace_core::ModelClass;
use goalspace_scenario::{Registry, Scenario};

/// Simulate AI scheming at population scale (Carlsmith 2023, "Scheming AIs", §5).
///
/// Logging goes to stderr; set RUST_LOG (e.g. RUST_LOG=info) to see more than warnings.
/// Exit codes: 0 success, 1 internal failure, 2 bad input, 130 stopped by Ctrl-C.
#[derive(Parser, Debug)]
#[command(name = "goalspace", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run replicates of a scenario and print each metric's mean and 95% interval.
    Run(run::RunArgs),
    /// Run a sweep (grid × replicates) into a directory; shardable and resumable.
    Sweep(sweep::SweepArgs),
    /// Merge the directories of sweep shards into one.
    Merge(sweep::MergeArgs),
    /// Print the exact ledger of a scenario: counting bits, class shares, selection bits.
    Ledger(LedgerArgs),
    /// Check scenario files, every point of their sweep grid included, and report every problem found.
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

/// A bad-input error (exit code 2) with `message`.
fn bad(message: impl Into<String>) -> anyhow::Error {
    BadInput(message.into()).into()
}

fn load(path: &Path, sets: &[String], registry: &Registry) -> anyhow::Result<Scenario> {
    registry.load(path, sets).map_err(|e| bad(e.to_string()))
}

/// Logs to stderr through `tracing`: warnings by default, `RUST_LOG` when set.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(ansi)
        .without_time()
        .init();
}

/// The whole `goalspace` command with the plugins of `registry`: parses the process's
/// arguments, runs the subcommand and returns its exit code (0 success, 1 internal failure,
/// 2 bad input, 130 stopped by Ctrl-C). Every subcommand reads the registry: scenario
/// files, `--set` and `--grid` accept the plugins' sections, `schema` lists them, the
/// manifest's build id hashes them, and their metrics are output columns.
///
/// The `goalspace` binary is `main(Registry::builtin().with(goalspace_probes::Probes))`; a
/// crate outside this workspace builds its own `goalspace` with its plugins the same way:
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     goalspace_cli::main(goalspace_scenario::Registry::builtin())
/// }
/// ```
pub fn main(registry: Registry) -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Run(args) => run::run(args, &registry),
        Command::Sweep(args) => sweep::sweep(args, &registry),
        Command::Merge(args) => sweep::merge(args),
        Command::Ledger(args) => ledger(args, &registry),
        Command::Validate { scenarios } => validate(&scenarios, &registry),
        Command::Schema { format } => {
            match format {
                SchemaFormat::Markdown => print!("{}", registry.schema_markdown()),
                SchemaFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&registry.schema_json()).unwrap_or_default())
                }
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<interrupt::Interrupted>().is_some() => {
            eprintln!("{e}");
            ExitCode::from(interrupt::EXIT_CODE)
        }
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

fn validate(paths: &[PathBuf], registry: &Registry) -> anyhow::Result<()> {
    let mut failed = Vec::new();
    for p in paths {
        // The whole plan, as `sweep` would load it: every grid point is checked too.
        let options = goalspace_scenario::PlanOptions {
            file_grid: true,
            registry: registry.clone(),
            ..goalspace_scenario::PlanOptions::default()
        };
        match recording::load_plan(p, &options) {
            Ok(plan) => println!(
                "{}: ok ({} models, {} updates, {} grid point(s) x {} replicate(s))",
                p.display(),
                plan.base.run.population,
                plan.base.run.ticks,
                plan.points.len(),
                plan.replicates
            ),
            Err(e) => {
                eprintln!("{e}");
                failed.push(p.display().to_string());
            }
        }
    }
    if failed.is_empty() { Ok(()) } else { Err(bad(format!("invalid: {}", failed.join(", ")))) }
}

fn ledger(args: LedgerArgs, registry: &Registry) -> anyhow::Result<()> {
    let scenario = load(&args.scenario, &args.sets, registry)?;
    let l = scenario.run.ledger();
    let shares = |s: &[f64; 4]| {
        ModelClass::ALL
            .iter()
            .map(|c| (c.short_name().to_owned(), serde_json::json!(s[c.index()])))
            .collect::<serde_json::Map<_, _>>()
    };
    // The exact control game of the scenario's oversight (MODEL.md §6.3): one schemer over
    // its deployment's tasks, attacking at its best response.
    let deployment = scenario.deployment_params();
    let control = (deployment.ticks > 0).then(|| {
        let game = goalspace_deployment::Game {
            protocol: deployment.oversight,
            tasks: deployment.tasks(),
            attack_success: deployment.model.attack_success,
            stateless: deployment.attacker.stateless,
        };
        let best = game.best_response(deployment.attacker.attack_rate);
        (scenario.oversight.protocol.clone(), game.tasks, best)
    });
    if args.json {
        let json = serde_json::json!({
            "scenario": scenario.name,
            "control": control.as_ref().map(|(protocol, tasks, b)| serde_json::json!({
                "protocol": protocol,
                "tasks": tasks,
                "attack_rate": b.attack_rate,
                "lie_rate": b.lie_rate,
                "safety": b.safety,
            })),
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
        if let Some((protocol, tasks, b)) = &control {
            println!(
                "control game     {protocol}, {tasks} tasks: safety {:.4} at attack rate {:.4e} (exact, one schemer, MODEL.md §6.3)",
                b.safety, b.attack_rate
            );
        }
    }
    Ok(())
}
