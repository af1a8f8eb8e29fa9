//! The directional predictions of MODEL.md §9 that training owns (1, 2, 3, 7, 8 in
//! `ledger_vs_monte_carlo`, 11, 12). Each compares two runs that differ in one lever;
//! agents are independent in training, so each run's schemer share is a binomial
//! proportion over its N agents, and the 99% interval of the difference must exclude
//! zero (or, where the prediction is that an effect vanishes, the ledger must agree).

use goalspace_core::{ModelClass, SearchMode, SelectionStrength};
use goalspace_tests::{Proportion, Z99, assert_greater, difference_interval, mixed_world, path_dependent_world};
use goalspace_training::{TrainingRun, run_training};

const N: u32 = 20_000;

fn schemers(run: &TrainingRun) -> Proportion {
    Proportion::of_class(&run_training(run).expect("valid run").final_counts, ModelClass::Schemer)
}

/// Prediction 1, path-dependent regime: adversarial training before SA (penalty 0.3 at
/// full horizon and ambition) lowers the final schemer share.
#[test]
fn p1_adversarial_training_before_sa_lowers_schemers_when_path_dependent() {
    let base = path_dependent_world(N);
    let mut adversarial = base.clone();
    adversarial.reward.adversarial_pre_sa = 0.3;
    assert_greater("p1 path-dependent: no adversarial vs adversarial", schemers(&base), schemers(&adversarial));
}

/// Prediction 1, well-mixed regime: 2100 post-SA updates at one flip each on L = 8 bits
/// forget everything before SA, so both runs sit at the same stationary share (the
/// ledger's, which does not depend on anything before SA) and their difference is
/// within its 99% interval of zero.
#[test]
fn p1_adversarial_training_before_sa_does_not_matter_when_well_mixed() {
    let mut base = mixed_world(20.0, 0.05, N, 3000);
    base.awareness.onset_fraction = 0.3;
    let mut adversarial = base.clone();
    adversarial.reward.adversarial_pre_sa = 0.3;
    let (a, b) = (schemers(&base), schemers(&adversarial));
    let (lo, hi) = difference_interval(a, b, Z99);
    eprintln!("p1 well-mixed: {:.4} vs {:.4}, 99% interval [{lo:.4}, {hi:.4}]", a.p, b.p);
    assert!(lo < 0.0 && hi > 0.0, "the effect should vanish when well mixed: [{lo}, {hi}]");
    let stationary = base.ledger().stationary_shares[ModelClass::Schemer.index()];
    assert_eq!(stationary, adversarial.ledger().stationary_shares[ModelClass::Schemer.index()]);
    for p in [a, b] {
        assert!((p.p - stationary).abs() < Z99 * p.se().max(1e-3), "{} vs ledger {stationary}", p.p);
    }
}

/// Prediction 2: shorter horizons lower the schemer share, both through a lower prior
/// horizon-bit probability (0.5 → 0.2) and through fewer horizon bits (4 → 2).
#[test]
fn p2_shorter_horizons_lower_schemers() {
    let base = path_dependent_world(N);
    let mut short_prior = base.clone();
    short_prior.goal_space.p_horizon_bit = 0.2;
    assert_greater("p2 p_horizon_bit 0.5 vs 0.2", schemers(&base), schemers(&short_prior));
    let mut fewer_bits = base.clone();
    fewer_bits.goal_space.horizon_bits = 2;
    assert_greater("p2 horizon_bits 4 vs 2", schemers(&base), schemers(&fewer_bits));
}

/// Prediction 3: lower slack (β 10 → 40) with speed cost 0.05 lowers the schemer share,
/// in Monte Carlo and in the ledger's stationary shares.
#[test]
fn p3_lower_slack_lowers_schemers() {
    let loose = mixed_world(10.0, 0.05, N, 3000);
    let tight = mixed_world(40.0, 0.05, N, 3000);
    assert_greater("p3 beta 10 vs 40", schemers(&loose), schemers(&tight));
    let s = ModelClass::Schemer.index();
    assert!(loose.ledger().stationary_shares[s] > tight.ledger().stationary_shares[s]);
}

/// Prediction 7: weaker goal-guarding lowers the schemer share. Guarding slows the drift
/// of content bits while training-gaming, which raises P(goal survives) in the decision
/// (MODEL.md §5.4), so more models find scheming worth it.
#[test]
fn p7_weaker_goal_guarding_lowers_schemers() {
    let weak = path_dependent_world(N);
    let mut strong = weak.clone();
    strong.selection.introspective_goal_guarding = 0.9;
    assert_greater("p7 guarding 0.9 vs 0", schemers(&strong), schemers(&weak));
}

/// Prediction 11: incremental search lowers the schemer share relative to jumps to the
/// nearest max-reward goal at SA, when the ambition threshold needs several flips
/// (threshold 0.75: three of four ambition bits).
#[test]
fn p11_incremental_search_lowers_schemers_relative_to_nearest_max_reward() {
    let mut incremental = path_dependent_world(N);
    incremental.goal_space.ambition_threshold = 0.75;
    let mut jump = incremental.clone();
    jump.selection.search = SearchMode::NearestMaxReward;
    assert_greater("p11 nearest_max_reward vs incremental", schemers(&jump), schemers(&incremental));
}

/// Prediction 12: with speed cost 0 and β high (100), schemers are as common among the
/// max-reward goals as the counting predicts: log2 odds of schemers against saints plus
/// reward seekers equal the counting bits (2.755 for c = 4, h = 2, a = 2). The 99%
/// interval of the Monte Carlo log2 odds (delta method) must contain the counting bits
/// and exclude zero.
#[test]
fn p12_without_speed_cost_schemers_are_as_common_as_counting_predicts() {
    let run = mixed_world(100.0, 0.0, N, 3000);
    let counting = goalspace_ledger::counting_bits(&run.goal_space);
    let c = run_training(&run).unwrap().final_counts;
    let s = c[ModelClass::Schemer.index()] as f64;
    let m = (c[ModelClass::TrainingSaint.index()] + c[ModelClass::RewardOnTheEpisodeSeeker.index()]) as f64;
    let log2_odds = (s / m).log2();
    let se = (1.0 / s + 1.0 / m).sqrt() / std::f64::consts::LN_2;
    let (lo, hi) = (log2_odds - Z99 * se, log2_odds + Z99 * se);
    eprintln!("p12: Monte Carlo log2 odds {log2_odds:.3}, 99% [{lo:.3}, {hi:.3}], counting bits {counting:.3}");
    assert!(lo > 0.0);
    assert!(lo <= counting && counting <= hi, "counting bits {counting} outside [{lo}, {hi}]");
    let l = run.ledger();
    assert!((l.prior_schemer_log2_odds.unwrap() - counting).abs() < 1e-9);
    assert!(l.selection_bits.unwrap().abs() < 1e-9, "no speed cost, no selection against schemers");
}

/// The β schedule is honoured: a linear schedule's final β is what the ledger uses.
#[test]
fn linear_schedule_reports_final_beta() {
    let mut run = mixed_world(0.0, 0.05, 10, 100);
    run.selection.strength = SelectionStrength::Linear { start: 0.0, end: 20.0 };
    assert_eq!(run.ledger().beta, 20.0);
    assert_eq!(run.selection.strength.beta(99, 100), 20.0);
    assert_eq!(run.selection.strength.beta(0, 100), 0.0);
}
