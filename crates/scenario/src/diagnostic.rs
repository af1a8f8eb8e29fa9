//! What goes wrong in a scenario and where: a [`Diagnostic`] names the file, the
//! line and column, the parameter, the problem, the allowed range and a hint, so a
//! user can fix every mistake of a file in one pass.

use std::fmt;
use std::path::PathBuf;

/// The kind of problem a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagnosticKind {
    /// The text is not valid TOML.
    Syntax,
    /// A key that is not a parameter (the hint names the nearest valid key).
    UnknownKey,
    /// A value of the wrong TOML type (a string where a number belongs, ...).
    WrongType,
    /// A number outside its allowed range, or a name outside its allowed set.
    OutOfRange,
    /// NaN or an infinity where a finite number belongs.
    NotFinite,
    /// Parameters valid one by one that contradict each other, such as a goal layout
    /// with content_bits + horizon_bits + ambition_bits > 128.
    Inconsistent,
    /// A trait distribution that is malformed or leaves its trait's range.
    InvalidDistribution,
    /// A selection-strength schedule that is malformed.
    InvalidSchedule,
    /// A `--set` override that is not `KEY=VALUE` or whose value does not parse.
    InvalidSet,
    /// The final check of the typed run (`TrainingRun::validate`) rejected it.
    Rejected,
    /// A scenario file that sets no parameter at all (empty, or only comments): it would
    /// run every default, which is rarely what was meant.
    NoParameters,
    /// A sweep axis that lists the same value twice (`[0.1, 0.2, 0.1]`, or `1` and `1.0`
    /// for a number): its grid points would run twice.
    DuplicateValue,
}

/// One problem found in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Where the value came from: the file name, or `--set KEY=VALUE` for an override.
    pub origin: String,
    /// 1-based line of the offending key, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the offending key, when known.
    pub column: Option<usize>,
    /// Dotted parameter key (empty for a syntax error).
    pub parameter: String,
    /// Kind of problem.
    pub kind: DiagnosticKind,
    /// The problem, in one sentence.
    pub message: String,
    /// The allowed range or set of values, when there is one.
    pub range: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic without position, range or hint.
    pub(crate) fn new(origin: &str, parameter: &str, kind: DiagnosticKind, message: String) -> Self {
        Self {
            origin: origin.to_owned(),
            line: None,
            column: None,
            parameter: parameter.to_owned(),
            kind,
            message,
            range: None,
            hint: None,
        }
    }

    /// Sets the allowed range.
    pub(crate) fn with_range(mut self, range: impl ToString) -> Self {
        self.range = Some(range.to_string());
        self
    }

    /// Sets the hint.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario file could not be read.
    #[error("cannot read scenario file {}: {source}", path.display())]
    Io {
        /// The file that was asked for.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The scenario has one or more problems, all listed.
    #[error("{}", render(diagnostics))]
    Invalid {
        /// Every problem found, in file order; overrides last.
        diagnostics: Vec<Diagnostic>,
    },
}

impl ScenarioError {
    /// The diagnostics (empty for [`ScenarioError::Io`]).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ScenarioError::Io { .. } => &[],
            ScenarioError::Invalid { diagnostics } => diagnostics,
        }
    }
}

fn render(diagnostics: &[Diagnostic]) -> String {
    let n = diagnostics.len();
    let mut out = format!("{n} problem{} in scenario", if n == 1 { "" } else { "s" });
    for d in diagnostics {
        out.push('\n');
        out.push_str(&d.to_string());
    }
    out
}
