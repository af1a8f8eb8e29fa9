//! Writes goalspace results to disk; the crate docs are README.md.
#![doc = include_str!("../README.md")]

pub mod atomic;
pub mod error;
pub mod manifest;
pub mod outputs;
pub mod record;
pub mod store;
pub mod summary;

pub use atomic::{AtomicFile, prepare_dir, write_atomic};
pub use error::RecordError;
pub use manifest::{Manifest, sha256_hex};
pub use outputs::{ROW_GROUP_ROWS, Written, summary_document, write_outputs};
pub use record::{Cell, RunRecord, Series};
pub use store::{RunStore, Scan, merge};
pub use summary::{Stat, stat, summarize};
