//! The figures of the goalspace guide and the compile check of its Rust snippets.
//!
//! [`data`] computes each figure from the exact ledger or from fixed-seed training runs,
//! [`plot`] renders it to SVG, and the `goalspace-figures` binary writes every figure
//! into `book/src/figures/`:
//!
//! ```sh
//! cargo run --release -p goalspace-figures            # all figures
//! cargo run --release -p goalspace-figures -- flip-point traps
//! ```
//!
//! Every page of the guide that holds Rust code is included below as the documentation
//! of a private module, so `cargo test --doc -p goalspace-figures` compiles and runs each
//! snippet against the workspace.

pub mod data;
pub mod plot;

pub use data::FIGURES;
pub use plot::{Figure, render_svg};

/// Pages of `book/src` whose Rust snippets are compiled as doc tests, relative to `book/src`.
pub const PAGES_WITH_RUST: [&str; 3] = ["extending.md", "reference/schedule.md", "concepts/selection-and-slack.md"];

#[cfg(doctest)]
#[doc = include_str!("../../src/extending.md")]
mod extending_page {}

#[cfg(doctest)]
#[doc = include_str!("../../src/reference/schedule.md")]
mod schedule_page {}

#[cfg(doctest)]
#[doc = include_str!("../../src/concepts/selection-and-slack.md")]
mod selection_page {}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn pages(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                pages(&p, out);
            } else if p.extension().is_some_and(|e| e == "md") {
                out.push(p);
            }
        }
    }

    /// Every page with a Rust code block is in [`super::PAGES_WITH_RUST`] (and so compiled
    /// as a doc test), and every listed page has Rust code.
    #[test]
    fn every_page_with_rust_code_is_compiled() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../src");
        let mut all = Vec::new();
        pages(&src, &mut all);
        let mut with_rust: Vec<String> = all
            .iter()
            .filter(|p| std::fs::read_to_string(p).unwrap().lines().any(|l| l.trim_start().starts_with("```rust")))
            .map(|p| p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        with_rust.sort();
        let mut listed: Vec<String> = super::PAGES_WITH_RUST.iter().map(|s| (*s).to_owned()).collect();
        listed.sort();
        assert_eq!(with_rust, listed, "add each page with ```rust blocks to PAGES_WITH_RUST and a doctest module");
    }
}
