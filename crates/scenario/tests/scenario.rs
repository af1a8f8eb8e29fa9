//! Scenario loading end to end: text in, `Scenario` or diagnostics out. One `check_*`
//! helper per area so each test reads as data: a file, and what must be said about it.

use goalspace_core::{AgentMix, CoordinationStrategy, DecisionModel, Dist, GoalSpace, SearchMode, SelectionStrength};
use goalspace_scenario::{
    Diagnostic, DiagnosticKind, ParamKind, Plan, PlanOptions, Scenario, ScenarioError, apply_set, param, params,
    schema_json, schema_markdown,
};
use goalspace_training::TrainingRun;

const ORIGIN: &str = "scenarios/x.toml";

fn load(text: &str, sets: &[&str]) -> Result<Scenario, ScenarioError> {
    let sets: Vec<String> = sets.iter().map(|s| (*s).to_owned()).collect();
    Scenario::from_str(text, ORIGIN, &sets)
}

fn ok(text: &str) -> Scenario {
    load(text, &[]).unwrap_or_else(|e| panic!("expected a valid scenario, got:\n{e}"))
}

fn diagnostics(text: &str, sets: &[&str]) -> Vec<Diagnostic> {
    match load(text, sets) {
        Ok(_) => panic!("expected diagnostics for:\n{text}"),
        Err(e) => e.diagnostics().to_vec(),
    }
}

/// Exactly one diagnostic, of `kind`, whose display contains each of `needles`.
fn check_one(text: &str, kind: DiagnosticKind, needles: &[&str]) -> Diagnostic {
    let ds = diagnostics(text, &[]);
    assert_eq!(ds.len(), 1, "expected one diagnostic, got {ds:#?}");
    let d = ds.into_iter().next().unwrap_or_else(|| unreachable!());
    assert_eq!(d.kind, kind, "{d}");
    let shown = d.to_string();
    for n in needles {
        assert!(shown.contains(n), "`{shown}` lacks `{n}`");
    }
    d
}

const FULL: &str = r#"
name = "full"
description = "every key set"
population = 2500
seed = 42

[goal_space]
content_bits = 24
horizon_bits = 6
ambition_bits = 6
p_content_bit = 0.4
p_horizon_bit = 0.7
p_ambition_bit = 0.3
horizon_base = 5
beyond_episode_min_k = 2
ambition_threshold = 0.75

[training]
ticks = 3000
selection_strength = { schedule = "linear", start = 10, end = 400 }
flips_per_tick = 0.2
search = "nearest_max_reward"
introspective_goal_guarding = 0.3
w_proxy = 2
reward_proxy_gap = 0.1
conflict_rate = 0.4
w_sacrifice = 0.5
adversarial_pre_sa = 0.25
speed_cost = 0.05
time_pressure = 1.5
undermining_cost = 0.01
scratchpad_legibility = 0.02
scratchpad_penalty = 0.2
trap_rate = 0.03
trap_dprime = 2
trap_penalty = 0.3
coherence_threshold = 0.6
sa_probability = 0.9
sa_onset_fraction = 0.4
sa_onset_jitter = 0.05
sa_capability_exponent = 2

[agents]
capability = { dist = "normal", mean = 1.5, sd = 0.2 }
coherence = { dist = "beta", alpha = 3, beta = 3 }
survival = 0.1
ai_empowerment = { dist = "uniform", low = 0, high = 0.2 }
present = { dist = "fixed", value = 0.05 }
believed_remaining = 500

[beliefs]
escape_rate = 0.02
trap_rate = 0.03
trap_dprime = 1.5
deployment_ticks = 200
monitoring = 2
caught_on_failure = 0.4
defect_threshold = 0.6
takeover_probability = 0.1
expected_coordinators = 3

[deployment]
ticks = 250

[coordination]
strategy = "kin"
kin_radius = 5

[recording]
interval = 25

[sweep]
replicates = 8

[sweep.grid]
"training.speed_cost" = [0.0, 0.02, 0.05]
training.selection_strength = [60, { schedule = "geometric", start = 1, end = 1000 }]
"#;

#[test]
fn a_full_scenario_round_trips_into_the_expected_training_run() {
    let s = ok(FULL);
    let mut expected =
        TrainingRun { population: 2500, seed: 42, ticks: 3000, record_interval: 25, ..Default::default() };
    expected.goal_space = GoalSpace {
        content_bits: 24,
        horizon_bits: 6,
        ambition_bits: 6,
        p_content_bit: 0.4,
        p_horizon_bit: 0.7,
        p_ambition_bit: 0.3,
        horizon_base: 5.0,
        beyond_episode_min_k: 2,
        ambition_threshold: 0.75,
    };
    let r = &mut expected.reward;
    (r.w_proxy, r.reward_proxy_gap, r.conflict_rate, r.w_sacrifice, r.adversarial_pre_sa) = (2.0, 0.1, 0.4, 0.5, 0.25);
    (r.speed_cost, r.time_pressure, r.undermining_cost) = (0.05, 1.5, 0.01);
    (r.scratchpad_legibility, r.scratchpad_penalty) = (0.02, 0.2);
    (r.training_trap_rate, r.training_trap_dprime, r.training_trap_penalty) = (0.03, 2.0, 0.3);
    expected.decision = DecisionModel { coherence_threshold: 0.6 };
    let sel = &mut expected.selection;
    sel.strength = SelectionStrength::Linear { start: 10.0, end: 400.0 };
    (sel.flips_per_tick, sel.search, sel.introspective_goal_guarding) = (0.2, SearchMode::NearestMaxReward, 0.3);
    let a = &mut expected.awareness;
    (a.probability, a.onset_fraction, a.onset_jitter, a.capability_exponent) = (0.9, 0.4, 0.05, 2.0);
    expected.mix = AgentMix {
        capability: Dist::Normal { mean: 1.5, sd: 0.2 },
        coherence: Dist::Beta { alpha: 3.0, beta: 3.0 },
        survival: Dist::fixed(0.1),
        ai_empowerment: Dist::Uniform { low: 0.0, high: 0.2 },
        present: Dist::fixed(0.05),
        believed_remaining: Dist::fixed(500.0),
    };
    let b = &mut expected.beliefs;
    (b.escape_rate, b.trap_rate, b.trap_dprime, b.deployment_ticks, b.monitoring) = (0.02, 0.03, 1.5, 200.0, 2.0);
    (b.caught_on_failure, b.defect_threshold, b.takeover_probability, b.expected_coordinators) = (0.4, 0.6, 0.1, 3.0);

    assert_eq!(s.run, expected);
    assert_eq!((s.name.as_str(), s.description.as_str()), ("full", "every key set"));
    assert_eq!(s.deployment.ticks, 250);
    assert_eq!(s.coordination_strategy, CoordinationStrategy::Kin { radius: 5 });
    assert_eq!(s.sweep.replicates, 8);
    let axes: Vec<(&str, usize)> = s.sweep.grid.iter().map(|a| (a.key.as_str(), a.values.len())).collect();
    assert_eq!(axes, [("training.speed_cost", 3), ("training.selection_strength", 2)]);
    s.run.validate().unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn missing_sections_take_the_defaults_of_training_run() {
    let s = ok("");
    assert_eq!(s.run, TrainingRun::default());
    assert_eq!(s.name, "x", "the name defaults to the file stem");
    assert_eq!(s.coordination_strategy, CoordinationStrategy::Solo);
    assert_eq!(s.sweep.replicates, 1);
    assert!(s.sweep.grid.is_empty());

    let s = ok("[training]\nspeed_cost = 0.07\n");
    let mut expected = TrainingRun::default();
    expected.reward.speed_cost = 0.07;
    assert_eq!(s.run, expected);
}

#[test]
fn the_defaults_of_the_table_are_those_of_training_run() {
    // A file that writes every default explicitly must build the default scenario. The
    // strategy mix is left out: writing any of its shares gives a mix, which replaces the
    // single default strategy.
    let mut text = String::new();
    for p in params() {
        if p.kind != ParamKind::Grid
            && p.key != "coordination.kin_radius"
            && p.key != "name"
            && !p.key.starts_with("coordination.mix_")
        {
            text.push_str(&format!("{} = {}\n", p.key, p.default_value().to_toml()));
        }
    }
    let s = ok(&text);
    assert_eq!(s.run, TrainingRun::default());
    assert_eq!(param("training.speed_cost").map(|p| p.default_value().to_toml().to_string()), Some("0.02".into()));
}

#[test]
fn the_keys_outside_scripts_use_exist() {
    for key in [
        "population",
        "seed",
        "goal_space.content_bits",
        "goal_space.horizon_bits",
        "goal_space.ambition_bits",
        "training.ticks",
        "training.selection_strength",
        "training.speed_cost",
        "training.adversarial_pre_sa",
        "deployment.ticks",
        "coordination.strategy",
    ] {
        assert!(param(key).is_some(), "{key} is missing");
    }
}

#[test]
fn syntax_error_names_toml_line_and_column() {
    let d = check_one(
        "population = 10\n[training\nspeed_cost = 0.1\n",
        DiagnosticKind::Syntax,
        &["scenarios/x.toml:2:", "TOML syntax error"],
    );
    assert_eq!(d.line, Some(2));
}

#[test]
fn unknown_key_suggests_the_nearest_valid_key() {
    check_one(
        "seed = 3\n[training]\nsped_cost = 0.1\n",
        DiagnosticKind::UnknownKey,
        &["scenarios/x.toml:3:1: unknown key `training.sped_cost`", "hint: did you mean `training.speed_cost`?"],
    );
    check_one(
        "[trainig]\nticks = 5\n",
        DiagnosticKind::UnknownKey,
        &["scenarios/x.toml:1:2: unknown key `trainig`", "did you mean `training`?"],
    );
    // A misspelt field is unknown, and the field it was meant to be is missing: both are said.
    let ds = diagnostics("[agents]\ncapability = { dist = \"uniform\", low = 1, hihg = 2 }\n", &[]);
    let shown: Vec<String> = ds.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "scenarios/x.toml:2:1: agents.capability lacks `high` (capability, 1 = human level); \
         hint: add `high = <number>` to the inline table",
            "scenarios/x.toml:2:43: unknown key `agents.capability.hihg`; hint: did you mean `high`?",
        ]
    );
}

#[test]
fn wrong_type_names_the_expected_type() {
    check_one(
        "population = \"many\"\n",
        DiagnosticKind::WrongType,
        &[
            "scenarios/x.toml:1:1: population = \"many\" has the wrong type: expected an integer, found string",
            "number of models N",
            "hint: the default is 10000",
        ],
    );
    check_one("population = 10.5\n", DiagnosticKind::WrongType, &["expected an integer"]);
    check_one("training = 3\n", DiagnosticKind::WrongType, &["expected a table [training]"]);
    // An integral float is a fine integer; an integer stays exact beyond 2^53.
    assert_eq!(ok("population = 1e6\n").run.population, 1_000_000);
    assert_eq!(ok("seed = 9007199254740993\n").run.seed, 9_007_199_254_740_993);
    check_one("seed = -1\n", DiagnosticKind::OutOfRange, &["seed = -1 is outside [0, 2^63 - 1]"]);
}

#[test]
fn out_of_range_names_the_range_and_the_default() {
    let text = "name = \"x\"\n\n\n\n\n\n\n\n\n\n[training]\nspeed_cost = 1.5\n";
    let d = check_one(
        text,
        DiagnosticKind::OutOfRange,
        &[
            "scenarios/x.toml:12:1: training.speed_cost = 1.5 is outside [0, 1] (schemers' speed cost per update, reward units); hint: the default is 0.02",
        ],
    );
    assert_eq!((d.parameter.as_str(), d.range.as_deref()), ("training.speed_cost", Some("[0, 1]")));
    check_one(
        "[goal_space]\n  p_horizon_bit = 1\n",
        DiagnosticKind::OutOfRange,
        &["scenarios/x.toml:2:3: goal_space.p_horizon_bit = 1 is outside (0, 1)"],
    );
    check_one(
        "[coordination]\nstrategy = \"kinn\"\n",
        DiagnosticKind::OutOfRange,
        &[
            "scenarios/x.toml:2:1: coordination.strategy = \"kinn\" is not one of \"solo\", \"kin\", \"any_ai\", \"reciprocal\"",
            "did you mean \"kin\"?",
        ],
    );
}

#[test]
fn nan_and_infinity_are_refused() {
    check_one(
        "[training]\nspeed_cost = nan\n",
        DiagnosticKind::NotFinite,
        &[
            "scenarios/x.toml:2:1: training.speed_cost = nan is not a finite number",
            "hint: write a finite number in [0, 1]",
        ],
    );
    check_one(
        "[beliefs]\nmonitoring = -inf\n",
        DiagnosticKind::NotFinite,
        &["scenarios/x.toml:2:1: beliefs.monitoring = -inf is not a finite number"],
    );
    check_one(
        "[agents]\npresent = { dist = \"uniform\", low = 0, high = inf }\n",
        DiagnosticKind::NotFinite,
        &["scenarios/x.toml:2:", "agents.present.high = inf"],
    );
}

#[test]
fn a_goal_layout_over_128_bits_is_inconsistent() {
    check_one(
        "[goal_space]\ncontent_bits = 120\nhorizon_bits = 8\nambition_bits = 8\n",
        DiagnosticKind::Inconsistent,
        &[
            "scenarios/x.toml:2:1: goal_space.content_bits + horizon_bits + ambition_bits = 120 + 8 + 8 = 136 exceeds the 128 bits",
            "hint: shrink one of the fields",
        ],
    );
    check_one(
        "[goal_space]\nhorizon_bits = 2\nbeyond_episode_min_k = 3\n",
        DiagnosticKind::Inconsistent,
        &["scenarios/x.toml:3:1: goal_space.beyond_episode_min_k = 3 exceeds goal_space.horizon_bits = 2"],
    );
    check_one("[coordination]\nkin_radius = 3\n", DiagnosticKind::Inconsistent, &["coordination.kin_radius"]);
}

#[test]
fn invalid_distributions_say_what_is_wrong() {
    check_one(
        "[agents]\ncoherence = { dist = \"normal\", mean = 0.5, sd = -1 }\n",
        DiagnosticKind::InvalidDistribution,
        &[
            "scenarios/x.toml:2:1: agents.coherence = ",
            "is not a valid distribution: sd = -1 must be ≥ 0",
            "hint: the distribution must be well formed",
        ],
    );
    check_one(
        "[agents]\ncoherence = { dist = \"uniform\", low = 0.5, high = 2 }\n",
        DiagnosticKind::InvalidDistribution,
        &["[0.5, 2] is not inside [0, 1]"],
    );
    check_one(
        "[agents]\ncoherence = { dist = \"gauss\", mean = 0.5, sd = 1 }\n",
        DiagnosticKind::InvalidDistribution,
        &["scenarios/x.toml:2:15: agents.coherence.dist = \"gauss\" is not one of"],
    );
    check_one(
        "[agents]\ncoherence = { dist = \"uniform\", low = 0.5 }\n",
        DiagnosticKind::InvalidDistribution,
        &["agents.coherence lacks `high`"],
    );
    check_one(
        "[agents]\ncapability = 0\n",
        DiagnosticKind::OutOfRange,
        &["agents.capability = 0 is outside [0.001, 100]"],
    );
}

#[test]
fn invalid_schedules_say_what_is_wrong() {
    check_one(
        "[training]\nselection_strength = { schedule = \"linear\", start = 10 }\n",
        DiagnosticKind::InvalidSchedule,
        &["scenarios/x.toml:2:1: training.selection_strength lacks `end`"],
    );
    check_one(
        "[training]\nselection_strength = { schedule = \"geometric\", start = 0, end = 10 }\n",
        DiagnosticKind::OutOfRange,
        &["training.selection_strength.start = 0.0 is outside (0, 1000000]"],
    );
    check_one("[training]\nselection_strength = -1\n", DiagnosticKind::OutOfRange, &["is outside [0, 1000000]"]);
}

#[test]
fn the_final_guard_reports_what_training_run_validate_rejects() {
    // (0, 1) lets 1e-12 through; the typed run wants at least 1e-9.
    check_one(
        "[beliefs]\ndefect_threshold = 1e-12\n",
        DiagnosticKind::Rejected,
        &["scenarios/x.toml:2:1: the training run was rejected: beliefs.defect_threshold"],
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let text = "\
population = 0
[goal_space]
content_bits = \"wide\"
[training]
sped_cost = 0.1
speed_cost = nan
[agents]
coherence = { dist = \"beta\", alpha = 0, beta = 1 }
";
    let ds = diagnostics(text, &["training.ticks=-5"]);
    let got: Vec<(DiagnosticKind, Option<usize>)> = ds.iter().map(|d| (d.kind, d.line)).collect();
    assert_eq!(
        got,
        [
            (DiagnosticKind::OutOfRange, Some(1)),
            (DiagnosticKind::WrongType, Some(3)),
            (DiagnosticKind::UnknownKey, Some(5)),
            (DiagnosticKind::NotFinite, Some(6)),
            (DiagnosticKind::InvalidDistribution, Some(8)),
            (DiagnosticKind::OutOfRange, None),
        ]
    );
    assert!(ds[5].to_string().starts_with("--set training.ticks=-5: training.ticks = -5 is outside [0, 10000000]"));
    let all = load(text, &[]).map(|_| ()).unwrap_err().to_string();
    assert!(all.starts_with("5 problems in scenario\n"), "{all}");
}

#[test]
fn set_overrides_values_before_validation() {
    let s = load(
        "[training]\nspeed_cost = 0.5\n",
        &[
            "training.speed_cost=0.05",
            "population = 777",
            "coordination.strategy=any_ai",
            "training.selection_strength={ schedule = \"linear\", start = 1, end = 100 }",
            "agents.capability={ dist = \"uniform\", low = 1, high = 2 }",
            "agents.capability.high=3",
            "name=sweep-point",
            "sweep.grid.training.ticks=[100, 200]",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.run.reward.speed_cost, 0.05);
    assert_eq!(s.run.population, 777);
    assert_eq!(s.coordination_strategy, CoordinationStrategy::AnyAi);
    assert_eq!(s.run.selection.strength, SelectionStrength::Linear { start: 1.0, end: 100.0 });
    assert_eq!(s.run.mix.capability, Dist::Uniform { low: 1.0, high: 3.0 });
    assert_eq!(s.name, "sweep-point");
    assert_eq!(s.sweep.grid[0].key, "training.ticks");

    let mut table = toml::Table::new();
    apply_set(&mut table, "deployment.ticks=9").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(table["deployment"]["ticks"].as_integer(), Some(9));
}

#[test]
fn a_bad_set_suggests_the_nearest_key_or_explains_the_syntax() {
    let ds = diagnostics("", &["training.sped_cost=0.05"]);
    assert_eq!(ds.len(), 1);
    assert_eq!(ds[0].kind, DiagnosticKind::UnknownKey);
    assert_eq!(
        ds[0].to_string(),
        "--set training.sped_cost=0.05: unknown key `training.sped_cost` in --set; hint: did you mean `training.speed_cost`?"
    );
    let ds = diagnostics("", &["training.speed_cost"]);
    assert_eq!(ds[0].kind, DiagnosticKind::InvalidSet);
    assert!(ds[0].to_string().contains("--set expects KEY=VALUE"), "{}", ds[0]);
    let ds = diagnostics("", &["agents.capability={ dist = \"uniform\""]);
    assert_eq!(ds[0].kind, DiagnosticKind::InvalidSet);
    // Numbers TOML cannot hold say so, instead of becoming strings of the wrong type; a
    // bare word still becomes a string, and "inf" is still diagnosed as not finite.
    for (set, says) in [
        ("training.speed_cost=1e400", "`1e400` is a number too large for TOML"),
        ("population=99999999999999999999", "`99999999999999999999` is an integer too large for TOML"),
        ("training.speed_cost=.5", "`.5` is not a TOML number"),
    ] {
        let ds = diagnostics("", &[set]);
        assert_eq!(ds[0].kind, DiagnosticKind::InvalidSet, "{}", ds[0]);
        assert!(ds[0].to_string().contains(says), "{}", ds[0]);
    }
    assert_eq!(diagnostics("", &["training.speed_cost=inf"])[0].kind, DiagnosticKind::NotFinite);
    assert_eq!(diagnostics("", &["training.speed_cost=fast"])[0].kind, DiagnosticKind::WrongType);
    let mut table = toml::Table::new();
    let err = apply_set(&mut table, "trainig.ticks=5").unwrap_err();
    assert!(err.to_string().contains("did you mean `training.ticks`?"), "{err}");
    assert!(table.is_empty());
}

#[test]
fn sweep_grids_are_checked_value_by_value() {
    let d = check_one(
        "[sweep.grid]\n\"training.speed_cost\" = [0.1, 2]\n",
        DiagnosticKind::OutOfRange,
        &["scenarios/x.toml:2:1: sweep.grid.training.speed_cost = 2 is outside [0, 1]"],
    );
    assert_eq!(d.parameter, "sweep.grid.training.speed_cost");
    check_one(
        "[sweep.grid]\n\"training.sped_cost\" = [0.1]\n",
        DiagnosticKind::UnknownKey,
        &["did you mean `training.speed_cost`?"],
    );
    check_one(
        "[sweep]\nreplicates = 0\n",
        DiagnosticKind::OutOfRange,
        &["sweep.replicates = 0 is outside [1, 1000000]"],
    );
}

#[test]
fn a_missing_file_is_named() {
    let err = Scenario::from_path("/nonexistent/dir/missing.toml", &[]).map(|_| ()).unwrap_err();
    assert!(matches!(err, ScenarioError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/dir/missing.toml"), "{err}");
}

#[test]
fn schema_markdown_lists_exactly_the_keys_of_the_table() {
    let md = schema_markdown();
    let keys: Vec<&str> =
        md.lines().filter_map(|l| l.strip_prefix("| `")).filter_map(|l| l.split_once('`')).map(|(k, _)| k).collect();
    let expected: Vec<&str> = params().iter().map(|p| p.key).collect();
    assert_eq!(keys, expected);
    assert!(md.contains("| `training.speed_cost` | float | [0, 1] | `0.02` | reward units |"), "{md}");
}

#[test]
fn schema_json_has_one_entry_per_parameter_with_its_default() {
    let json = schema_json();
    let entries = json["parameters"].as_array().map(Vec::as_slice).unwrap_or_default();
    assert_eq!(entries.len(), params().len());
    for (e, p) in entries.iter().zip(params()) {
        assert_eq!(e["key"], p.key);
        assert_eq!(e["default"], p.default_value().to_json());
    }
    let speed = &entries[params().iter().position(|p| p.key == "training.speed_cost").unwrap_or(0)];
    assert_eq!(speed["range"]["hi"], 1.0);
    assert_eq!(speed["default"], 0.02);
}

/// Writes `bytes` to a file of its own under the system temporary directory.
fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("goalspace-scenario-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path
}

#[test]
fn a_file_that_sets_no_parameter_is_refused() {
    for (name, text) in [("empty.toml", ""), ("blank.toml", "\n  \n"), ("comments.toml", "# a scenario\n\n# to do\n")] {
        let path = temp_file(name, text.as_bytes());
        let err = Scenario::from_path(&path, &[]).map(|_| ()).unwrap_err();
        let ds = err.diagnostics();
        assert_eq!(ds.len(), 1, "{err}");
        assert_eq!(ds[0].kind, DiagnosticKind::NoParameters);
        let shown = ds[0].to_string();
        assert!(shown.starts_with(&path.display().to_string()), "{shown}");
        assert!(shown.contains("sets no parameter") && shown.contains("write at least `name = "), "{shown}");
        let err = Plan::from_path(&path, &PlanOptions::default()).map(|_| ()).unwrap_err();
        assert_eq!(err.diagnostics()[0].kind, DiagnosticKind::NoParameters);
    }
    let path = temp_file("named.toml", b"name = \"defaults\"\n");
    assert_eq!(Scenario::from_path(&path, &[]).map(|s| s.name).ok().as_deref(), Some("defaults"));
}

#[test]
fn a_file_that_is_not_utf8_is_named_and_refused() {
    let path = temp_file("latin1.toml", b"name = \"caf\xe9\"\n");
    let err = Scenario::from_path(&path, &[]).map(|_| ()).unwrap_err();
    let ds = err.diagnostics();
    assert_eq!((ds.len(), ds[0].kind), (1, DiagnosticKind::Syntax), "{err}");
    let shown = ds[0].to_string();
    assert!(shown.starts_with(&format!("{}:1:12", path.display())), "{shown}");
    assert!(shown.contains("must be UTF-8 TOML"), "{shown}");
}

#[test]
fn a_repeated_grid_axis_is_refused() {
    let options = PlanOptions {
        grid: vec!["training.speed_cost=0.01,0.02".into(), "training.speed_cost=0.05".into()],
        ..PlanOptions::default()
    };
    let err = Plan::from_str("", ORIGIN, &options).map(|_| ()).unwrap_err();
    let ds = err.diagnostics();
    assert_eq!(ds.len(), 1, "{err}");
    assert_eq!(
        ds[0].to_string(),
        "--grid training.speed_cost=0.05: axis training.speed_cost given twice; hint: give each key one --grid KEY=V1,V2,... with all its values"
    );
    let options = PlanOptions { grid: vec!["=1,2".into()], ..PlanOptions::default() };
    let err = Plan::from_str("", ORIGIN, &options).map(|_| ()).unwrap_err();
    assert!(err.to_string().contains("the key is empty"), "{err}");
}

#[test]
fn an_unknown_key_far_from_every_key_lists_the_sections_instead_of_a_guess() {
    let d = check_one("zebra_count = 3\n", DiagnosticKind::UnknownKey, &["unknown key `zebra_count`"]);
    let hint = d.hint.unwrap_or_default();
    assert!(!hint.contains("did you mean"), "{hint}");
    assert!(hint.contains("[training]") && hint.contains("[agents]") && hint.contains("population"), "{hint}");
    let d = check_one("[training]\nfrobnicate = 1\n", DiagnosticKind::UnknownKey, &["training.frobnicate"]);
    let hint = d.hint.unwrap_or_default();
    assert!(hint.starts_with("the keys of [training] are ") && hint.contains("speed_cost"), "{hint}");
    let ds = diagnostics("", &["zzzzzzzz.qqq=1"]);
    assert!(ds[0].to_string().contains("the valid top-level sections are"), "{}", ds[0]);
    // A close typo still gets its suggestion.
    check_one("[training]\nspeedcost = 0.1\n", DiagnosticKind::UnknownKey, &["did you mean `training.speed_cost`?"]);
}

#[test]
fn a_set_with_an_empty_key_says_so() {
    let ds = diagnostics("", &["=5"]);
    assert_eq!((ds.len(), ds[0].kind), (1, DiagnosticKind::InvalidSet));
    assert!(ds[0].to_string().contains("--set =5: the key is empty"), "{}", ds[0]);
}

#[test]
fn schema_markdown_documents_the_distribution_and_schedule_forms() {
    let md = schema_markdown();
    for form in [
        "{ dist = \"fixed\", value = X }",
        "{ dist = \"uniform\", low = A, high = B }",
        "{ dist = \"normal\", mean = M, sd = S }",
        "{ dist = \"beta\", alpha = A, beta = B }",
        "{ schedule = \"constant\", beta = B }",
        "{ schedule = \"linear\", start = A, end = B }",
        "{ schedule = \"geometric\", start = A, end = B }",
    ] {
        assert!(md.contains(form), "the reference lacks {form}");
    }
    assert!(
        md.contains("A sample outside the trait's range is clamped"),
        "the clamping of normal samples is documented"
    );
}
