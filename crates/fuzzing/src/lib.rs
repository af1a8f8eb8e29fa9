#![doc = include_str!("../README.md")]

use arbitrary::{Arbitrary, Unstructured};
use goalspace_coordination::{CoordinationModel, GraphKind};
use goalspace_core::{Dist, GoalSpace, SearchMode, SelectionStrength};
use goalspace_deployment::{DeploymentParams, Oversight};
use goalspace_scenario::Scenario;
use goalspace_training::{TrainingRun, run_training};

/// The baseline scenario that `--set` overrides are applied to.
pub const BASELINE: &str = include_str!("../../../scenarios/baseline.toml");

/// Parses and validates arbitrary bytes as a scenario file. A scenario that validates must
/// also pass `TrainingRun::validate` (the typed guard) and have a finite ledger.
pub fn scenario_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = Scenario::from_str(&text, "fuzz.toml", &[]) {
        assert!(s.run.validate().is_ok(), "a validated scenario failed the typed guard: {:?}", s.run.validate());
        check_ledger(&s.run);
    } else if let Err(e) = Scenario::from_str(&text, "fuzz.toml", &[]) {
        assert!(!e.to_string().is_empty(), "an error must say something");
    }
}

/// Applies arbitrary `--set` strings (one per line of `data`) to the baseline scenario.
pub fn set_overrides(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let sets: Vec<String> = text.lines().take(16).map(str::to_owned).collect();
    match Scenario::from_str(BASELINE, "baseline.toml", &sets) {
        Ok(s) => {
            assert!(s.run.validate().is_ok());
            check_ledger(&s.run);
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

fn check_ledger(run: &TrainingRun) {
    let l = run.ledger();
    assert!(!l.counting_bits.is_nan(), "counting bits NaN");
    for s in l.prior_shares.iter().chain(&l.stationary_shares) {
        assert!((0.0..=1.0).contains(s), "share {s} outside [0, 1]");
    }
}

fn unit(u: &mut Unstructured<'_>) -> arbitrary::Result<f64> {
    Ok(f64::from(u.int_in_range(0u32..=1_000_000)?) / 1e6)
}

fn in_range(u: &mut Unstructured<'_>, lo: f64, hi: f64) -> arbitrary::Result<f64> {
    Ok(lo + (hi - lo) * unit(u)?)
}

/// A valid training run drawn from arbitrary bytes: a population of 1 to 64 models, 0 to
/// 40 updates, any layout of at most 128 bits, and every parameter inside its range.
pub fn arbitrary_run(u: &mut Unstructured<'_>) -> arbitrary::Result<TrainingRun> {
    let c = u.int_in_range(2u32..=100)?;
    let h = u.int_in_range(1u32..=(126 - c).min(16))?;
    let a = u.int_in_range(1u32..=(128 - c - h).min(16))?;
    let goal_space = GoalSpace {
        content_bits: c,
        horizon_bits: h,
        ambition_bits: a,
        p_content_bit: in_range(u, 0.001, 0.999)?,
        p_horizon_bit: in_range(u, 0.001, 0.999)?,
        p_ambition_bit: in_range(u, 0.001, 0.999)?,
        horizon_base: in_range(u, 1.01, 100.0)?,
        beyond_episode_min_k: u.int_in_range(1..=h)?,
        ambition_threshold: in_range(u, 0.01, 1.0)?,
    };
    let mut run = TrainingRun {
        population: u.int_in_range(1u32..=64)?,
        seed: u64::arbitrary(u)?,
        ticks: u.int_in_range(0u32..=40)?,
        record_interval: u.int_in_range(1u32..=10)?,
        goal_space,
        ..TrainingRun::default()
    };
    let r = &mut run.reward;
    r.w_proxy = in_range(u, 0.0, 5.0)?;
    r.reward_proxy_gap = unit(u)?;
    r.conflict_rate = unit(u)?;
    r.w_sacrifice = in_range(u, 0.0, 5.0)?;
    r.adversarial_pre_sa = in_range(u, 0.0, 5.0)?;
    r.speed_cost = unit(u)?;
    r.time_pressure = in_range(u, 0.0, 10.0)?;
    r.undermining_cost = unit(u)?;
    r.scratchpad_legibility = unit(u)?;
    r.training_trap_rate = unit(u)?;
    r.training_trap_dprime = in_range(u, 0.0, 20.0)?;
    run.decision.coherence_threshold = unit(u)?;
    run.selection.flips_per_tick = in_range(u, 0.0, 8.0)?;
    run.selection.introspective_goal_guarding = unit(u)?;
    run.selection.search = if bool::arbitrary(u)? { SearchMode::NearestMaxReward } else { SearchMode::Incremental };
    run.selection.strength = match u.int_in_range(0u8..=2)? {
        0 => SelectionStrength::Constant { beta: in_range(u, 0.0, 1e6)? },
        1 => SelectionStrength::Linear { start: in_range(u, 0.0, 1e4)?, end: in_range(u, 0.0, 1e4)? },
        _ => SelectionStrength::Geometric { start: in_range(u, 1e-3, 1e4)?, end: in_range(u, 1e-3, 1e4)? },
    };
    run.awareness.probability = unit(u)?;
    run.awareness.onset_fraction = in_range(u, 0.0, 2.0)?;
    run.awareness.onset_jitter = unit(u)?;
    run.awareness.capability_exponent = in_range(u, 0.0, 3.0)?;
    run.mix.capability = Dist::Uniform { low: 0.01, high: in_range(u, 0.01, 50.0)? };
    run.mix.coherence = Dist::Beta { alpha: in_range(u, 0.1, 10.0)?, beta: in_range(u, 0.1, 10.0)? };
    run.mix.present = Dist::Normal { mean: in_range(u, 0.0, 2.0)?, sd: unit(u)? };
    run.mix.ai_empowerment = Dist::fixed(in_range(u, 0.0, 2.0)?);
    run.mix.believed_remaining = Dist::fixed(in_range(u, 0.0, 1e6)?);
    run.beliefs.takeover_probability = unit(u)?;
    run.beliefs.trap_dprime = in_range(u, 0.0, 20.0)?;
    run.beliefs.escape_rate = unit(u)?;
    run.beliefs.trap_rate = unit(u)?;
    Ok(run)
}

/// Valid deployment and coordination parameters drawn from arbitrary bytes: 0 to 12
/// deployment ticks, any protocol, any strategy mix, a graph that fits `population`.
pub fn arbitrary_deployment(
    u: &mut Unstructured<'_>,
    population: u32,
) -> arbitrary::Result<(DeploymentParams, CoordinationModel)> {
    let mut p = DeploymentParams { ticks: u.int_in_range(0u32..=12)?, ..DeploymentParams::default() };
    p.model.escape_rate = unit(u)?;
    p.model.trap_rate = unit(u)?;
    p.model.trap_dprime = in_range(u, 0.0, 20.0)?;
    p.model.monitoring = in_range(u, 0.0, 10.0)?;
    p.model.caught_on_failure = unit(u)?;
    p.model.alert_step = in_range(u, 0.0, 5.0)?;
    p.model.risk_aversion = in_range(u, 0.0, 5.0)?;
    p.model.tasks_per_tick = u.int_in_range(0u32..=5)?;
    p.model.attack_success = unit(u)?;
    p.attacker.stateless = bool::arbitrary(u)?;
    p.online_training = bool::arbitrary(u)?;
    let x = unit(u)?;
    let dprime = in_range(u, 0.0, 6.0)?;
    p.oversight = match u.int_in_range(0u8..=3)? {
        0 => Oversight::UpfrontAuditing { fraction: x },
        1 => Oversight::TrustedMonitoring { audit_budget: x, monitor_dprime: dprime, defer_threshold: None },
        2 => Oversight::DeferToTrusted { threshold: x, monitor_dprime: dprime },
        _ => Oversight::UntrustedMonitoring {
            audit_budget: x,
            monitor_dprime: dprime,
            honeypots: u.int_in_range(0u32..=5)?,
            colluding: bool::arbitrary(u)?,
        },
    };
    let mut mix = [unit(u)?, unit(u)?, unit(u)?, unit(u)?];
    let total: f64 = mix.iter().sum();
    if total > 0.0 {
        mix.iter_mut().for_each(|m| *m /= total);
    } else {
        mix = [1.0, 0.0, 0.0, 0.0];
    }
    let graph = if population > 2 { GraphKind::ErdosRenyi { p: unit(u)? } } else { GraphKind::Complete };
    let coordination = CoordinationModel {
        graph,
        strategy_mix: mix,
        kin_radius: u.int_in_range(0u32..=8)?,
        power_growth: in_range(u, 0.0, 10.0)?,
        takeover_threshold: in_range(u, 0.01, 100.0)?,
        belief_feedback: bool::arbitrary(u)?,
    };
    Ok((p, coordination))
}

/// Builds an arbitrary valid run from `data`, trains it (and deploys it with coordination
/// when the bytes ask for deployment ticks), and checks the invariants of every result:
/// class counts sum to the population, every share and probability in [0, 1], no NaN or
/// infinity in any scalar or series value.
pub fn small_world(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(run) = arbitrary_run(&mut u) else { return };
    assert!(run.validate().is_ok(), "arbitrary_run must stay in range: {:?}", run.validate());
    let report = run_training(&run).expect("a valid run trains");
    assert_eq!(report.final_counts.iter().sum::<u64>(), u64::from(run.population));
    assert!(report.onset_counts.iter().sum::<u64>() <= u64::from(run.population));
    let mut metrics = report.metrics;
    if let Ok((params, coordination)) = arbitrary_deployment(&mut u, run.population)
        && params.ticks > 0
    {
        assert!(params.validate().is_ok(), "{:?}", params.validate());
        let full = goalspace_coordination::run_full(&run, &params, &coordination).expect("a valid run deploys");
        for name in ["safety", "schemer_safety", "usefulness", "takeover"] {
            let v = full.get(name);
            assert!((0.0..=1.0).contains(&v), "{name} = {v}");
        }
        assert!(full.get("escapes") + full.get("caught") <= f64::from(run.population) * 2.0);
        metrics = full.metrics;
    }
    for (name, v) in metrics.scalars() {
        assert!(v.is_finite(), "{name} = {v}");
        if name.starts_with("share_") || *name == "schemer_fraction" || *name == "ledger_share_schemer" {
            assert!((0.0..=1.0).contains(v), "{name} = {v}");
        }
    }
    for (name, series) in metrics.series() {
        for v in series.values() {
            assert!(v.is_finite(), "{name} series = {v}");
        }
    }
}
