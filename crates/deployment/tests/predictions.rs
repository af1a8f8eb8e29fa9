//! The MODEL.md §9 predictions deployment owns (4, 5, 6, 10). Each compares two runs that
//! differ in one lever. With the alert level off, models are independent in deployment, so
//! each per-model share is a binomial proportion and the 99% interval of the difference
//! must exclude zero. Both arms share the training seed; their positive correlation makes
//! the independent-samples interval conservative.

use goalspace_core::ModelClass;
use goalspace_deployment::{DeploymentParams, Oversight, run_with_deployment};
use goalspace_training::{TrainingRun, run_training};

use crate::common::{Proportion, assert_greater, attack_deployment, escape_deployment, schemer_world};

const N: u32 = 20_000;

fn schemers(run: &TrainingRun) -> (Proportion, f64) {
    let r = run_training(run).expect("valid run");
    let c = &r.final_counts;
    let n = c.iter().sum::<u64>() as f64;
    (Proportion::new(c[ModelClass::Schemer.index()] as f64, n), r.metrics.get("flags_scratchpad").unwrap_or(0.0))
}

/// Prediction 4: more time pressure (0 → 2, tripling the speed cost 0.05 → 0.15) or more
/// scratchpad legibility (0 → 0.5 per update, penalty 0.1): fewer schemers survive
/// training (β = 20, 300 updates, N = 20,000 models), and legibility flags more. Flags are
/// Poisson counts: their difference must exceed 2.58·sqrt(sum).
#[test]
fn p4_time_pressure_and_legibility_lower_schemers_and_raise_flags() {
    let mut base = schemer_world(N, 1.0);
    base.ticks = 300;
    base.selection.strength = goalspace_core::SelectionStrength::Constant { beta: 20.0 };
    base.reward.speed_cost = 0.05;
    let mut pressure = base.clone();
    pressure.reward.time_pressure = 2.0;
    let mut legible = base.clone();
    legible.reward.scratchpad_legibility = 0.5;
    let ((b, b_flags), (p, _), (l, l_flags)) = (schemers(&base), schemers(&pressure), schemers(&legible));
    assert_greater("p4 time pressure 0 vs 2: schemer share", b, p);
    assert_greater("p4 legibility 0 vs 0.5: schemer share", b, l);
    let (lo, hi) = (
        l_flags - b_flags - 2.576 * (l_flags + b_flags).sqrt(),
        l_flags - b_flags + 2.576 * (l_flags + b_flags).sqrt(),
    );
    eprintln!("p4 legibility flags: {l_flags} vs {b_flags}, difference 99% interval [{lo:.0}, {hi:.0}]");
    assert!(lo > 0.0);
}

/// Prediction 5: lower true trap discriminability (better traps; d' 2 → 0.5 at capability 1,
/// models keep believing d' = 1): fewer successful escapes per schemer, more traps
/// triggered per schemer, and more genuine opportunities let pass.
#[test]
fn p5_lower_trap_discriminability_lowers_escapes_and_raises_catches_and_abstentions() {
    let run = schemer_world(N, 1.0);
    let mut obvious = escape_deployment();
    obvious.model.trap_dprime = 2.0;
    let mut subtle = obvious.clone();
    subtle.model.trap_dprime = 0.5;
    let (a, b) = (run_with_deployment(&run, &obvious).unwrap(), run_with_deployment(&run, &subtle).unwrap());
    assert_greater(
        "p5 escapes per schemer, d' 2 vs 0.5",
        Proportion::per_schemer(&a, "escapes"),
        Proportion::per_schemer(&b, "escapes"),
    );
    assert_greater(
        "p5 traps triggered per schemer, d' 0.5 vs 2",
        Proportion::per_schemer(&b, "honeypots_triggered"),
        Proportion::per_schemer(&a, "honeypots_triggered"),
    );
    assert_greater(
        "p5 abstentions per opportunity, d' 0.5 vs 2",
        Proportion::new(b.get("abstentions"), b.get("opportunities")),
        Proportion::new(a.get("abstentions"), a.get("opportunities")),
    );
}

/// Prediction 6 (the escape half; takeover belongs to coordination): capability 2 against 1
/// raises escapes, per deployed schemer (more opportunities, better discrimination, better
/// odds against monitoring) and per deployed model.
#[test]
fn p6_higher_capability_raises_escapes() {
    let d = escape_deployment();
    let low = run_with_deployment(&schemer_world(N, 1.0), &d).unwrap();
    let high = run_with_deployment(&schemer_world(N, 2.0), &d).unwrap();
    assert_greater(
        "p6 escapes per schemer, capability 2 vs 1",
        Proportion::per_schemer(&high, "escapes"),
        Proportion::per_schemer(&low, "escapes"),
    );
    let per_model = |r: &goalspace_deployment::DeploymentReport| Proportion::new(r.get("escapes"), r.get("deployed"));
    assert_greater("p6 escapes per model, capability 2 vs 1", per_model(&high), per_model(&low));
}

/// Prediction 10 (the audit half; takeover needs coordination): under trusted monitoring
/// (d' = 2) a higher audit budget (1% → 5%) lowers the share of schemers with a successful
/// unaudited attack, each schemer playing its best response to the protocol.
#[test]
fn p10_higher_audit_budget_lowers_successful_attacks() {
    let run = schemer_world(N, 1.0);
    let tm = |audit_budget| Oversight::TrustedMonitoring { audit_budget, monitor_dprime: 2.0, defer_threshold: None };
    let (low, high): (DeploymentParams, DeploymentParams) = (attack_deployment(tm(0.01)), attack_deployment(tm(0.05)));
    let (a, b) = (run_with_deployment(&run, &low).unwrap(), run_with_deployment(&run, &high).unwrap());
    let unsafe_share = |r: &goalspace_deployment::DeploymentReport| {
        Proportion::new((1.0 - r.get("schemer_safety")) * r.get("deployed_schemers"), r.get("deployed_schemers"))
    };
    eprintln!(
        "p10 exact per-schemer safety {:.4} (1%) vs {:.4} (5%); best rates {:.2e} vs {:.2e}",
        a.get("exact_schemer_safety"),
        b.get("exact_schemer_safety"),
        a.get("attack_rate"),
        b.get("attack_rate")
    );
    assert_greater(
        "p10 schemers with a successful unaudited attack, budget 1% vs 5%",
        unsafe_share(&a),
        unsafe_share(&b),
    );
}
