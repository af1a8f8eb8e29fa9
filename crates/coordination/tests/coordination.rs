//! Coordination and takeover (MODEL.md §6.4) in full runs: prediction 9 (AnyAi raises
//! takeover probability over Solo at equal schemer counts), the capability part of
//! prediction 6, and determinism across thread counts.

use goalspace_coordination::run_full;

use goalspace_tests::{Z99, takeover_world as world};

const SOLO: [f64; 4] = [1.0, 0.0, 0.0, 0.0];
const ANY_AI: [f64; 4] = [0.0, 0.0, 1.0, 0.0];

fn takeover(seed: u64, capability: f64, mix: [f64; 4]) -> (f64, f64) {
    let (run, params, coordination) = world(seed, capability, mix);
    let r = run_full(&run, &params, &coordination).expect("valid run");
    (r.get("takeover"), r.get("deployed_schemers"))
}

/// Prediction 9: over 60 paired runs (same seeds, so training, escapes and schemer counts are
/// identical; strategies come from their own random stream and the belief feedback is off),
/// AnyAi coordination takes over in more runs than Solo; the 99% interval of the mean paired
/// difference excludes zero.
#[test]
fn p9_any_ai_raises_takeover_over_solo() {
    let runs = 60;
    let mut diffs = Vec::new();
    for seed in 0..runs {
        let (solo, schemers_solo) = takeover(seed, 1.0, SOLO);
        let (any, schemers_any) = takeover(seed, 1.0, ANY_AI);
        assert_eq!(schemers_solo, schemers_any, "equal schemer counts");
        diffs.push(any - solo);
    }
    let n = diffs.len() as f64;
    let mean = diffs.iter().sum::<f64>() / n;
    let sd = (diffs.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let lo = mean - Z99 * sd / n.sqrt();
    eprintln!("p9: takeover AnyAi − Solo = {mean:.3}, 99% interval [{lo:.3}, {:.3}]", mean + Z99 * sd / n.sqrt());
    assert!(lo > 0.0);
    assert!(diffs.iter().all(|&d| d >= 0.0), "with identical escapes, a coalition only adds power");
}

/// Prediction 6 (takeover part): capability 2 against 1 under AnyAi raises the takeover
/// probability; 60 runs each, 99% interval of the difference of proportions excludes zero.
#[test]
fn p6_capability_raises_takeover() {
    let runs = 60;
    let rate = |cap| (0..runs).map(|s| takeover(1000 + s, cap, ANY_AI).0).sum::<f64>() / runs as f64;
    let (high, low) = (rate(2.0), rate(1.0));
    let se = (high * (1.0 - high) / runs as f64 + low * (1.0 - low) / runs as f64).sqrt();
    eprintln!("p6: takeover at capability 2 {high:.3} vs 1 {low:.3}, 99% lower bound {:.3}", high - low - Z99 * se);
    assert!(high - low - Z99 * se > 0.0);
}

/// Same seed, same metrics; the coalitions are recomputed only when membership changes.
#[test]
fn repeated_runs_agree_and_recompute_on_change() {
    let (run, params, coordination) = world(3, 1.0, ANY_AI);
    let a = run_full(&run, &params, &coordination).unwrap();
    let b = run_full(&run, &params, &coordination).unwrap();
    assert_eq!(a.metrics, b.metrics);
    let recomputations = a.get("coalition_recomputations");
    assert!(recomputations >= 1.0 && recomputations < f64::from(params.ticks), "{recomputations}");
    assert!(a.get("coalition_count") >= 1.0);
}

/// Every scalar of a full run with AnyAi coordination, as one digest of the bit patterns.
fn digest() -> u64 {
    use std::hash::Hasher;
    let (run, params, coordination) = world(7, 1.0, ANY_AI);
    let r = run_full(&run, &params, &coordination).unwrap();
    let mut h = std::hash::DefaultHasher::new();
    goalspace_tests::hash_metrics(&r.metrics, &mut h);
    h.finish()
}

/// Child half of [`one_and_two_threads_agree`].
#[test]
#[ignore = "run by one_and_two_threads_agree as a child process"]
fn child_digest() {
    goalspace_tests::init_child_threads();
    println!("DIGEST {}", digest());
}

/// Training, deployment, power and coalitions give identical results on 1 and 2 threads.
#[test]
fn one_and_two_threads_agree() {
    let (one, two) = goalspace_tests::digests_for_1_and_2_threads("child_digest");
    assert_eq!(one, two);
}

/// A colluding untrusted monitor lies only for members of its coalition (MODEL.md §6.4): with
/// every model Solo nobody has a partner, so monitors are honest and catch attacks; with
/// AnyAi the schemers form coalitions and their monitors lie. Same seeds and training, so the
/// difference is the collusion alone: more successful unaudited attacks and fewer caught
/// attacks under AnyAi, summed over 10 runs.
#[test]
fn colluding_monitors_lie_only_for_coalition_members() {
    let totals = |mix| {
        let (mut succeeded, mut caught) = (0.0, 0.0);
        for seed in 0..10 {
            let (run, mut params, coordination) = world(seed, 1.0, mix);
            params.model.escape_rate = 0.0;
            params.oversight = goalspace_deployment::Oversight::UntrustedMonitoring {
                audit_budget: 0.05,
                monitor_dprime: 3.0,
                honeypots: 0,
                colluding: true,
            };
            params.attacker.attack_rate = Some(0.05);
            let r = run_full(&run, &params, &coordination).unwrap();
            succeeded += r.get("successful_attacks");
            caught += r.get("caught_attacks");
        }
        (succeeded, caught)
    };
    let (solo_ok, solo_caught) = totals(SOLO);
    let (any_ok, any_caught) = totals(ANY_AI);
    eprintln!("solo: {solo_ok} successful, {solo_caught} caught; any_ai: {any_ok} successful, {any_caught} caught");
    assert!(any_ok > solo_ok);
    assert!(any_caught < solo_caught);
}
