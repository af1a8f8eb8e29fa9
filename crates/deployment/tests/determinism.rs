//! Same scenario and seed, same bytes (ARCHITECTURE.md "Invariants"), through training and
//! deployment. The compute pool is process-wide, so the thread-count check re-runs this
//! test binary as a child with `GOALSPACE_TEST_THREADS` set and compares the digests.

use std::hash::{Hash, Hasher};

use goalspace_core::{AgentIndex, Status};
use goalspace_deployment::{AttackerModel, DeploymentParams, Oversight, build_deployment};
use goalspace_training::{TrainingRun, final_goals};

use crate::common::{escape_deployment, schemer_world};

fn reference(seed: u64) -> (TrainingRun, DeploymentParams) {
    let mut run = schemer_world(20_000, 1.0);
    run.seed = seed;
    run.ticks = 100;
    run.record_interval = 25;
    let mut d = escape_deployment();
    d.model.alert_step = 0.05;
    d.model.trap_rate = 0.03;
    d.oversight = Oversight::TrustedMonitoring { audit_budget: 0.02, monitor_dprime: 2.0, defer_threshold: Some(0.1) };
    d.attacker = AttackerModel::default();
    d.online_training = true;
    (run, d)
}

/// Every final goal and status, every scalar and every series value, as one digest.
fn digest(seed: u64) -> u64 {
    let (run, d) = reference(seed);
    let mut sim = build_deployment(&run, &d).unwrap();
    sim.run_training(run.ticks);
    sim.run_deployment(d.ticks);
    let mut h = std::hash::DefaultHasher::new();
    final_goals(&mut sim).hash(&mut h);
    let mut q = sim.world.query::<(&AgentIndex, &Status)>();
    let mut statuses: Vec<(u32, u8)> = q.iter(&sim.world).map(|(i, s)| (i.0, *s as u8)).collect();
    statuses.sort_unstable();
    statuses.hash(&mut h);
    goalspace_tests::hash_metrics(sim.metrics(), &mut h);
    h.finish()
}

/// Child half of [`one_and_two_threads_agree`]: runs only when the parent sets the variable.
#[test]
#[ignore = "run by one_and_two_threads_agree as a child process"]
fn child_digest() {
    goalspace_tests::init_child_threads();
    println!("DIGEST {}", digest(3));
}

/// One and two worker threads give identical bytes.
#[test]
fn one_and_two_threads_agree() {
    let (one, two) = goalspace_tests::digests_for_1_and_2_threads("determinism::child_digest");
    assert_eq!(one, two, "1 thread and 2 threads gave different results");
}

/// Repeated runs agree and different seeds differ.
#[test]
fn repeated_runs_agree_and_seeds_differ() {
    let a = digest(3);
    assert_eq!(a, digest(3));
    assert_ne!(a, digest(4));
}
