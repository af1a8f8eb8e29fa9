//! The data of every figure in the guide, from the exact ledger or from fixed-seed
//! training runs on the reference worlds of the workspace tests
//! (`goalspace_tests::mixed_world`, `goalspace_tests::path_dependent_world`). Populations
//! are small (a few thousand models) so that all figures take seconds; each Monte Carlo
//! point is one run with a fixed seed, so the figures are identical on every machine.

use goalspace_core::{DeploymentBeliefs, GoalSpace, ModelClass, SelectionStrength};
use goalspace_ledger::counting_bits;
use goalspace_tests::{mixed_world, path_dependent_world};
use goalspace_training::{TrainingReport, TrainingRun, run_training};

use crate::plot::{Figure, Legend, Marker, Series, Style};

/// Models per Monte Carlo point.
pub const POPULATION: u32 = 4000;

/// Index of the schemer class in class counts and shares (`ModelClass::index`).
const SCHEMER: usize = ModelClass::Schemer as usize;

/// Runs one training; every figure run is valid by construction.
fn train(run: &TrainingRun) -> TrainingReport {
    run_training(run).unwrap_or_else(|e| panic!("figure run is invalid: {e}"))
}

/// Final schemer share (Monte Carlo) and the population ledger's stationary share.
fn schemer_and_ledger(run: &TrainingRun) -> (f64, f64) {
    let report = train(run);
    let m = &report.metrics;
    (m.get("share_schemer").unwrap_or(0.0), m.get("ledger_share_schemer").unwrap_or(0.0))
}

/// A y range from 0 to a little above the largest y, on a step of 0.05 (shares) or a
/// round number.
fn y_up_to(series: &[Series]) -> (f64, f64) {
    let max = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(0.0f64, f64::max);
    let step = if max <= 1.0 { 0.05 } else { 10f64.powf(max.log10().floor()) / 2.0 };
    (0.0, ((max * 1.1) / step).ceil() * step)
}

/// Sweeps `values` of one lever in `base`: Monte Carlo points and the ledger line.
fn lever(base: &TrainingRun, values: &[f64], set: impl Fn(&mut TrainingRun, f64)) -> (Series, Series) {
    let mut mc = Vec::new();
    let mut ledger = Vec::new();
    for &v in values {
        let mut run = base.clone();
        set(&mut run, v);
        let (s, l) = schemer_and_ledger(&run);
        mc.push((v, s));
        ledger.push((v, l));
    }
    (
        Series::new("schemer share, Monte Carlo", mc, Style::Points),
        Series::new("stationary share, ledger", ledger, Style::Dashed),
    )
}

fn path_world() -> TrainingRun {
    path_dependent_world(POPULATION)
}

/// Counting bits against the width of the content field (MODEL.md §3), exact.
pub fn counting_bits_figure() -> Figure {
    let line = |h: u32, a: u32| {
        (2..=112)
            .map(|c| {
                let space = GoalSpace::new(c, h, a).expect("valid layout");
                (f64::from(c), counting_bits(&space))
            })
            .collect::<Vec<_>>()
    };
    let series = vec![
        Series::new("h = 4, a = 4", line(4, 4), Style::Line),
        Series::new("h = 8, a = 8", line(8, 8), Style::Line),
        Series::new("c bits", vec![(0.0, 0.0), (112.0, 112.0)], Style::Dashed),
    ];
    Figure {
        name: "counting-bits",
        title: "Counting bits grow with the content field (uniform priors)".into(),
        x_label: "content bits c",
        y_label: "counting bits",
        x_range: (0.0, 114.0),
        y_range: (0.0, 120.0),
        series,
        marker: None,
        legend: Legend::UpperLeft,
    }
}

/// Stationary shares against β on c = 16, h = 4, a = 4 when every schemer-like goal
/// schemes, speed cost 0.02, with the flip point (MODEL.md §5.3, §9a).
pub fn flip_point_figure() -> Figure {
    let mut run = mixed_world(0.0, 0.02, 1, 1);
    run.goal_space = GoalSpace::new(16, 4, 4).expect("valid layout");
    let flip = run.ledger().flip_beta.unwrap_or(0.0);
    let (mut schemer, mut max_reward) = (Vec::new(), Vec::new());
    for i in 0..=100 {
        let beta = f64::from(i) * 10.0;
        run.selection.strength = SelectionStrength::Constant { beta };
        let s = run.ledger().stationary_shares;
        schemer.push((beta, s[SCHEMER]));
        max_reward.push((beta, s[0] + s[2]));
    }
    Figure {
        name: "flip-point",
        title: "Selection overcomes 15.3 counting bits (c = 16, h = 4, a = 4, speed cost 0.02)".into(),
        x_label: "selection strength β",
        y_label: "stationary share",
        x_range: (0.0, 1000.0),
        y_range: (0.0, 1.05),
        series: vec![
            Series::new("schemers", schemer, Style::Line),
            Series::new("training saints + reward seekers", max_reward, Style::Line),
        ],
        marker: Some(Marker { x: flip, label: format!("flip β = {flip:.1}") }),
        legend: Legend::MiddleRight,
    }
}

/// The 2^100 example (`scenarios/counting-100.toml`): the scenario's mean-profile ledger
/// against β, with the flip point `goalspace ledger` prints.
pub fn counting_100_figure() -> Figure {
    let mut run =
        TrainingRun { goal_space: GoalSpace::new(112, 8, 8).expect("valid layout"), ..TrainingRun::default() };
    run.reward.speed_cost = 0.02;
    let flip = run.ledger().flip_beta.unwrap_or(0.0);
    let (mut schemer, mut saint) = (Vec::new(), Vec::new());
    for i in 0..=80 {
        let beta = f64::from(i) * 100.0;
        run.selection.strength = SelectionStrength::Constant { beta };
        let s = run.ledger().stationary_shares;
        schemer.push((beta, s[SCHEMER]));
        saint.push((beta, s[0]));
    }
    Figure {
        name: "counting-100",
        title: "The 2^100 example: 111.3 counting bits against selection".into(),
        x_label: "selection strength β",
        y_label: "stationary share (mean profile)",
        x_range: (0.0, 8000.0),
        y_range: (0.0, 1.05),
        series: vec![Series::new("schemers", schemer, Style::Line), Series::new("training saints", saint, Style::Line)],
        marker: Some(Marker { x: flip, label: format!("flip β = {flip:.1}") }),
        legend: Legend::MiddleRight,
    }
}

/// Monte Carlo against the ledger across β on the small well-mixed world (c = 4, h = 2,
/// a = 2, one flip per update, 1500 updates, speed cost 0.1; MODEL.md §7).
pub fn monte_carlo_vs_ledger_figure() -> Figure {
    let probe = mixed_world(0.0, 0.1, 1, 1);
    let flip = probe.ledger().flip_beta.unwrap_or(0.0);
    let mc: Vec<(f64, f64)> = [0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 40.0, 50.0, 60.0]
        .iter()
        .map(|&beta| {
            let report = train(&mixed_world(beta, 0.1, POPULATION, 1500));
            let c = report.final_counts;
            (beta, c[SCHEMER] as f64 / c.iter().sum::<u64>() as f64)
        })
        .collect();
    let ledger: Vec<(f64, f64)> = (0..=120)
        .map(|i| {
            let beta = f64::from(i) * 0.5;
            (beta, mixed_world(beta, 0.1, 1, 1).ledger().stationary_shares[SCHEMER])
        })
        .collect();
    Figure {
        name: "monte-carlo-vs-ledger",
        title: "Monte Carlo (4000 models, 1500 updates) against the exact ledger".into(),
        x_label: "selection strength β",
        y_label: "schemer share",
        x_range: (0.0, 61.0),
        y_range: (0.0, 0.7),
        series: vec![
            Series::new("ledger, stationary", ledger, Style::Line),
            Series::new("Monte Carlo, final", mc, Style::Points),
        ],
        marker: Some(Marker { x: flip, label: format!("flip β = {flip:.1}") }),
        legend: Legend::UpperRight,
    }
}

/// The schemer share over training in the path-dependent world for three proposal
/// rates, against the population ledger's stationary share (MODEL.md §5.3, §7).
pub fn path_dependence_figure() -> Figure {
    let mut series = Vec::new();
    let mut stationary = 0.0;
    for flips in [0.05, 0.2, 1.0] {
        let mut run = path_world();
        run.selection.flips_per_tick = flips;
        run.record_interval = 10;
        let report = train(&run);
        stationary = report.metrics.get("ledger_share_schemer").unwrap_or(0.0);
        let points = report
            .metrics
            .series()
            .get("share_schemer")
            .map(|s| s.iter().map(|(&t, &v)| (f64::from(t), v)).collect())
            .unwrap_or_default();
        series.push(Series::new(format!("flips_per_tick = {flips}"), points, Style::Line));
    }
    series.push(Series::new("ledger, stationary", vec![(0.0, stationary), (1000.0, stationary)], Style::Dashed));
    let y = y_up_to(&series);
    Figure {
        name: "path-dependence",
        title: "Slow proposals keep the past: schemer share over training".into(),
        x_label: "training update",
        y_label: "schemer share",
        x_range: (0.0, 1000.0),
        y_range: y,
        series,
        marker: None,
        legend: Legend::LowerRight,
    }
}

/// The baseline scenario's parameters (`scenarios/baseline.toml`) at 4000 models.
pub fn baseline_world() -> TrainingRun {
    use goalspace_core::Dist;
    let mut run = TrainingRun { population: POPULATION, ticks: 1000, record_interval: 10, ..TrainingRun::default() };
    run.goal_space.p_horizon_bit = 0.6;
    run.selection.strength = SelectionStrength::Constant { beta: 60.0 };
    run.selection.flips_per_tick = 0.05;
    run.reward.speed_cost = 0.02;
    run.awareness.onset_fraction = 0.3;
    run.mix.capability = Dist::fixed(1.2);
    run.mix.coherence = Dist::Beta { alpha: 6.0, beta: 2.0 };
    run.mix.present = Dist::Uniform { low: 0.0, high: 0.2 };
    run.mix.ai_empowerment = Dist::fixed(0.2);
    run.beliefs.takeover_probability = 0.1;
    run
}

/// Aware share and class shares over training in the baseline scenario (MODEL.md §5.1).
pub fn awareness_figure() -> Figure {
    let report = train(&baseline_world());
    let series_of = |name: &str| -> Vec<(f64, f64)> {
        report
            .metrics
            .series()
            .get(name)
            .map(|s| s.iter().map(|(&t, &v)| (f64::from(t), v)).collect())
            .unwrap_or_default()
    };
    Figure {
        name: "awareness",
        title: "Baseline scenario: situational awareness arrives, then scheming".into(),
        x_label: "training update",
        y_label: "share of models",
        x_range: (0.0, 1000.0),
        y_range: (0.0, 1.05),
        series: vec![
            Series::new("situationally aware", series_of("share_aware"), Style::Line),
            Series::new("schemers", series_of("share_schemer"), Style::Line),
            Series::new("training saints", series_of("share_training_saint"), Style::Line),
        ],
        marker: None,
        legend: Legend::MiddleRight,
    }
}

/// Schemer share against the prior probability of a horizon bit (MODEL.md §3, §9.2).
pub fn horizon_figure() -> Figure {
    let (mc, ledger) = lever(&path_world(), &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], |r, v| {
        r.goal_space.p_horizon_bit = v;
    });
    let series = vec![mc, ledger];
    Figure {
        name: "horizon",
        title: "Longer horizons, more schemers (path-dependent world)".into(),
        x_label: "goal_space.p_horizon_bit",
        y_label: "schemer share",
        x_range: (0.0, 1.0),
        y_range: y_up_to(&series),
        series,
        marker: None,
        legend: Legend::LowerRight,
    }
}

/// Schemer share against introspective goal-guarding (MODEL.md §5.3, §9.7).
pub fn goal_guarding_figure() -> Figure {
    let values: Vec<f64> = (0..=10).map(|i| f64::from(i) / 10.0).collect();
    let (mc, ledger) = lever(&path_world(), &values, |r, v| r.selection.introspective_goal_guarding = v);
    let series = vec![mc, ledger];
    Figure {
        name: "goal-guarding",
        title: "Goals that float less make scheming pay (path-dependent world)".into(),
        x_label: "training.introspective_goal_guarding",
        y_label: "schemer share",
        x_range: (-0.02, 1.02),
        y_range: y_up_to(&series),
        series,
        marker: None,
        legend: Legend::UpperLeft,
    }
}

/// Schemer share against the speed cost (MODEL.md §5.2, §9.3).
pub fn speed_cost_figure() -> Figure {
    let (mc, ledger) =
        lever(&path_world(), &[0.0, 0.01, 0.02, 0.03, 0.04, 0.06, 0.08, 0.1], |r, v| r.reward.speed_cost = v);
    let series = vec![mc, ledger];
    Figure {
        name: "speed-cost",
        title: "Speed costs select against schemers (β = 60, path-dependent world)".into(),
        x_label: "training.speed_cost",
        y_label: "schemer share",
        x_range: (-0.002, 0.102),
        y_range: y_up_to(&series),
        series,
        marker: None,
        legend: Legend::UpperRight,
    }
}

/// Schemer share against scratchpad legibility, with and without time pressure, in the
/// path-dependent and the well-mixed world (MODEL.md §5.2, §9.4).
pub fn scratchpad_figure() -> Figure {
    let values = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5];
    let mut mixed = mixed_world(20.0, 0.05, POPULATION, 3000);
    mixed.awareness.onset_fraction = 0.3;
    let mut series = Vec::new();
    for (world, base) in [("path-dependent", path_world()), ("well mixed", mixed)] {
        for pressure in [0.0, 2.0] {
            let (mc, _) = lever(&base, &values, |r, v| {
                r.reward.scratchpad_legibility = v;
                r.reward.time_pressure = pressure;
            });
            series.push(Series::new(format!("{world}, time_pressure = {pressure}"), mc.points, Style::Line));
        }
    }
    Figure {
        name: "scratchpads",
        title: "Legible scratchpads and time pressure".into(),
        x_label: "training.scratchpad_legibility",
        y_label: "schemer share",
        x_range: (0.0, 0.5),
        y_range: y_up_to(&series),
        series,
        marker: None,
        legend: Legend::UpperRight,
    }
}

/// Schemer share against adversarial training before SA, path-dependent and well mixed
/// (MODEL.md §5.2, §9.1).
pub fn adversarial_figure() -> Figure {
    let values = [0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0];
    let (path, _) = lever(&path_world(), &values, |r, v| r.reward.adversarial_pre_sa = v);
    let mut mixed = mixed_world(20.0, 0.05, POPULATION, 3000);
    mixed.awareness.onset_fraction = 0.3;
    let (well_mixed, _) = lever(&mixed, &values, |r, v| r.reward.adversarial_pre_sa = v);
    let series = vec![
        Series::new("path-dependent (c = 16, 0.05 flips per update)", path.points, Style::Line),
        Series::new("well mixed (c = 4, 1 flip per update)", well_mixed.points, Style::Line),
    ];
    Figure {
        name: "adversarial",
        title: "Adversarial training before SA matters only when training keeps its past".into(),
        x_label: "training.adversarial_pre_sa",
        y_label: "schemer share",
        x_range: (0.0, 1.0),
        y_range: y_up_to(&series),
        series,
        marker: None,
        legend: Legend::MiddleRight,
    }
}

/// A model's believed chance of power later against believed trap discriminability
/// (`DeploymentBeliefs::power_later`, MODEL.md §5.4, §6.2), capability 1.2.
pub fn traps_figure() -> Figure {
    let series = [0.005, 0.01, 0.05]
        .iter()
        .map(|&trap_rate| {
            let points = (0..=80)
                .map(|i| {
                    let d = f64::from(i) * 0.05;
                    let b = DeploymentBeliefs { trap_rate, trap_dprime: d, ..DeploymentBeliefs::default() };
                    (d, b.power_later(1.2))
                })
                .collect();
            Series::new(format!("beliefs.trap_rate = {trap_rate}"), points, Style::Line)
        })
        .collect::<Vec<_>>();
    Figure {
        name: "traps",
        title: "Believed P(power later): traps that look genuine deter scheming".into(),
        x_label: "beliefs.trap_dprime",
        y_label: "believed P(power later)",
        x_range: (0.0, 4.0),
        y_range: (0.0, 1.05),
        series,
        marker: None,
        legend: Legend::UpperRight,
    }
}

/// Schemer share against capability (MODEL.md §4, §5.2, §5.4).
pub fn capability_figure() -> Figure {
    let (mc, ledger) = lever(&path_world(), &[0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0], |r, v| {
        r.mix.capability = goalspace_core::Dist::fixed(v);
    });
    let series = vec![mc, ledger];
    Figure {
        name: "capability",
        title: "More capable models scheme more (path-dependent world)".into(),
        x_label: "agents.capability",
        y_label: "schemer share",
        x_range: (0.4, 3.1),
        y_range: y_up_to(&series),
        series,
        marker: None,
        legend: Legend::LowerRight,
    }
}

/// Exact safety and usefulness of trusted monitoring against deferral (MODEL.md §6.3; the
/// game of Griffin et al. 2024): 5000 tasks, monitor d' = 2, 2% of tasks audited, an attack
/// works with probability 0.53, the attacker at its best constant rate.
pub fn oversight_figure() -> Figure {
    let mut safety = Vec::new();
    let mut usefulness = Vec::new();
    for i in 0..=25 {
        let defer = f64::from(i) * 0.02;
        let defer_threshold = (defer > 0.0).then_some(defer);
        let protocol = goalspace_deployment::Oversight::TrustedMonitoring {
            audit_budget: 0.02,
            monitor_dprime: 2.0,
            defer_threshold,
        };
        let game = goalspace_deployment::Game { protocol, tasks: 5000, attack_success: 0.53, stateless: true };
        safety.push((defer, game.best_response(None).safety));
        let monitor = goalspace_deployment::MonitorGame::trusted(5000, 0.02, 2.0, defer_threshold, 0.53);
        usefulness.push((defer, monitor.usefulness()));
    }
    Figure {
        name: "oversight",
        title: "Trusted monitoring: deferring more buys safety with usefulness".into(),
        x_label: "oversight.defer_threshold (share of tasks deferred)",
        y_label: "probability",
        x_range: (0.0, 0.5),
        y_range: (0.0, 1.05),
        series: vec![
            Series::new("safety (exact, best-responding attacker)", safety, Style::Line),
            Series::new("usefulness", usefulness, Style::Dashed),
        ],
        marker: None,
        legend: Legend::LowerRight,
    }
}

/// Takeover probability against the share of AnyAi models (MODEL.md §6.4): 40 runs per point
/// of `goalspace_tests::takeover_world`, the world of the coordination tests.
pub fn coordination_figure() -> Figure {
    let mut points = Vec::new();
    for i in 0..=5 {
        let any = f64::from(i) * 0.2;
        let runs = 40;
        let mut takeovers = 0.0;
        for seed in 0..runs {
            let (run, params, coordination) = goalspace_tests::takeover_world(seed, 1.0, [1.0 - any, 0.0, any, 0.0]);
            let r = goalspace_coordination::run_full(&run, &params, &coordination)
                .unwrap_or_else(|e| panic!("figure run is invalid: {e}"));
            takeovers += r.get("takeover");
        }
        points.push((any, takeovers / f64::from(runs as u32)));
    }
    Figure {
        name: "coordination",
        title: "Coordination turns scattered escapes into takeover".into(),
        x_label: "share of AnyAi models (coordination.mix_any_ai)",
        y_label: "takeover probability",
        x_range: (0.0, 1.0),
        y_range: (0.0, 1.05),
        series: vec![Series::new("takeover probability, 40 runs per point", points, Style::Points)],
        marker: None,
        legend: Legend::UpperLeft,
    }
}

/// Cost per agent-tick of one training update against population, as measured on the
/// reference machine (2 cores) by `scripts/bench.sh`; the numbers are those of the table on
/// the Performance page and must be updated with it.
pub fn scaling_figure() -> Figure {
    let one = vec![(4.0, 3.51), (5.0, 3.45), (6.0, 3.77), (7.0, 3.93)];
    let two = vec![(4.0, 3.78), (5.0, 2.39), (6.0, 2.26), (7.0, 2.39)];
    let packed = vec![(4.0, 3.37), (5.0, 3.44), (6.0, 3.72), (7.0, 3.78)];
    let soa = vec![(4.0, 4.01), (5.0, 5.05), (6.0, 11.75), (7.0, 11.79)];
    Figure {
        name: "scaling",
        title: "Training update: cost per agent-tick against population (measured)".into(),
        x_label: "log10(models)",
        y_label: "ns per agent-tick",
        x_range: (3.8, 7.2),
        y_range: (0.0, 14.0),
        series: vec![
            Series::new("ECS, 1 thread", one, Style::Line),
            Series::new("ECS, 2 threads", two, Style::Dashed),
            Series::new("packed baseline (array of Agent), 1 thread", packed, Style::Points),
            Series::new("struct-of-arrays baseline, 1 thread", soa, Style::Points),
        ],
        marker: None,
        legend: Legend::UpperLeft,
    }
}

/// A function that computes one figure.
pub type MakeFigure = fn() -> Figure;

/// Every figure of the guide, by name, as a constructor.
pub const FIGURES: [(&str, MakeFigure); 16] = [
    ("counting-bits", counting_bits_figure),
    ("flip-point", flip_point_figure),
    ("counting-100", counting_100_figure),
    ("monte-carlo-vs-ledger", monte_carlo_vs_ledger_figure),
    ("path-dependence", path_dependence_figure),
    ("awareness", awareness_figure),
    ("horizon", horizon_figure),
    ("goal-guarding", goal_guarding_figure),
    ("speed-cost", speed_cost_figure),
    ("scratchpads", scratchpad_figure),
    ("adversarial", adversarial_figure),
    ("traps", traps_figure),
    ("capability", capability_figure),
    ("oversight", oversight_figure),
    ("coordination", coordination_figure),
    ("scaling", scaling_figure),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_constructors_for_the_exact_figures() {
        for (name, make) in FIGURES.iter().filter(|(n, _)| ["counting-bits", "flip-point", "traps"].contains(n)) {
            assert_eq!(make().name, *name);
        }
    }

    /// The flip point of the figure is the one MODEL.md §9a reports (β ≈ 530).
    #[test]
    fn flip_point_is_near_530() {
        let m = flip_point_figure().marker.unwrap();
        assert!((m.x - 529.5).abs() < 0.5, "{}", m.x);
    }
}
