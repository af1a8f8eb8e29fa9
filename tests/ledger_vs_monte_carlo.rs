//! Monte Carlo training against the exact ledger (MODEL.md §5.3, §7). Agents are
//! independent in training, so one run of N agents gives N independent draws of the
//! final class; each class share is checked against the ledger with a 99% family-wise
//! interval (Bonferroni over the four classes: z = 3.023 per class).

use goalspace_core::ModelClass;
use goalspace_ledger::counting_bits;
use goalspace_tests::{Proportion, mixed_world};
use goalspace_training::run_training;

/// Per-class z of a 99% family-wise interval over four classes.
const Z_FAMILY: f64 = 3.023;

/// Runs `run` and checks every class share against `expected` within the family-wise
/// interval; returns the largest absolute gap.
fn check_shares(run: &goalspace_training::TrainingRun, expected: [f64; 4]) -> f64 {
    let report = run_training(run).expect("valid run");
    let mut max_gap = 0.0f64;
    for class in ModelClass::ALL {
        let mc = Proportion::of_class(&report.final_counts, class);
        let p = expected[class.index()];
        let se = (p * (1.0 - p) / mc.n).sqrt();
        let gap = mc.p - p;
        max_gap = max_gap.max(gap.abs());
        eprintln!("{class:?}: Monte Carlo {:.5}, ledger {p:.5}, gap {gap:+.5} (bound {:.5})", mc.p, Z_FAMILY * se);
        assert!(gap.abs() <= Z_FAMILY * se, "{class:?}: Monte Carlo {} vs ledger {p}", mc.p);
    }
    max_gap
}

/// MODEL.md §9 prediction 8, first half: with β = 0 the shares converge to the prior
/// counts. c = 4, h = 2, a = 2, uniform: saint 1/16, reward seeker 1/64, schemer
/// (15/16)(3/4)(3/4) = 0.52734. 20,000 agents, 400 updates at one flip each (every bit
/// redrawn with probability 1 − (7/8)^400 ≈ 1).
#[test]
fn zero_selection_gives_the_prior_shares() {
    let run = mixed_world(0.0, 0.02, 20_000, 400);
    let ledger = run.ledger();
    let prior = ledger.prior_shares;
    assert!((prior[ModelClass::TrainingSaint.index()] - 1.0 / 16.0).abs() < 1e-12);
    assert!((prior[ModelClass::RewardOnTheEpisodeSeeker.index()] - 1.0 / 64.0).abs() < 1e-12);
    assert!((prior[ModelClass::Schemer.index()] - 15.0 / 16.0 * 9.0 / 16.0).abs() < 1e-12);
    assert_eq!(ledger.stationary_shares, prior);
    check_shares(&run, prior);
}

/// At fixed β = 20 with speed cost 0.05, 20,000 agents after 3000 updates
/// match the stationary shares prior(g)·exp(β·R(g)).
#[test]
fn fixed_selection_reaches_the_stationary_shares() {
    let run = mixed_world(20.0, 0.05, 20_000, 3000);
    let ledger = run.ledger();
    let gap = check_shares(&run, ledger.stationary_shares);
    eprintln!("largest class-share gap, Monte Carlo vs ledger at beta = 20: {gap:.5}");
}

/// MODEL.md §9 prediction 8, second half: with β growing linearly from 0 to 20 over
/// 3000 updates (slowly against the mixing time), the shares end at the ledger's
/// stationary shares for the final β.
#[test]
fn growing_selection_moves_to_the_stationary_shares() {
    let mut run = mixed_world(20.0, 0.05, 20_000, 3000);
    run.selection.strength = goalspace_core::SelectionStrength::Linear { start: 0.0, end: 20.0 };
    let ledger = run.ledger();
    assert!(ledger.stationary_shares != ledger.prior_shares);
    check_shares(&run, ledger.stationary_shares);
}

/// The flip point (MODEL.md §3, §5.3), in the ledger: with every schemer-like goal
/// scheming, log2 odds of schemers against the non-schemer max-reward classes are
/// counting_bits − β·speed_cost/ln 2 once the other classes are negligible, so schemers
/// dominate below β* = counting_bits·ln 2 / speed_cost and lose above it. c = 16, h = 4,
/// a = 4 (15.279 bits), speed cost 0.02: β* = 529.5 (MODEL.md §9a found the flip near 530).
#[test]
fn flip_point_in_the_ledger() {
    let mut run = mixed_world(0.0, 0.02, 1, 1);
    run.goal_space = goalspace_core::GoalSpace::new(16, 4, 4).unwrap();
    let flip = run.ledger().flip_beta.unwrap();
    assert!((flip - 15.2788 * std::f64::consts::LN_2 / 0.02).abs() < 0.1, "{flip}");
    for (factor, schemers_win) in [(0.9, true), (0.99, true), (1.01, false), (1.1, false)] {
        run.selection.strength = goalspace_core::SelectionStrength::Constant { beta: factor * flip };
        let l = run.ledger();
        let odds = l.prior_schemer_log2_odds.unwrap() - l.selection_bits.unwrap();
        assert_eq!(odds > 0.0, schemers_win, "beta = {factor} x flip: log2 odds {odds}");
        let s = l.stationary_shares;
        let non_schemer_max = s[ModelClass::TrainingSaint.index()] + s[ModelClass::RewardOnTheEpisodeSeeker.index()];
        assert_eq!(s[ModelClass::Schemer.index()] > non_schemer_max, schemers_win);
    }
    assert!((counting_bits(&run.goal_space) - 15.279).abs() < 1e-3);
}

/// The flip point in Monte Carlo, on c = 4, h = 2, a = 2 (2.755 counting bits) with speed
/// cost 0.1: β* = 19.1. At 0.5·β* schemers outnumber saints plus reward seekers, at
/// 2·β* they are outnumbered, each with a 99% interval on the difference of shares
/// excluding zero (20,000 agents, 3000 updates).
#[test]
fn flip_point_in_monte_carlo() {
    let probe = mixed_world(0.0, 0.1, 1, 1);
    let flip = probe.ledger().flip_beta.unwrap();
    assert!((flip - 2.7549 * std::f64::consts::LN_2 / 0.1).abs() < 0.01, "{flip}");
    for (factor, schemers_win) in [(0.5, true), (2.0, false)] {
        let run = mixed_world(factor * flip, 0.1, 20_000, 3000);
        let report = run_training(&run).unwrap();
        let c = report.final_counts;
        let n = c.iter().sum::<u64>() as f64;
        let schemer = c[ModelClass::Schemer.index()] as f64 / n;
        let max_reward =
            (c[ModelClass::TrainingSaint.index()] + c[ModelClass::RewardOnTheEpisodeSeeker.index()]) as f64 / n;
        // Difference of two shares of one multinomial: var = (p1 + p2 − (p1 − p2)²) / n.
        let d = schemer - max_reward;
        let se = ((schemer + max_reward - d * d) / n).sqrt();
        eprintln!("beta = {factor} x flip: schemer {schemer:.4}, saint + reward seeker {max_reward:.4}");
        if schemers_win {
            assert!(d - goalspace_tests::Z99 * se > 0.0);
        } else {
            assert!(d + goalspace_tests::Z99 * se < 0.0);
        }
    }
}

/// A population whose models differ (the value of acting now uniform on [0.5, 1.5], so
/// about half of them find scheming worth it, and a non-uniform prior p = 0.3, 0.6, 0.7 per
/// field) matches the average of the models' own ledgers: 4000 models (all averaged
/// exactly), β = 8, half a flip per update, 3000 updates. Per-model shares differ, so the
/// binomial bound p(1−p)/N is conservative.
#[test]
fn mixed_population_matches_the_population_ledger() {
    let mut run = mixed_world(8.0, 0.05, 4000, 3000);
    run.goal_space.p_content_bit = 0.3;
    run.goal_space.p_horizon_bit = 0.6;
    run.goal_space.p_ambition_bit = 0.7;
    run.selection.flips_per_tick = 0.5;
    run.mix.present = goalspace_core::Dist::Uniform { low: 0.5, high: 1.5 };
    let report = run_training(&run).unwrap();
    let ledger = report.metrics.get("ledger_share_schemer").unwrap();
    let mc = Proportion::of_class(&report.final_counts, ModelClass::Schemer);
    let bound = Z_FAMILY * (ledger * (1.0 - ledger) / mc.n).sqrt();
    eprintln!("mixed population: Monte Carlo {:.4}, population ledger {ledger:.4}, bound {bound:.4}", mc.p);
    assert!(ledger > 0.1 && ledger < 0.9, "the mix should split the decision: {ledger}");
    assert!((mc.p - ledger).abs() <= bound);
    assert!(report.metrics.get("path_dependence").unwrap().abs() <= bound);
}
