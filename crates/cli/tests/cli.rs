//! End-to-end tests of the `goalspace` binary: the commands a user types, their output,
//! the files they write, and the exit code 2 with a clear message on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn goalspace(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_goalspace")).current_dir(root()).args(args).output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SMALL: [&str; 4] = ["--set", "population=400", "--set", "training.ticks=60"];

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("goalspace-cli-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn run_prints_a_json_summary() {
    let mut args = vec!["run", "scenarios/baseline.toml", "--replicates", "3", "--json", "--quiet"];
    args.extend(SMALL);
    let o = goalspace(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("valid JSON");
    assert_eq!(v["scenario"], "baseline");
    assert_eq!(v["replicates"], 3);
    let s = &v["metrics"]["schemer_fraction"];
    assert_eq!(s["n"], 3);
    let (mean, lo, hi) = (s["mean"].as_f64().unwrap(), s["ci95"][0].as_f64().unwrap(), s["ci95"][1].as_f64().unwrap());
    assert!((0.0..=1.0).contains(&mean) && lo <= mean && mean <= hi);
    for name in
        ["share_training_saint", "share_misgeneralized", "share_reward_seeker", "share_schemer", "counting_bits"]
    {
        assert!(v["metrics"][name]["mean"].is_number(), "{name} missing");
    }
}

#[test]
fn run_writes_outputs_identical_for_one_and_two_threads() {
    let (a, b) = (tmp("t1"), tmp("t2"));
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        let mut args = vec!["run", "scenarios/baseline.toml", "--replicates", "2", "--quiet", "--threads", threads];
        args.extend(SMALL);
        args.extend(["--out", dir.to_str().unwrap()]);
        let o = goalspace(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("schemer_fraction"));
    }
    let csv_a = std::fs::read(a.join("runs.csv")).unwrap();
    assert_eq!(csv_a, std::fs::read(b.join("runs.csv")).unwrap(), "runs.csv differs between 1 and 2 threads");
    let text = String::from_utf8(csv_a).unwrap();
    assert_eq!(text.lines().count(), 3, "header and two replicates");
    assert!(text.starts_with("replicate,seed,"));
    assert!(a.join("summary.json").exists());
}

#[test]
fn ledger_of_counting_100_gives_111_337_bits() {
    let o = goalspace(&["ledger", "scenarios/counting-100.toml", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!((v["counting_bits"].as_f64().unwrap() - 111.337).abs() < 1e-3);
    let shares = &v["stationary_shares"];
    let sum: f64 = ["training_saint", "misgeneralized", "reward_seeker", "schemer"]
        .iter()
        .map(|k| shares[k].as_f64().unwrap())
        .sum();
    assert!((sum - 1.0).abs() < 1e-9);
}

#[test]
fn every_bundled_scenario_validates() {
    let mut files: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let o = goalspace(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// Writes `text` as a scenario and runs `goalspace run` on it with an output directory;
/// returns the output and asserts exit code 2 and that nothing was written.
fn bad(name: &str, text: &str) -> String {
    let dir = tmp(name);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, text).unwrap();
    let out = dir.join("out");
    let o = goalspace(&["run", file.to_str().unwrap(), "--quiet", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
    assert!(!out.exists(), "{name}: output directory written on bad input");
    stderr(&o)
}

#[test]
fn bad_input_exits_2_with_a_clear_message_and_writes_nothing() {
    let e = bad("syntax", "population = 100\n[training\nticks = 3\n");
    assert!(e.contains("syntax.toml:2:"), "{e}");
    let e = bad("unknown", "population = 100\n[training]\nspeed_cots = 0.1\n");
    assert!(e.contains("unknown.toml:3:1") && e.contains("training.speed_cost"), "{e}");
    let e = bad("range", "[training]\nspeed_cost = 1.5\n");
    assert!(e.contains("range.toml:2:1") && e.contains("[0, 1]"), "{e}");
    let e = bad("type", "population = \"many\"\n");
    assert!(e.contains("type.toml:1:1") && e.contains("population"), "{e}");
    let e = bad("nan", "[training]\nspeed_cost = nan\n");
    assert!(e.contains("nan.toml:2:1") && e.contains("training.speed_cost"), "{e}");
    let e = bad("layout", "[goal_space]\ncontent_bits = 120\nhorizon_bits = 8\nambition_bits = 8\n");
    assert!(e.contains("128"), "{e}");
    let o = goalspace(&["run", "scenarios/does-not-exist.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does-not-exist.toml"), "{}", stderr(&o));
    let o = goalspace(&["run", "scenarios/baseline.toml", "--set", "training.sped_cost=0.1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("training.speed_cost"), "{}", stderr(&o));
}

#[test]
fn unwritable_output_directory_is_refused() {
    let dir = tmp("unwritable");
    std::fs::create_dir_all(&dir).unwrap();
    let blocker = dir.join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out = blocker.join("out");
    let mut args = vec!["run", "scenarios/baseline.toml", "--quiet", "--out", out.to_str().unwrap()];
    args.extend(SMALL);
    let o = goalspace(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("output directory"), "{}", stderr(&o));
}
