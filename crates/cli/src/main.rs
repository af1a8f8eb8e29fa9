//! The `goalspace` binary: the command of goalspace-cli with the plugins compiled in.

use std::process::ExitCode;

use goalspace_scenario::Registry;

/// The plugins this `goalspace` knows. Registering a plugin crate here (and adding it to
/// Cargo.toml) is all it takes: scenario files, `--set`, sweeps, `schema`, the manifest's
/// build id and the outputs then know its section and metrics (ARCHITECTURE.md "API
/// Boundary").
// ANCHOR: registry
fn registry() -> Registry {
    let registry = Registry::builtin();
    #[cfg(feature = "probes")]
    let registry = registry.with(goalspace_probes::Probes);
    registry
}
// ANCHOR_END: registry

fn main() -> ExitCode {
    goalspace_cli::main(registry())
}
