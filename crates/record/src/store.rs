//! The per-run files of a sweep (`DIR/runs/run-NNNNNNNNN.json`): each finished run is
//! written as its own file, atomically, so an interrupted sweep loses only the runs in
//! progress. Resume scans them (discarding damaged ones), and merge copies the run files
//! of shard directories into one directory and rebuilds its outputs from them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::{is_temporary, prepare_dir, write_atomic};
use crate::error::RecordError;
use crate::manifest::Manifest;
use crate::outputs::{Written, write_outputs};
use crate::record::RunRecord;

/// Name of the directory of run files inside a result directory.
pub const RUNS_DIR: &str = "runs";

/// What a run file holds: the plan it belongs to, the build that ran it and the record.
#[derive(Debug, Serialize, Deserialize)]
struct RunFile {
    plan_hash: String,
    /// The build id of the manifest (empty in files written before it was recorded).
    #[serde(default)]
    build_id: String,
    record: RunRecord,
}

/// The run files of one result directory, all of one plan and one build.
#[derive(Debug, Clone)]
pub struct RunStore {
    dir: PathBuf,
    plan_hash: String,
    build_id: String,
}

/// What [`RunStore::scan`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Run indices with a complete run file of this plan.
    pub finished: BTreeSet<u64>,
    /// Run files that were damaged or of another plan: path and reason (removed when repairing).
    pub discarded: Vec<String>,
    /// Temporary files left by an interrupted write (removed when repairing).
    pub temporary: usize,
}

impl RunStore {
    /// The run files of result directory `out` for the plan `plan_hash`; creates `out/runs`.
    ///
    /// # Errors
    /// [`RecordError::Io`] when the directory cannot be created or written to.
    pub fn open(out: &Path, plan_hash: &str) -> Result<Self, RecordError> {
        let dir = out.join(RUNS_DIR);
        prepare_dir(&dir)?;
        Ok(Self { dir, plan_hash: plan_hash.to_owned(), build_id: String::new() })
    }

    /// This store with run files written, and checked, as of the build `build_id` (see
    /// [`Manifest::build_id`]): a file of another build is discarded by a scan and
    /// refused by a merge. Files without a build id are accepted.
    pub fn with_build_id(mut self, build_id: &str) -> Self {
        self.build_id = build_id.to_owned();
        self
    }

    /// True when `out/runs` holds any file.
    pub fn exists_nonempty(out: &Path) -> bool {
        std::fs::read_dir(out.join(RUNS_DIR)).is_ok_and(|mut d| d.next().is_some())
    }

    /// File name of run `run`.
    pub fn file_name(run: u64) -> String {
        format!("run-{run:09}.json")
    }

    /// Writes the file of `record` atomically (replacing any earlier one).
    ///
    /// # Errors
    /// [`RecordError::Io`] when it cannot be written.
    pub fn write(&self, record: &RunRecord) -> Result<(), RecordError> {
        let name = Self::file_name(record.run);
        let file =
            RunFile { plan_hash: self.plan_hash.clone(), build_id: self.build_id.clone(), record: record.clone() };
        let bytes =
            serde_json::to_vec(&file).map_err(|source| RecordError::Json { path: self.dir.join(&name), source })?;
        write_atomic(&self.dir, &name, &bytes)
    }

    /// Reads and checks one run file: it must parse, belong to this plan and hold the run
    /// its name says.
    fn read_path(&self, run: u64, path: &Path) -> Result<RunRecord, RecordError> {
        let bytes = std::fs::read(path).map_err(|e| RecordError::io(path, e))?;
        let file: RunFile =
            serde_json::from_slice(&bytes).map_err(|source| RecordError::Json { path: path.to_owned(), source })?;
        if file.plan_hash != self.plan_hash {
            return Err(RecordError::Mismatch(format!(
                "{} belongs to plan {}, not {}",
                path.display(),
                file.plan_hash,
                self.plan_hash
            )));
        }
        if !file.build_id.is_empty() && !self.build_id.is_empty() && file.build_id != self.build_id {
            return Err(RecordError::Mismatch(format!(
                "{} was written by build {}, not {}",
                path.display(),
                file.build_id,
                self.build_id
            )));
        }
        if file.record.run != run {
            return Err(RecordError::Mismatch(format!("{} holds run {}", path.display(), file.record.run)));
        }
        Ok(file.record)
    }

    /// Run files by run index, ascending (other files are ignored).
    ///
    /// # Errors
    /// [`RecordError::Io`] when the directory cannot be read.
    pub fn list(&self) -> Result<Vec<(u64, PathBuf)>, RecordError> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(|e| RecordError::io(&self.dir, e))? {
            let entry = entry.map_err(|e| RecordError::io(&self.dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(run) =
                name.strip_prefix("run-").and_then(|s| s.strip_suffix(".json")).and_then(|s| s.parse().ok())
            {
                out.push((run, entry.path()));
            }
        }
        out.sort();
        Ok(out)
    }

    /// Finds the finished runs of a plan of `planned` runs. A run file that does not
    /// parse, belongs to another plan or names a run outside the plan is discarded;
    /// temporary files of interrupted writes too. With `repair` they are removed.
    ///
    /// # Errors
    /// [`RecordError::Io`] when the directory cannot be read or a file removed.
    pub fn scan(&self, planned: u64, repair: bool) -> Result<Scan, RecordError> {
        let mut scan = Scan::default();
        for entry in std::fs::read_dir(&self.dir).map_err(|e| RecordError::io(&self.dir, e))? {
            let entry = entry.map_err(|e| RecordError::io(&self.dir, e))?;
            if is_temporary(&entry.file_name().to_string_lossy()) {
                scan.temporary += 1;
                if repair {
                    std::fs::remove_file(entry.path()).map_err(|e| RecordError::io(entry.path(), e))?;
                }
            }
        }
        for (run, path) in self.list()? {
            let problem = match self.read_path(run, &path) {
                Ok(_) if run >= planned => {
                    Some(format!("{}: run {run} is outside the plan of {planned} runs", path.display()))
                }
                Ok(_) => None,
                Err(e) => Some(e.to_string()),
            };
            match problem {
                None => {
                    scan.finished.insert(run);
                }
                Some(p) => {
                    scan.discarded.push(p);
                    if repair {
                        std::fs::remove_file(&path).map_err(|e| RecordError::io(&path, e))?;
                    }
                }
            }
        }
        Ok(scan)
    }

    /// Rebuilds the combined outputs of the result directory from every run file.
    ///
    /// # Errors
    /// As [`write_outputs`]; a damaged run file is an error here (scan with repair first).
    pub fn rebuild(&self, manifest: &Manifest) -> Result<Written, RecordError> {
        let files = self.list()?;
        let out = self.dir.parent().unwrap_or(&self.dir).to_owned();
        write_outputs(&out, manifest, || files.iter().map(|(run, path)| self.read_path(*run, path)))
    }
}

/// Run indices of the run files in result directory `dir` (none when it has no `runs`).
fn run_indices(dir: &Path) -> Result<BTreeSet<u64>, RecordError> {
    let runs = dir.join(RUNS_DIR);
    if !runs.is_dir() {
        return Ok(BTreeSet::new());
    }
    let store = RunStore { dir: runs, plan_hash: String::new(), build_id: String::new() };
    Ok(store.list()?.into_iter().map(|(r, _)| r).collect())
}

/// Up to `n` of `runs` as a list, with how many more there are.
fn some_runs(runs: &[u64], n: usize) -> String {
    let shown: Vec<String> = runs.iter().take(n).map(u64::to_string).collect();
    match runs.len().saturating_sub(n) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// Merges the result directories `inputs` (shards of one plan) into `out`: copies every
/// run file and rebuilds the combined outputs. The result is byte-identical to a
/// one-machine sweep of the same plan, apart from `timing.csv` and the run files' timing.
/// Unless `allow_partial`, the inputs (with what `out` already holds) must cover every
/// run of the plan; nothing is written otherwise.
///
/// # Errors
/// [`RecordError::Mismatch`] when an input has no manifest, a directory is given twice,
/// the inputs (or an existing `out`) belong to different plans or builds, the runs do not
/// cover the plan (without `allow_partial`), a run file is damaged, or one run has
/// different results in two inputs; [`RecordError::Io`] when `out` cannot be written.
pub fn merge(inputs: &[PathBuf], out: &Path, allow_partial: bool) -> Result<(Manifest, Written), RecordError> {
    let mut seen: Vec<(PathBuf, &PathBuf)> = Vec::new();
    for dir in inputs {
        let real = std::fs::canonicalize(dir).map_err(|e| RecordError::io(dir, e))?;
        if let Some((_, first)) = seen.iter().find(|(r, _)| *r == real) {
            return Err(RecordError::Mismatch(format!(
                "{} is given twice ({} is the same directory): give each shard directory once",
                dir.display(),
                first.display()
            )));
        }
        seen.push((real, dir));
    }
    let mut manifest: Option<Manifest> = None;
    for dir in inputs {
        let m = Manifest::read(dir)?.ok_or_else(|| {
            RecordError::Mismatch(format!("{} is not a goalspace result directory (no manifest.json)", dir.display()))
        })?;
        if let Some(first) = &manifest
            && first.conflicts_with(&m)
        {
            return Err(RecordError::Mismatch(format!(
                "{} and {} hold different plans: {}",
                inputs[0].display(),
                dir.display(),
                first.conflict_message(&m)
            )));
        }
        manifest.get_or_insert(m);
    }
    let manifest = manifest.ok_or_else(|| RecordError::Mismatch("merge needs at least one directory".into()))?;
    if let Some(existing) = Manifest::read(out)?
        && existing.conflicts_with(&manifest)
    {
        return Err(RecordError::Mismatch(format!(
            "{} already holds another plan: {}",
            out.display(),
            existing.conflict_message(&manifest)
        )));
    }
    let mut covered = run_indices(out)?;
    for dir in inputs {
        covered.extend(run_indices(dir)?);
    }
    let missing: Vec<u64> = (0..manifest.runs_planned).filter(|r| !covered.contains(r)).collect();
    if !missing.is_empty() && !allow_partial {
        return Err(RecordError::Mismatch(format!(
            "the directories hold {} of the {} planned runs; missing run{} {}: merge the directories of every \
             shard, or pass --allow-partial to merge what there is",
            manifest.runs_planned - missing.len() as u64,
            manifest.runs_planned,
            if missing.len() == 1 { "" } else { "s" },
            some_runs(&missing, 8)
        )));
    }
    prepare_dir(out)?;
    let target = RunStore::open(out, &manifest.plan_hash)?.with_build_id(&manifest.build_id);
    let present: BTreeSet<u64> = target.list()?.into_iter().map(|(r, _)| r).collect();
    for dir in inputs {
        let source = RunStore {
            dir: dir.join(RUNS_DIR),
            plan_hash: manifest.plan_hash.clone(),
            build_id: manifest.build_id.clone(),
        };
        if !source.dir.is_dir() {
            continue;
        }
        for (run, path) in source.list()? {
            let record = source.read_path(run, &path).map_err(|e| {
                RecordError::Mismatch(format!("{e}; repair {} with `goalspace sweep ... --resume`", dir.display()))
            })?;
            let name = RunStore::file_name(run);
            if present.contains(&run) || target.dir.join(&name).exists() {
                let theirs = target.read_path(run, &target.dir.join(&name))?;
                if theirs.without_timing() != record.without_timing() {
                    return Err(RecordError::Mismatch(format!(
                        "run {run} has different results in {} and {}",
                        path.display(),
                        target.dir.join(&name).display()
                    )));
                }
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|e| RecordError::io(&path, e))?;
            write_atomic(&target.dir, &name, &bytes)?;
        }
    }
    let written = target.rebuild(&manifest)?;
    let mut manifest = manifest;
    manifest.runs_recorded = written.runs;
    Ok((manifest, written))
}
