//! Same scenario and seed, same bytes (ARCHITECTURE.md "Invariants"). The compute pool
//! is process-wide, so the thread-count check re-runs this test binary as a child with
//! `GOALSPACE_TEST_THREADS` set, and compares the digests the children print.

use std::hash::{Hash, Hasher};

use goalspace_training::{TrainingRun, build_training, final_goals};

fn reference_run(seed: u64) -> TrainingRun {
    let mut run = goalspace_tests::path_dependent_world(20_000);
    run.seed = seed;
    run.ticks = 400;
    run.record_interval = 50;
    run.reward.scratchpad_legibility = 0.05;
    run.reward.training_trap_rate = 0.02;
    run.selection.introspective_goal_guarding = 0.3;
    run
}

/// Every final goal, every scalar and every series value, as one digest (bit patterns of
/// the floats, so any difference shows).
fn digest(run: &TrainingRun) -> u64 {
    let mut sim = build_training(run).unwrap();
    sim.run_training(run.ticks);
    let mut h = std::hash::DefaultHasher::new();
    final_goals(&mut sim).hash(&mut h);
    goalspace_tests::hash_metrics(sim.metrics(), &mut h);
    h.finish()
}

/// Child half of [`one_and_two_threads_agree`]: runs only when the parent sets the variable.
#[test]
#[ignore = "run by one_and_two_threads_agree as a child process"]
fn child_digest() {
    goalspace_tests::init_child_threads();
    println!("DIGEST {}", digest(&reference_run(3)));
}

#[test]
fn one_and_two_threads_agree() {
    let (one, two) = goalspace_tests::digests_for_1_and_2_threads("determinism::child_digest");
    assert_eq!(one, two, "1 thread and 2 threads gave different results");
}

#[test]
fn repeated_runs_agree_and_seeds_differ() {
    let a = digest(&reference_run(3));
    assert_eq!(a, digest(&reference_run(3)));
    assert_ne!(a, digest(&reference_run(4)));
}
