//! Ctrl-C (SIGINT): the first one asks `run` and `sweep` to stop between runs, so every file on disk stays whole and
//! a sweep can be resumed; a second one stops the process at once (exit code 130).

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first Ctrl-C.
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Exit code of a process stopped by Ctrl-C (128 + SIGINT).
pub(crate) const EXIT_CODE: u8 = 130;

/// Installs the handler. When it cannot be installed, Ctrl-C keeps its default effect
/// (the process ends at once; files already written stay whole, as every write is atomic).
pub(crate) fn install() {
    let result = ctrlc::set_handler(|| {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_CODE));
        }
        eprintln!("\nCtrl-C: stopping after the run in progress (press Ctrl-C again to stop at once)");
    });
    if let Err(e) = result {
        tracing::debug!("no Ctrl-C handler: {e}");
    }
}

/// True once Ctrl-C was pressed.
pub(crate) fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// The outcome of a command stopped by Ctrl-C: what was kept and how to go on. Printed as
/// it is, with exit code [`EXIT_CODE`].
#[derive(Debug)]
pub(crate) struct Interrupted(pub(crate) String);

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Interrupted {}
