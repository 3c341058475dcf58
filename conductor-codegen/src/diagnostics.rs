//! Problems and warnings the generator reports.

use std::fmt;
use std::path::PathBuf;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// Generation went on with a documented fallback (e.g. `serde_json::Value`).
    Warning,
    /// The spec cannot be expanded.
    Error,
}

/// One problem found in a spec, located by file and JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// The file it concerns, when known.
    pub file: Option<PathBuf>,
    /// The JSON pointer of the offending value (`#/paths/~1pets/get`), when known.
    pub pointer: Option<String>,
    /// `line:column` in the file, when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong, and what to do about it.
    pub message: String,
}

impl Diagnostic {
    pub(crate) fn warning(pointer: &str, message: String) -> Self {
        Self {
            severity: Severity::Warning,
            file: None,
            pointer: Some(pointer.to_owned()),
            position: None,
            message,
        }
    }

    pub(crate) fn error(file: Option<PathBuf>, pointer: Option<String>, message: String) -> Self {
        Self {
            severity: Severity::Error,
            file,
            pointer,
            position: None,
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some((line, column)) = self.position {
                write!(f, ":{line}:{column}")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)?;
        if let Some(pointer) = &self.pointer {
            write!(f, " (at {pointer})")?;
        }
        Ok(())
    }
}

/// The problems that stopped an expansion, and the files read before it stopped.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// Every problem found.
    pub diagnostics: Vec<Diagnostic>,
    /// Files that were read (for rebuild tracking even on failure).
    pub files: Vec<PathBuf>,
}

impl Problems {
    /// The problems.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter()
    }

    /// Files that should still be tracked so fixing them triggers a rebuild.
    pub fn tracked_files(&self) -> &[PathBuf] {
        &self.files
    }
}
