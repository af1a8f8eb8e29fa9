//! The one error type of recording: IO with the path involved, encoder failures, and
//! inputs (run files, shard directories) that do not fit together.

use std::path::PathBuf;

/// Why a result could not be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// A file or directory could not be created, written, read or renamed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The parquet or arrow encoder failed.
    #[error("parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// Building an arrow batch failed.
    #[error("arrow: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// The CSV encoder failed.
    #[error("csv: {0}")]
    Csv(#[from] csv::Error),
    /// JSON could not be written or parsed.
    #[error("{}: {source}", path.display())]
    Json {
        /// The file involved.
        path: PathBuf,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// Inputs that do not fit together: shards of different plans, a run recorded twice
    /// with different results, a run file that names another run.
    #[error("{0}")]
    Mismatch(String),
}

impl RecordError {
    /// An IO error at `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        RecordError::Io { path: path.into(), source }
    }

    /// True when the error is the user's input (a mismatch), not a failure to write.
    pub fn is_mismatch(&self) -> bool {
        matches!(self, RecordError::Mismatch(_))
    }
}
