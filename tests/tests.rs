//! Workspace tests, one module per area:
//! - `ledger_vs_monte_carlo`: the exact ledger (MODEL.md §7) against long Monte Carlo runs;
//! - `predictions`: the directional predictions of MODEL.md §9 owned by training;
//! - `determinism`: same seed, same bytes, for any thread count;
//! - `properties`: proptest invariants over random valid scenarios.

mod determinism;
mod ledger_vs_monte_carlo;
mod predictions;
mod properties;
