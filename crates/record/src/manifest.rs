//! `manifest.json`: what a result directory holds and how to reproduce it. Everything
//! in it is determined by the plan and the build, so a merged sweep and a one-machine
//! sweep of the same plan have the same manifest byte for byte.

use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::atomic::write_atomic;
use crate::error::RecordError;

/// File name of the manifest in a result directory.
pub const MANIFEST: &str = "manifest.json";

/// The manifest of a result directory.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Manifest format version.
    pub format: u32,
    /// Scenario name.
    pub scenario: String,
    /// The scenario file, as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes, hex.
    pub scenario_hash: String,
    /// SHA-256 of the plan's canonical description (validated scenario with overrides,
    /// grid, replicates, root seed, seed formula), hex. Runs of one plan share it.
    pub plan_hash: String,
    /// Version of the goalspace build that wrote the results.
    pub crate_version: String,
    /// Identity of the build that wrote the results: the crate version and a hash of the
    /// parameter table (keys, kinds, ranges and defaults), `VERSION+HASH`. Two builds with
    /// the same id read scenario files the same way. Empty in directories written before
    /// it was recorded.
    #[serde(default)]
    pub build_id: String,
    /// How each run's seed derives from the root seed, in words and symbols.
    pub seed_formula: String,
    /// The command that reproduces the plan. Flags that only say where and how a machine
    /// runs its part (`--out`, `--shard`, `--resume`, `--threads`, `--quiet`) are left out,
    /// so shards and a one-machine sweep of the same plan record the same line.
    pub command_line: String,
    /// Root seed.
    pub root_seed: u64,
    /// Replicates per grid point.
    pub replicates: u32,
    /// Swept parameters, in axis order.
    pub axes: Vec<String>,
    /// Grid points.
    pub points: u64,
    /// Runs in the plan (points × replicates).
    pub runs_planned: u64,
    /// Runs whose results this directory holds.
    pub runs_recorded: u64,
}

impl Manifest {
    /// Reads `dir/manifest.json`, or `None` when there is none.
    ///
    /// # Errors
    /// [`RecordError::Io`] when it exists but cannot be read, [`RecordError::Json`] when it
    /// does not parse.
    pub fn read(dir: &Path) -> Result<Option<Manifest>, RecordError> {
        let path = dir.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|source| RecordError::Json { path, source }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(RecordError::io(path, e)),
        }
    }

    /// Writes `dir/manifest.json` atomically.
    ///
    /// # Errors
    /// [`RecordError::Io`] when the file cannot be written.
    pub fn write(&self, dir: &Path) -> Result<(), RecordError> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|source| RecordError::Json { path: dir.join(MANIFEST), source })?;
        text.push('\n');
        write_atomic(dir, MANIFEST, text.as_bytes())
    }
}

impl Manifest {
    /// True when results of `self` and `other` cannot be combined: different plans, or
    /// different builds (when both recorded their build).
    pub fn conflicts_with(&self, other: &Manifest) -> bool {
        self.plan_hash != other.plan_hash
            || (!self.build_id.is_empty() && !other.build_id.is_empty() && self.build_id != other.build_id)
    }

    /// What differs between the identities of `self` (found in a directory, "there") and
    /// `other` ("here"), one phrase per difference: plan hash, scenario file hash, build id
    /// and command line.
    pub fn differences(&self, other: &Manifest) -> Vec<String> {
        let short = |h: &str| h.chars().take(12).collect::<String>();
        let mut out = Vec::new();
        if self.plan_hash != other.plan_hash {
            out.push(format!("plan hash {} there, {} here", short(&self.plan_hash), short(&other.plan_hash)));
        }
        if self.scenario_hash != other.scenario_hash {
            out.push(format!(
                "scenario file hash {} there ({}), {} here ({})",
                short(&self.scenario_hash),
                self.scenario_file,
                short(&other.scenario_hash),
                other.scenario_file
            ));
        }
        if self.build_id != other.build_id {
            let id = |b: &str| if b.is_empty() { "not recorded".to_owned() } else { b.to_owned() };
            out.push(format!("build id {} there, {} here", id(&self.build_id), id(&other.build_id)));
        }
        if self.command_line != other.command_line {
            out.push(format!("command `{}` there, `{}` here", self.command_line, other.command_line));
        }
        out
    }

    /// Why results of `self` (there) and `other` (here) cannot be combined, and what to
    /// do: every difference of [`Manifest::differences`], then advice.
    pub fn conflict_message(&self, other: &Manifest) -> String {
        let diffs = self.differences(other);
        let build_or_scenario = self.scenario_hash != other.scenario_hash
            || self.build_id != other.build_id
            || self.command_line == other.command_line;
        let advice = if build_or_scenario {
            "the goalspace binary or the scenario changed; use the same build and scenario, or a new directory"
        } else {
            "the command's options differ; repeat the command recorded there, or use a new directory"
        };
        format!("{}; {advice}", diffs.join("; "))
    }
}

/// SHA-256 of `bytes`, as 64 lower-case hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn manifest_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), None);
        let m = Manifest { plan_hash: "p".into(), runs_planned: 3, ..Manifest::default() };
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Some(m));
    }
}
