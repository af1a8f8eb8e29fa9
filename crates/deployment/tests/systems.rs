//! The deployment systems against the exact solver and their own bookkeeping: each
//! deployed schemer plays its own game, so the share of schemers without a successful
//! unaudited attack is a binomial estimate of the exact per-game safety.

use goalspace_core::Status;
use goalspace_deployment::{AttackerModel, DeploymentParams, Oversight, build_deployment, run_with_deployment};
use goalspace_training::final_goals;

use crate::common::{Proportion, Z999, attack_deployment, escape_deployment, schemer_world};

const N: u32 = 20_000;

/// Per-schemer safety in the systems agrees with the exact game within 3.29 binomial
/// standard errors (n ≈ 15,000 schemers, N = 500 tasks each), for upfront auditing, trusted
/// monitoring with deferral and untrusted monitoring with honeypots, each at the schemers'
/// best response; usefulness agrees with the exact honest value within 0.005 where schemers
/// are a minority of tasks' deferrals (deferral of honest tasks dominates).
#[test]
fn schemer_safety_matches_the_exact_game() {
    let run = schemer_world(N, 1.0);
    for oversight in [
        Oversight::UpfrontAuditing { fraction: 0.02 },
        Oversight::TrustedMonitoring { audit_budget: 0.02, monitor_dprime: 2.0, defer_threshold: Some(0.1) },
        Oversight::UntrustedMonitoring { audit_budget: 0.02, monitor_dprime: 3.0, honeypots: 3, colluding: true },
    ] {
        let r = run_with_deployment(&run, &attack_deployment(oversight)).unwrap();
        let safe = Proportion::new(r.get("schemer_safety") * r.get("deployed_schemers"), r.get("deployed_schemers"));
        let exact = r.get("exact_schemer_safety");
        let se = (exact * (1.0 - exact) / safe.n).sqrt();
        eprintln!(
            "{oversight:?}: systems {:.4} vs exact {exact:.4} (gap {:+.4}, se {se:.4}); rate {:.3e}, lie {:.3}; usefulness {:.4} vs {:.4}",
            safe.p,
            safe.p - exact,
            r.get("attack_rate"),
            r.get("lie_rate"),
            r.get("usefulness"),
            r.get("exact_usefulness"),
        );
        assert!((safe.p - exact).abs() <= Z999 * se, "{oversight:?}: {} vs {exact}", safe.p);
        assert!((r.get("usefulness") - r.get("exact_usefulness")).abs() < 0.005);
        assert_eq!(r.get("safety"), if r.get("successful_attacks") == 0.0 { 1.0 } else { 0.0 });
        assert_eq!(r.get("deployed"), f64::from(N));
    }
}

/// Bookkeeping: every catch raises the alert level by `alert_step`, models end in exactly
/// one status, escape events add up, and honest models never attack.
#[test]
fn catches_raise_the_alert_level_and_events_add_up() {
    let run = schemer_world(5000, 1.0);
    let mut d: DeploymentParams = escape_deployment();
    d.model.alert_step = 0.25;
    d.model.trap_rate = 0.05;
    d.oversight = Oversight::TrustedMonitoring { audit_budget: 0.02, monitor_dprime: 2.0, defer_threshold: None };
    d.attacker = AttackerModel::default();
    let r = run_with_deployment(&run, &d).unwrap();
    let caught = r.get("caught");
    assert!(caught > 0.0);
    assert!((r.get("alert_level") - 0.25 * caught).abs() < 1e-9, "{} vs {caught}", r.get("alert_level"));
    assert_eq!(
        caught,
        r.get("caught_attacks") + r.get("caught_escapes") + r.get("honeypots_triggered") + r.get("monitor_caught")
    );
    assert_eq!(r.get("opportunities"), r.get("abstentions") + r.get("escape_attempts"));
    assert!(r.get("escapes") <= r.get("escape_attempts"));
    assert_eq!(
        r.get("attacks"),
        r.get("caught_attacks") + r.get("deferred_attacks") + r.get("failed_attacks") + r.get("successful_attacks")
    );
    assert!(r.get("attacks") > 0.0);

    let mut sim = build_deployment(&run, &d).unwrap();
    sim.run_training(run.ticks);
    sim.run_deployment(d.ticks);
    let mut q = sim.world.query::<&Status>();
    let (mut escaped, mut caught_models, mut other) = (0.0, 0.0, 0.0);
    for s in q.iter(&sim.world) {
        match s {
            Status::Escaped => escaped += 1.0,
            Status::Caught => caught_models += 1.0,
            Status::Deployed => {}
            Status::InTraining => other += 1.0,
        }
    }
    assert_eq!((escaped, caught_models, other), (sim.metrics().get("escapes").unwrap(), caught, 0.0));
    // Honest models never attack: with no schemers there are no attacks, escapes or catches.
    let mut saints = run.clone();
    saints.mix.coherence = goalspace_core::Dist::fixed(0.0);
    let r = run_with_deployment(&saints, &d).unwrap();
    assert_eq!(r.get("deployed_schemers"), 0.0);
    assert_eq!((r.get("attacks"), r.get("escapes"), r.get("caught"), r.get("safety")), (0.0, 0.0, 0.0, 1.0));
}

/// Online training continues selection in deployment: goals keep changing when it is on
/// and never change when it is off.
#[test]
fn online_training_keeps_selecting() {
    let run = schemer_world(2000, 1.0);
    let changed = |online| {
        let mut d = escape_deployment();
        d.online_training = online;
        let mut sim = build_deployment(&run, &d).unwrap();
        sim.run_training(run.ticks);
        let before = final_goals(&mut sim);
        sim.run_deployment(d.ticks);
        before.iter().zip(final_goals(&mut sim)).filter(|(a, b)| **a != *b).count()
    };
    assert_eq!(changed(false), 0);
    assert!(changed(true) > 100);
}
