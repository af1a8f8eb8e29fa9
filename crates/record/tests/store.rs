//! Run files, resume scans and merges at the library level: what the sweep command
//! relies on, checked on hand-made records.

use std::path::Path;

use goalspace_record::{Cell, Manifest, RunRecord, RunStore, Series, merge, summary_document, write_outputs};

fn record(run: u64, value: f64) -> RunRecord {
    RunRecord {
        run,
        point: (run / 2) as u32,
        replicate: (run % 2) as u32,
        seed: 1000 + run % 2,
        params: vec![("training.ticks".to_owned(), Cell::Int(10 * (run / 2) as i64))],
        metrics: vec![("schemer_fraction".to_owned(), Some(value)), ("selection_bits".to_owned(), None)],
        series: Series { ticks: vec![0, 5], columns: vec![("share_schemer".to_owned(), vec![Some(0.0), Some(value)])] },
        wall_seconds: run as f64,
    }
}

fn manifest() -> Manifest {
    Manifest { format: 1, plan_hash: "plan".into(), replicates: 2, points: 2, runs_planned: 4, ..Manifest::default() }
}

fn store(dir: &Path, runs: &[u64]) -> RunStore {
    let s = RunStore::open(dir, "plan").unwrap();
    for &r in runs {
        s.write(&record(r, 0.1 * r as f64)).unwrap();
    }
    manifest().write(dir).unwrap();
    s
}

const FILES: [&str; 5] = ["runs.csv", "runs.parquet", "series.parquet", "summary.json", "manifest.json"];

#[test]
fn merged_shards_equal_outputs_written_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, all, out) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("all"), tmp.path().join("out"));
    store(&a, &[0, 2]);
    store(&b, &[1, 3]);
    std::fs::create_dir_all(&all).unwrap();
    let written = write_outputs(&all, &manifest(), || (0..4).map(|r| Ok(record(r, 0.1 * r as f64)))).unwrap();
    assert_eq!((written.runs, written.points, written.series_rows), (4, 2, 8));
    let (m, _) = merge(&[a, b], &out, false).unwrap();
    assert_eq!(m.runs_recorded, 4);
    for f in FILES {
        assert_eq!(std::fs::read(all.join(f)).unwrap(), std::fs::read(out.join(f)).unwrap(), "{f}");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["points"][1]["params"]["training.ticks"], 10);
    assert_eq!(summary["points"][1]["metrics"]["schemer_fraction"]["n"], 2);
    assert_eq!(summary["points"][1]["metrics"]["selection_bits"]["n"], 0);
    let csv = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(csv.lines().nth(1), Some("0,0,0,1000,0,0,"), "a missing metric is an empty cell");
}

#[test]
fn a_run_with_different_results_in_two_shards_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    store(&a, &[0, 1]);
    let s = store(&b, &[1]);
    s.write(&record(0, 0.5)).unwrap();
    let e = merge(&[a, b], &tmp.path().join("out"), true).unwrap_err();
    assert!(e.is_mismatch() && e.to_string().contains("run 0 has different results"), "{e}");
}

#[test]
fn shards_of_different_plans_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    store(&a, &[0]);
    store(&b, &[1]);
    Manifest { plan_hash: "other".into(), ..manifest() }.write(&b).unwrap();
    let e = merge(&[a, b], &tmp.path().join("out"), false).unwrap_err();
    assert!(
        e.to_string().contains("different plans") && e.to_string().contains("plan hash plan there, other here"),
        "{e}"
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn scan_discards_damaged_and_foreign_run_files() {
    let tmp = tempfile::tempdir().unwrap();
    let s = store(tmp.path(), &[0, 1, 2]);
    let runs = tmp.path().join("runs");
    let cut = runs.join(RunStore::file_name(1));
    let bytes = std::fs::read(&cut).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    std::fs::copy(runs.join(RunStore::file_name(2)), runs.join(RunStore::file_name(3))).unwrap();
    std::fs::write(runs.join(".tmp123"), "half").unwrap();
    let dry = s.scan(4, false).unwrap();
    assert_eq!(dry.finished.into_iter().collect::<Vec<_>>(), [0, 2]);
    assert_eq!((dry.discarded.len(), dry.temporary), (2, 1));
    assert!(cut.exists(), "a scan without repair removes nothing");
    let repaired = s.scan(4, true).unwrap();
    assert_eq!(repaired.discarded.len(), 2);
    assert!(!cut.exists() && !runs.join(".tmp123").exists());
    assert_eq!(s.scan(4, true).unwrap().discarded.len(), 0);
}

#[test]
fn a_directory_without_runs_gets_valid_empty_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let written = write_outputs(tmp.path(), &manifest(), std::iter::empty).unwrap();
    assert_eq!(written.runs, 0);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["points"], serde_json::json!([]));
    assert_eq!(std::fs::read_to_string(tmp.path().join("runs.csv")).unwrap(), "run,point,replicate,seed\n");
}

#[test]
fn merge_refuses_shards_that_do_not_cover_the_plan_unless_partial_is_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, out) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("out"));
    store(&a, &[0, 2]);
    store(&b, &[3]);
    let e = merge(&[a.clone(), b.clone()], &out, false).unwrap_err();
    assert!(e.is_mismatch(), "{e}");
    let text = e.to_string();
    assert!(
        text.contains("3 of the 4 planned runs") && text.contains("missing run 1") && text.contains("--allow-partial"),
        "{text}"
    );
    assert!(!out.exists(), "nothing is written when the merge is refused");
    let (m, written) = merge(&[a, b], &out, true).unwrap();
    assert_eq!((m.runs_recorded, written.runs), (3, 3));
}

#[test]
fn merge_refuses_a_directory_given_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    store(&a, &[0, 1, 2, 3]);
    let again = tmp.path().join("a/../a");
    let e = merge(&[a, again], &tmp.path().join("out"), true).unwrap_err();
    assert!(e.is_mismatch() && e.to_string().contains("given twice"), "{e}");
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn manifests_name_what_differs_between_two_builds_or_scenarios() {
    let here = Manifest {
        scenario_file: "s.toml".into(),
        scenario_hash: "aaaa".into(),
        build_id: "0.1.0+1111".into(),
        command_line: "goalspace sweep s.toml".into(),
        ..manifest()
    };
    let there = Manifest { plan_hash: "other".into(), build_id: "0.1.0+2222".into(), ..here.clone() };
    assert!(there.conflicts_with(&here));
    let m = there.conflict_message(&here);
    assert!(m.contains("plan hash other there, plan here"), "{m}");
    assert!(m.contains("build id 0.1.0+2222 there, 0.1.0+1111 here"), "{m}");
    assert!(!m.contains("command"), "identical command lines are not shown as a difference: {m}");
    assert!(
        m.contains("the goalspace binary or the scenario changed; use the same build and scenario, or a new directory"),
        "{m}"
    );
    // Same plan, another build: still a conflict; a manifest without a build id is not.
    let rebuilt = Manifest { build_id: "0.1.0+3333".into(), ..here.clone() };
    assert!(rebuilt.conflicts_with(&here));
    assert!(!Manifest { build_id: String::new(), ..here.clone() }.conflicts_with(&here));
    let edited = Manifest { scenario_hash: "bbbb".into(), plan_hash: "other".into(), ..here.clone() };
    assert!(edited.conflict_message(&here).contains("scenario file hash bbbb there (s.toml), aaaa here (s.toml)"));
}

#[test]
fn run_files_of_another_build_are_discarded() {
    let tmp = tempfile::tempdir().unwrap();
    let old = RunStore::open(tmp.path(), "plan").unwrap().with_build_id("0.1.0+old");
    old.write(&record(0, 0.1)).unwrap();
    let text = std::fs::read_to_string(tmp.path().join("runs").join(RunStore::file_name(0))).unwrap();
    assert!(text.contains("\"build_id\":\"0.1.0+old\""), "{text}");
    let new = RunStore::open(tmp.path(), "plan").unwrap().with_build_id("0.1.0+new");
    let scan = new.scan(4, false).unwrap();
    assert!(scan.finished.is_empty());
    assert!(scan.discarded[0].contains("written by build 0.1.0+old, not 0.1.0+new"), "{:?}", scan.discarded);
    assert_eq!(old.scan(4, false).unwrap().finished.len(), 1);
}

#[test]
fn the_summary_document_equals_summary_json() {
    let tmp = tempfile::tempdir().unwrap();
    let records: Vec<RunRecord> = (0..4).map(|r| record(r, 0.1 * r as f64)).collect();
    write_outputs(tmp.path(), &manifest(), || records.iter().cloned().map(Ok)).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary_document(&manifest(), &records), file);
    assert_eq!(file["points"].as_array().map(Vec::len), Some(2));
}
