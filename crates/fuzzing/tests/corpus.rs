//! Replays the committed fuzz corpus and every past crash through the fuzz-target bodies
//! on stable Rust, so CI checks them without a nightly toolchain.

use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for dir in [fuzz.join("corpus").join(target), fuzz.join("regressions").join(target)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files {
            body(&std::fs::read(&f).unwrap());
            n += 1;
        }
    }
    n
}

#[test]
fn scenario_text_corpus() {
    assert!(replay("scenario_text", goalspace_fuzzing::scenario_text) > 0, "the corpus is committed");
}

#[test]
fn set_overrides_corpus() {
    assert!(replay("set_overrides", goalspace_fuzzing::set_overrides) > 0);
}

#[test]
fn small_world_corpus() {
    assert!(replay("small_world", goalspace_fuzzing::small_world) > 0);
}
