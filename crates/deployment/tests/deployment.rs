//! Tests of the deployment crate: the AI-control anchors (ANCHORS.md) against the exact
//! solver and Monte Carlo, the systems against the solver, the MODEL.md §9 predictions
//! deployment owns, and determinism. One test binary, so the heavy dependencies link once.

mod common;
mod control;
mod determinism;
mod predictions;
mod systems;
