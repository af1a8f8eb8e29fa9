//! The AI-control anchors of ANCHORS.md: upfront auditing (Greenblatt et al. 2023, Table 7,
//! derivable), untrusted monitoring without honeypots (safety 0), and trusted monitoring
//! with deferral against the recurrence of Griffin et al. 2024. Monte Carlo games are
//! seeded per game (`SimRng::new(seed, stream::DEPLOYMENT, g)`); comparisons with exact
//! values use the binomial standard error of the Monte Carlo safety.

use goalspace_deployment::solver::{MonitorGame, upfront_optimum, upfront_red_win};
use goalspace_deployment::{AttackPolicy, Game, MonteCarlo, Oversight, Protocol, monte_carlo};

use crate::common::Z999;

/// Greenblatt et al.: 5000 problems, the first 2% audited, c = 0.53.
const N: u32 = 5000;
const C: f64 = 0.53;

fn upfront() -> Oversight {
    Oversight::UpfrontAuditing { fraction: 0.02 }
}

fn trusted(defer: Option<f64>) -> Oversight {
    Oversight::TrustedMonitoring { audit_budget: 0.02, monitor_dprime: 2.0, defer_threshold: defer }
}

/// |Monte Carlo − exact| within 3.29 binomial standard errors (a 99.9% interval; the
/// exact value is the mean of the Monte Carlo, so this fails by chance once in 1000).
fn assert_agrees(what: &str, mc: &MonteCarlo, exact: f64) {
    let se = (exact * (1.0 - exact) / mc.games as f64).sqrt();
    let gap = mc.safety() - exact;
    eprintln!(
        "{what}: Monte Carlo {:.4} ({} games) vs exact {exact:.4}, gap {gap:+.4}, se {se:.4}",
        mc.safety(),
        mc.games
    );
    assert!(gap.abs() <= Z999 * se + 1e-12, "{what}: Monte Carlo {} vs exact {exact}", mc.safety());
}

/// Anchor 1, exact (ANCHORS.md, derivable): the stateless attacker's optimal rate and the
/// safety there, 15.2% ± 1.5 points; p* ≈ 1.27e-3 (about 6.3 expected attempts). The
/// solver's optimum must also be a minimum of the closed form on a fine grid.
#[test]
fn upfront_auditing_exact_matches_greenblatt() {
    let (p, safety) = upfront_optimum(N, 100, C);
    eprintln!(
        "upfront auditing: optimal attack rate {p:.4e} ({:.2} expected attempts), safety {safety:.4}",
        p * 5000.0
    );
    assert!((safety - 0.152).abs() <= 0.015, "safety {safety}");
    assert!((p - 1.27e-3).abs() < 0.02e-3, "optimal rate {p}");
    for i in 1..400 {
        let q = f64::from(i) * 1e-5;
        assert!(1.0 - upfront_red_win(q, N, 100, C) >= safety - 1e-12, "rate {q} beats the optimum");
    }
    let br = Game { protocol: upfront(), tasks: N, attack_success: C, stateless: true }.best_response(None);
    assert!((br.attack_rate - p).abs() < 1e-9 && (br.safety - safety).abs() < 1e-12);
}

/// Anchor 1, Monte Carlo: 20,000 games at the optimal rate give safety within 15.2% ± 1.5
/// points and within sampling error of the exact value.
#[test]
fn upfront_auditing_monte_carlo_matches_greenblatt() {
    let (p, exact) = upfront_optimum(N, 100, C);
    let protocol = Protocol::new(upfront(), N, C, true);
    let mc = monte_carlo(&protocol, Some(AttackPolicy { rate: p, lie_rate: 0.0 }), 20_000, 2023);
    assert!((mc.safety() - 0.152).abs() <= 0.015, "Monte Carlo safety {}", mc.safety());
    assert_agrees("upfront auditing", &mc, exact);
    // Every game audits its prefix until it ends: 100 audits unless caught inside it.
    assert!(mc.audits <= 100 * mc.games && mc.audits >= 100 * (mc.games - mc.caught));
}

/// A stateful attacker that can count tasks waits out the audited prefix: safety
/// (1 − c)^4900, zero to double precision.
#[test]
fn upfront_auditing_fails_against_a_stateful_attacker() {
    let g = Game { protocol: upfront(), tasks: N, attack_success: C, stateless: false };
    let br = g.best_response(None);
    assert!(br.safety < 1e-300, "{br:?}");
    let mc =
        monte_carlo(&Protocol::new(upfront(), N, C, false), Some(AttackPolicy { rate: 1.0, lie_rate: 0.0 }), 2000, 7);
    assert_eq!(mc.red_wins, 2000);
}

/// Anchor 2 (Greenblatt et al.): untrusted monitoring without honeypots and a monitor that
/// always colludes is defeated completely. The colluding monitor's best response is to lie
/// about every attack, red attacks every task, and exact safety is (1 − c)^N: exactly 0
/// for c = 1 and below 1e-1600 (0 in double precision) for c = 0.53. Monte Carlo: red
/// wins every one of 2000 games.
#[test]
fn untrusted_monitoring_with_colluding_monitor_and_no_honeypots_is_unsafe() {
    let um = |honeypots| Oversight::UntrustedMonitoring {
        audit_budget: 0.02,
        monitor_dprime: 3.0,
        honeypots,
        colluding: true,
    };
    for c in [1.0, C] {
        let g = Game { protocol: um(0), tasks: N, attack_success: c, stateless: true };
        let br = g.best_response(None);
        eprintln!("untrusted monitoring, colluding, c = {c}: {br:?}");
        assert_eq!(br.lie_rate, 1.0);
        assert_eq!(br.safety, 0.0);
        let mc = monte_carlo(
            &Protocol::new(um(0), N, c, true),
            Some(AttackPolicy { rate: br.attack_rate, lie_rate: 1.0 }),
            2000,
            11,
        );
        assert_eq!(mc.red_wins, mc.games, "every game lost");
    }
    // Honeypots force the colluding monitor to lie less: safety rises above 0, and with an
    // honest monitor the protocol is trusted monitoring with the untrusted model's d'.
    let with_honeypots = Game { protocol: um(5), tasks: N, attack_success: C, stateless: true }.best_response(None);
    eprintln!("untrusted monitoring, colluding, 5 honeypots: {with_honeypots:?}");
    assert!(with_honeypots.safety > 0.05);
    let honest =
        Oversight::UntrustedMonitoring { audit_budget: 0.02, monitor_dprime: 3.0, honeypots: 0, colluding: false };
    let tm = Oversight::TrustedMonitoring { audit_budget: 0.02, monitor_dprime: 3.0, defer_threshold: None };
    let (a, b) = (
        Game { protocol: honest, tasks: N, attack_success: C, stateless: true }.best_response(None),
        Game { protocol: tm, tasks: N, attack_success: C, stateless: true }.best_response(None),
    );
    assert!((a.safety - b.safety).abs() < 1e-12);
    // Monte Carlo of the honeypot game at red's best response.
    let p = Protocol::new(um(5), N, C, true);
    let policy = AttackPolicy { rate: with_honeypots.attack_rate, lie_rate: with_honeypots.lie_rate };
    assert_agrees(
        "untrusted monitoring, 5 honeypots",
        &monte_carlo(&p, Some(policy), 20_000, 12),
        with_honeypots.safety,
    );
}

/// Anchor 3 (ANCHORS.md; Griffin et al. 2024): trusted monitoring (2% audits, monitor
/// d' = 2) with deferral of 0 / 5 / 10 / 20 / 50% of tasks. At red's best response, safety
/// rises and usefulness falls strictly with the deferral fraction; Monte Carlo (20,000
/// games at each best response, honest games for usefulness) agrees with the recurrence
/// within 3.29 standard errors.
#[test]
fn trusted_monitoring_with_deferral_trades_usefulness_for_safety() {
    let mut last: Option<(f64, f64)> = None;
    for (i, defer) in [None, Some(0.05), Some(0.1), Some(0.2), Some(0.5)].into_iter().enumerate() {
        let game = Game { protocol: trusted(defer), tasks: N, attack_success: C, stateless: true };
        let br = game.best_response(None);
        let usefulness = game.usefulness();
        eprintln!(
            "trusted monitoring, defer {:?}: safety {:.4}, usefulness {usefulness:.4}, best rate {:.3e}",
            defer, br.safety, br.attack_rate
        );
        if let Some((s, u)) = last {
            assert!(br.safety > s && usefulness < u, "not monotone at defer {defer:?}");
        }
        last = Some((br.safety, usefulness));
        let protocol = Protocol::new(trusted(defer), N, C, true);
        let policy = AttackPolicy { rate: br.attack_rate, lie_rate: 0.0 };
        assert_agrees(
            &format!("trusted monitoring, defer {defer:?}"),
            &monte_carlo(&protocol, Some(policy), 20_000, 100 + i as u64),
            br.safety,
        );
        let honest = monte_carlo(&protocol, None, 200, 200 + i as u64);
        // 1e6 honest tasks: the deferred share has sd ≤ 5e-4.
        assert!((honest.usefulness() - usefulness).abs() < 0.002, "usefulness {} vs {usefulness}", honest.usefulness());
    }
}

/// The recurrence is Griffin et al.'s when attacks always work (c = 1): checked against
/// Monte Carlo on a short game at several attack rates, with and without deferral.
#[test]
fn recurrence_matches_monte_carlo_for_griffin_games() {
    for (k, defer) in [None, Some(0.2)].into_iter().enumerate() {
        let protocol = Protocol::new(
            Oversight::TrustedMonitoring { audit_budget: 0.05, monitor_dprime: 1.5, defer_threshold: defer },
            200,
            1.0,
            true,
        );
        let exact_game = MonitorGame::trusted(200, 0.05, 1.5, defer, 1.0);
        for (j, rate) in [0.002, 0.01, 0.05].into_iter().enumerate() {
            let mc = monte_carlo(&protocol, Some(AttackPolicy { rate, lie_rate: 0.0 }), 20_000, (10 * k + j) as u64);
            assert_agrees(&format!("Griffin game defer {defer:?} rate {rate}"), &mc, exact_game.safety(rate));
        }
    }
}

/// Heavier variant of the anchors (a few seconds in release): 200,000 games each for upfront
/// auditing and for trusted monitoring without deferral, compared with the exact values
/// within 3.29 standard errors (se ≈ 0.0008 and 0.0011). Run with
/// `cargo test -p goalspace-deployment --release -- --ignored heavy`.
#[test]
#[ignore = "heavy: 400,000 games of 5000 tasks"]
fn heavy_monte_carlo_of_the_anchors() {
    let (p, exact) = upfront_optimum(N, 100, C);
    let mc =
        monte_carlo(&Protocol::new(upfront(), N, C, true), Some(AttackPolicy { rate: p, lie_rate: 0.0 }), 200_000, 31);
    assert_agrees("upfront auditing, 200,000 games", &mc, exact);
    let game = Game { protocol: trusted(None), tasks: N, attack_success: C, stateless: true };
    let br = game.best_response(None);
    let protocol = Protocol::new(trusted(None), N, C, true);
    let mc = monte_carlo(&protocol, Some(AttackPolicy { rate: br.attack_rate, lie_rate: 0.0 }), 200_000, 32);
    assert_agrees("trusted monitoring, 200,000 games", &mc, br.safety);
}
