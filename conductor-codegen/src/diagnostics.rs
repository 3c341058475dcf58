//! Problems and warnings the generator reports.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::settings::Key;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// Generation went on with a documented fallback (e.g. `serde_json::Value`).
    Warning,
    /// The spec cannot be expanded.
    Error,
}

/// One problem found in a spec or in the settings, located by file, JSON pointer and
/// `line:column`; [`Diagnostic::origin`] says which of the two it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// How serious it is.
    pub severity: Severity,
    /// What it is about: a place in the spec, or a value of the [`Settings`](crate::Settings).
    /// The `#[connector]` attribute places its error on the value this names.
    pub origin: Origin,
    /// The file it concerns, when known.
    pub file: Option<PathBuf>,
    /// The JSON pointer of the offending value (`#/paths/~1pets/get`), when known.
    pub pointer: Option<String>,
    /// `line:column` in the file (both from 1), when known.
    pub position: Option<(usize, usize)>,
    /// What is wrong, and what to do about it.
    pub message: String,
    /// Other places that take part in the problem (the first of two duplicates, ...).
    pub related: Vec<Related>,
}

/// What a [`Diagnostic`] is about, as data (never to be read back from its message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// A place in the spec: [`Diagnostic::file`], [`Diagnostic::pointer`] and
    /// [`Diagnostic::position`] say where.
    Spec,
    /// The value of a setting (`envelope = "..."`).
    Setting(Key),
    /// One entry of a list setting: `tags = ["a", "b"]`'s entry `index`; for a list of pairs
    /// (`rename`, `pagination`), `part` says which of the two strings.
    Entry {
        /// The setting.
        key: Key,
        /// The entry's index in the list, from 0.
        index: usize,
        /// Which part of the entry.
        part: Part,
    },
}

/// Which part of a list entry an [`Origin::Entry`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The whole entry (a string of `tags`, `operations`, `exclude_operations`).
    Whole,
    /// The first string of a pair: what `rename` renames, the operation `pagination` declares.
    First,
    /// The second string of a pair: the new name, the pagination declaration.
    Second,
}

/// Another place a [`Diagnostic`] refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Related {
    /// What this place is (`first defined`).
    pub label: String,
    /// The file, when known.
    pub file: Option<PathBuf>,
    /// The JSON pointer of the place.
    pub pointer: String,
    /// `line:column` in the file, when known.
    pub position: Option<(usize, usize)>,
}

impl Diagnostic {
    pub(crate) fn warning(pointer: &str, message: String) -> Self {
        Self {
            severity: Severity::Warning,
            origin: Origin::Spec,
            file: None,
            pointer: Some(pointer.to_owned()),
            position: None,
            message,
            related: Vec::new(),
        }
    }

    pub(crate) fn error(file: Option<PathBuf>, pointer: Option<String>, message: String) -> Self {
        Self {
            severity: Severity::Error,
            origin: Origin::Spec,
            file,
            pointer,
            position: None,
            message,
            related: Vec::new(),
        }
    }

    /// An error about a value of the settings, not a place in the spec (no file or pointer: it
    /// is reported against the spec being generated).
    pub(crate) fn setting(origin: Origin, message: String) -> Self {
        Self {
            origin,
            ..Self::error(None, None, message)
        }
    }

    /// An error about the value at `pointer` (with a leading `#`) of the root document.
    pub(crate) fn at(pointer: String, message: String) -> Self {
        Self::error(None, Some(pointer), message)
    }

    pub(crate) fn with_related(mut self, label: &str, pointer: String) -> Self {
        self.related.push(Related {
            label: label.to_owned(),
            file: None,
            pointer,
            position: None,
        });
        self
    }

    /// Rewrites the file paths of this diagnostic relative to `base` (the directory the spec
    /// path was given relative to), so messages do not depend on where a checkout lives.
    pub fn relative_to(&mut self, base: &Path) {
        if let Some(file) = &mut self.file {
            *file = relative_path(file, base);
        }
        for related in &mut self.related {
            if let Some(file) = &mut related.file {
                *file = relative_path(file, base);
            }
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
        for related in &self.related {
            write!(f, "; {} at ", related.label)?;
            if let Some(file) = &related.file {
                write!(f, "{}", file.display())?;
                if let Some((line, column)) = related.position {
                    write!(f, ":{line}:{column}")?;
                }
                f.write_str(" ")?;
            }
            write!(f, "({})", related.pointer)?;
        }
        Ok(())
    }
}

/// `path` relative to `base` (both as given; `..` where they part), or `path` itself when
/// they share no root.
pub fn relative_path(path: &Path, base: &Path) -> PathBuf {
    if let Ok(inside) = path.strip_prefix(base) {
        return inside.to_path_buf();
    }
    let path_parts: Vec<Component<'_>> = path.components().collect();
    let base_parts: Vec<Component<'_>> = base.components().collect();
    let common = path_parts.iter().zip(&base_parts).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..base_parts.len() {
        out.push("..");
    }
    for part in &path_parts[common..] {
        out.push(part.as_os_str());
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        let base = Path::new("/w/tests/ui");
        assert_eq!(
            relative_path(Path::new("/w/tests/ui/specs/a.yaml"), base),
            PathBuf::from("specs/a.yaml")
        );
        assert_eq!(
            relative_path(Path::new("/w/specs/a.yaml"), base),
            PathBuf::from("../../specs/a.yaml")
        );
        assert_eq!(
            relative_path(Path::new("rel/a.yaml"), base),
            PathBuf::from("rel/a.yaml")
        );
    }

    #[test]
    fn display_names_file_position_pointer_and_related() {
        let mut diagnostic = Diagnostic::at("#/paths/~1a/get/operationId".to_owned(), "duplicate".to_owned())
            .with_related("first defined", "#/paths/~1b/get/operationId".to_owned());
        diagnostic.file = Some(PathBuf::from("/w/specs/a.yaml"));
        diagnostic.position = Some((3, 7));
        diagnostic.related[0].file = Some(PathBuf::from("/w/specs/a.yaml"));
        diagnostic.related[0].position = Some((9, 7));
        diagnostic.relative_to(Path::new("/w"));
        assert_eq!(
            diagnostic.to_string(),
            "specs/a.yaml:3:7: duplicate (at #/paths/~1a/get/operationId); first defined at specs/a.yaml:9:7 (#/paths/~1b/get/operationId)"
        );
    }
}
