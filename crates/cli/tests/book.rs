//! Tests that keep the guide (`book/`) true to the code: the parameter reference is the
//! current output of `goalspace schema --format markdown` and lists every parameter
//! exactly once, and every shell command of the Getting started page runs as written.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn book_page(rel: &str) -> String {
    let path = root().join("book/src").join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// What `goalspace schema --format FORMAT` prints (the binary's registry: the built-in
/// parameters and every registered plugin's).
fn schema(format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_goalspace")).args(["schema", "--format", format]).output().unwrap();
    assert!(out.status.success(), "goalspace schema failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The committed parameter reference is exactly what `goalspace schema --format markdown`
/// prints now.
#[test]
fn parameter_reference_is_current() {
    let committed = book_page("reference/parameters.md");
    let current = schema("markdown");
    assert!(
        committed == current,
        "book/src/reference/parameters.md is stale; regenerate it with\n  \
         cargo run -p goalspace-cli -- schema --format markdown > book/src/reference/parameters.md"
    );
}

/// Every key of the parameter table has exactly one row in the reference, and the
/// reference has no other rows.
#[test]
fn parameter_reference_lists_every_key_exactly_once() {
    let page = book_page("reference/parameters.md");
    let json: serde_json::Value = serde_json::from_str(&schema("json")).unwrap();
    let keys: Vec<&str> = json["parameters"].as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap()).collect();
    let metrics: Vec<&str> = json["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["metrics"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()))
        .collect();
    // The built-in table and the probes plugin's section, at least.
    assert!(keys.len() > goalspace_scenario::params().len() && keys.contains(&"probes.auroc"));
    let rows: Vec<&str> = page.lines().filter(|l| l.starts_with("| `")).collect();
    for key in keys.iter().chain(&metrics) {
        let row = format!("| `{key}` |");
        let n = rows.iter().filter(|l| l.starts_with(&row)).count();
        assert_eq!(n, 1, "{key} has {n} rows in the reference");
    }
    assert_eq!(rows.len(), keys.len() + metrics.len(), "the reference has rows that are not parameters or metrics");
}

/// The shell commands of the ```sh blocks of a page, one per command (lines joined at a
/// trailing backslash; comments and blank lines dropped).
fn sh_commands(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in page.lines() {
        let t = line.trim();
        if !in_sh {
            in_sh = t == "```sh";
            continue;
        }
        if t.starts_with("```") {
            in_sh = false;
            continue;
        }
        if pending.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        match t.strip_suffix('\\') {
            Some(head) => {
                pending.push_str(head.trim_end());
                pending.push(' ');
            }
            None => {
                pending.push_str(t);
                out.push(std::mem::take(&mut pending));
            }
        }
    }
    out
}

/// The ways the guide invokes goalspace; each is replaced by the binary under test.
const INVOCATIONS: [&str; 3] = ["cargo run --release -p goalspace-cli --", "./target/release/goalspace", "goalspace"];

/// The build command of the page. It builds this very package's binary, which cargo
/// has already built for this test, so it is checked rather than run: a nested cargo
/// would wait on the lock that the running `cargo test` holds.
const BUILD: &str = "cargo build --release -p goalspace-cli";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// Every command of Getting started runs as written, in order, from a directory laid out
/// like a fresh clone (the bundled `scenarios/`), and exits with 0. `goalspace` invocations
/// run the binary under test; other commands (`ls`, `head`) run through `sh`.
#[test]
fn getting_started_commands_run_as_written() {
    assert_eq!(env!("CARGO_PKG_NAME"), "goalspace-cli");
    let commands = sh_commands(&book_page("getting-started.md"));
    assert!(commands.len() >= 5, "expected the page's commands, found {commands:?}");
    assert!(commands.iter().any(|c| c == BUILD), "the page should show the build command `{BUILD}`");
    let dir = std::env::temp_dir().join(format!("goalspace-book-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(&root().join("scenarios"), &dir.join("scenarios"));
    let bin = env!("CARGO_BIN_EXE_goalspace");
    let mut ran_goalspace = 0;
    for command in &commands {
        if command == BUILD {
            continue;
        }
        let rewritten = INVOCATIONS
            .iter()
            .find_map(|inv| command.strip_prefix(inv).filter(|rest| rest.starts_with(' ')))
            .map(|rest| {
                ran_goalspace += 1;
                format!("'{bin}'{rest}")
            })
            .unwrap_or_else(|| command.clone());
        assert!(!rewritten.starts_with("cargo "), "unexpected cargo command in Getting started: {command}");
        let out = Command::new("sh").arg("-c").arg(&rewritten).current_dir(&dir).output().expect("sh runs");
        assert!(
            out.status.success(),
            "`{command}` failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(ran_goalspace >= 3, "expected goalspace run, ledger and validate among {commands:?}");
    for file in ["runs.csv", "summary.json"] {
        assert!(dir.join("out/baseline").join(file).is_file(), "the run should have written out/baseline/{file}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sh_blocks_are_split_into_commands() {
    let page = "text\n```sh\n# comment\na --x \\\n  --y\n\nb\n```\n```text\nc\n```\n";
    assert_eq!(sh_commands(page), ["a --x --y", "b"]);
}
