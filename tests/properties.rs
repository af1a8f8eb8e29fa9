//! Property tests over random valid scenarios (small populations, few updates): the
//! invariants every result must keep whatever the parameters. Random runs come from
//! `goalspace_fuzzing::arbitrary_run`, the same generator the `small_world` fuzz target uses.

use arbitrary::Unstructured;
use goalspace_core::{GoalSpace, ModelClass};
use goalspace_ledger::counting_bits;
use goalspace_training::{TrainingRun, run_training};
use proptest::prelude::*;

fn run_from(bytes: &[u8]) -> Option<TrainingRun> {
    goalspace_fuzzing::arbitrary_run(&mut Unstructured::new(bytes)).ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Class shares sum to 1 at every recorded update (so counts sum to the population),
    /// every share and probability is in [0, 1], and no scalar or series value is NaN or
    /// infinite; the same seed gives the same result.
    #[test]
    fn results_are_well_formed_and_reproducible(bytes in proptest::collection::vec(any::<u8>(), 256)) {
        let Some(mut run) = run_from(&bytes) else { return Ok(()) };
        run.record_interval = 1;
        let report = run_training(&run).unwrap();
        prop_assert_eq!(report.final_counts.iter().sum::<u64>(), u64::from(run.population));
        let series = report.metrics.series();
        let classes = ["share_training_saint", "share_misgeneralized", "share_reward_seeker", "share_schemer"];
        if run.ticks > 0 {
            let ticks: Vec<u32> = series[classes[0]].keys().copied().collect();
            prop_assert_eq!(ticks.len() as u32, run.ticks);
            for t in ticks {
                let sum: f64 = classes.iter().map(|c| series[c][&t]).sum();
                prop_assert!((sum - 1.0).abs() < 1e-12, "tick {}: shares sum to {}", t, sum);
            }
        }
        for (name, v) in report.metrics.scalars() {
            prop_assert!(v.is_finite(), "{} = {}", name, v);
            if name.starts_with("share_") || name.ends_with("_fraction") || name.starts_with("ledger_share") {
                prop_assert!((0.0..=1.0).contains(v), "{} = {}", name, v);
            }
        }
        for s in report.ledger.prior_shares.iter().chain(&report.ledger.stationary_shares) {
            prop_assert!((0.0..=1.0).contains(s));
        }
        prop_assert!((report.ledger.stationary_shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        prop_assert!((report.ledger.prior_shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        let again = run_training(&run).unwrap();
        prop_assert_eq!(report.metrics, again.metrics);
    }

    /// Counting bits equal a brute-force count over every goal of layouts with
    /// c + h + a ≤ 16 bits (MODEL.md §3), for any priors and thresholds.
    #[test]
    fn counting_bits_match_brute_force(
        c in 2u32..=8, h in 1u32..=4, a in 1u32..=4,
        pc in 0.05f64..0.95, ph in 0.05f64..0.95, pa in 0.05f64..0.95,
        k_min_frac in 0.0f64..1.0, thr in 0.05f64..=1.0,
    ) {
        let space = GoalSpace {
            p_content_bit: pc,
            p_horizon_bit: ph,
            p_ambition_bit: pa,
            beyond_episode_min_k: 1 + ((h - 1) as f64 * k_min_frac).round() as u32,
            ambition_threshold: thr,
            ..GoalSpace::new(c, h, a).unwrap()
        };
        let len = space.len();
        let (mut schemer_like, mut non_schemer) = (0.0f64, 0.0f64);
        for g in 0u128..(1u128 << len) {
            let prior: f64 = (0..len)
                .map(|i| if g >> i & 1 == 1 { space.prior_of(i) } else { 1.0 - space.prior_of(i) })
                .product();
            let f = space.features(g);
            if space.is_schemer_like(f) {
                schemer_like += prior;
            }
            if space.is_non_schemer_max_reward(f) {
                non_schemer += prior;
            }
        }
        let brute = (schemer_like / non_schemer).log2();
        let exact = counting_bits(&space);
        prop_assert!((brute - exact).abs() < 1e-9, "brute {} vs ledger {}", brute, exact);
    }
}

fn protocol(kind: u8, x: f64, dprime: f64, honeypots: u32) -> goalspace_deployment::Oversight {
    use goalspace_deployment::Oversight;
    match kind % 4 {
        0 => Oversight::UpfrontAuditing { fraction: x },
        1 => {
            Oversight::TrustedMonitoring { audit_budget: x, monitor_dprime: dprime, defer_threshold: Some(x.max(0.1)) }
        }
        2 => Oversight::DeferToTrusted { threshold: x, monitor_dprime: dprime },
        _ => Oversight::UntrustedMonitoring { audit_budget: x, monitor_dprime: dprime, honeypots, colluding: true },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Exact safety (MODEL.md §6.3) at the attacker's best response is in [0, 1] and does not
    /// increase with the probability c that an attack works, for every protocol.
    #[test]
    fn safety_is_a_probability_and_falls_with_attack_success(
        kind in 0u8..4, x in 0.0f64..0.5, dprime in 0.0f64..4.0, honeypots in 0u32..5,
        tasks in 1u32..400, c1 in 0.0f64..1.0, dc in 0.0f64..0.5, stateless in any::<bool>(),
    ) {
        let protocol = protocol(kind, x, dprime, honeypots);
        let safety = |c: f64| {
            goalspace_deployment::Game { protocol, tasks, attack_success: c, stateless }.best_response(None).safety
        };
        let (low, high) = (safety(c1), safety((c1 + dc).min(1.0)));
        prop_assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high), "{} {}", low, high);
        // The best response is found numerically (bracketed grid and golden section): allow 1e-6.
        prop_assert!(high <= low + 1e-6, "safety rose from {} to {} as c rose", low, high);
    }
}

/// The class order the series columns use is [`ModelClass::ALL`].
#[test]
fn share_columns_follow_class_order() {
    let names: Vec<&str> = ModelClass::ALL.iter().map(|c| goalspace_training::share_name(*c)).collect();
    assert_eq!(names, ["share_training_saint", "share_misgeneralized", "share_reward_seeker", "share_schemer"]);
}
