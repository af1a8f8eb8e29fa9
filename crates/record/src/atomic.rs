//! Atomic writes: every result file is written to a temporary file in its target
//! directory and renamed over the target only when complete, so a reader (or an
//! interrupted process) sees either the old file or the new one, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::RecordError;

/// Creates `dir` (and its parents) and checks that a file can be created in it.
///
/// # Errors
/// [`RecordError::Io`] naming `dir` when it cannot be created or written to.
pub fn prepare_dir(dir: &Path) -> Result<(), RecordError> {
    std::fs::create_dir_all(dir).map_err(|e| RecordError::io(dir, e))?;
    let probe = tempfile::Builder::new().prefix(".probe").tempfile_in(dir).map_err(|e| RecordError::io(dir, e))?;
    drop(probe);
    Ok(())
}

/// Writes `bytes` to `dir/name` atomically.
///
/// # Errors
/// [`RecordError::Io`] when the temporary file cannot be written or renamed.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), RecordError> {
    let mut f = AtomicFile::new(dir, name)?;
    f.write_all(bytes).map_err(|e| RecordError::io(f.target(), e))?;
    f.commit()
}

/// A file being written: a temporary file in the target's directory until
/// [`AtomicFile::commit`] renames it over the target. Dropped uncommitted, it vanishes.
#[derive(Debug)]
pub struct AtomicFile {
    tmp: tempfile::NamedTempFile,
    target: PathBuf,
}

impl AtomicFile {
    /// Starts writing `dir/name`. Temporary names start with `.tmp`.
    ///
    /// # Errors
    /// [`RecordError::Io`] when the temporary file cannot be created.
    pub fn new(dir: &Path, name: &str) -> Result<Self, RecordError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix(".tmp");
        // Result files are for reading by others: rw-r--r--, not the private default of temporary files.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        let tmp = builder.tempfile_in(dir).map_err(|e| RecordError::io(dir, e))?;
        Ok(Self { tmp, target: dir.join(name) })
    }

    /// The path the file will have once committed.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Flushes to disk and renames the file over its target.
    ///
    /// # Errors
    /// [`RecordError::Io`] when syncing or renaming fails.
    pub fn commit(self) -> Result<(), RecordError> {
        let target = self.target;
        self.tmp.as_file().sync_all().map_err(|e| RecordError::io(&target, e))?;
        self.tmp.persist(&target).map_err(|e| RecordError::io(&target, e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

/// True for the names of temporary files this module leaves behind when interrupted.
pub(crate) fn is_temporary(name: &str) -> bool {
    name.starts_with(".tmp") || name.starts_with(".probe")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut f = AtomicFile::new(dir.path(), "a.txt").unwrap();
            f.write_all(b"half").unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_atomic(dir.path(), "a.txt", b"whole").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.txt")).unwrap(), b"whole");
    }
}
