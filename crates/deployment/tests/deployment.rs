//! Tests of the deployment crate: the AI-control anchors (ANCHORS.md) against the exact
//! solver and Monte Carlo, the MODEL.md §9 predictions deployment owns, and determinism.
//! One test binary, so the heavy dependencies link once.

mod common;
mod control;
