//! Gives diagnostics their file and `line:column`: pointers into the bundled document are
//! traced back to the file they were written in, and that file is indexed (once, and only
//! when a diagnostic needs it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use conductor_spec::positions::PositionIndex;
use conductor_spec::Origins;

use crate::diagnostics::Diagnostic;

pub(crate) struct Locator {
    root: PathBuf,
    origins: Origins,
    texts: BTreeMap<PathBuf, String>,
    indexes: BTreeMap<PathBuf, Option<PositionIndex>>,
}

impl Locator {
    pub(crate) fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            origins: Origins::default(),
            texts: BTreeMap::new(),
            indexes: BTreeMap::new(),
        }
    }

    /// The text of `file`, when it is already in memory.
    pub(crate) fn remember(&mut self, file: &Path, text: String) {
        self.texts.insert(file.to_path_buf(), text);
    }

    /// Positions in the root file are not wanted (its document came from memory).
    pub(crate) fn without_root_text(&mut self) {
        self.indexes.insert(self.root.clone(), None);
    }

    pub(crate) fn set_origins(&mut self, origins: Origins) {
        self.origins = origins;
    }

    pub(crate) fn locate_all<'d>(&mut self, diagnostics: impl IntoIterator<Item = &'d mut Diagnostic>) {
        for diagnostic in diagnostics {
            self.locate(diagnostic);
        }
    }

    fn locate(&mut self, diagnostic: &mut Diagnostic) {
        if let Some(pointer) = diagnostic.pointer.clone() {
            let (file, pointer) = self.source(diagnostic.file.as_deref(), &pointer);
            if diagnostic.position.is_none() {
                diagnostic.position = self.position(&file, &pointer);
            }
            diagnostic.pointer = Some(format!("#{pointer}"));
            diagnostic.file = Some(file);
        } else if let (Some(file), Some((line, column))) = (diagnostic.file.clone(), diagnostic.position) {
            // A syntax error: name what was being read.
            let position = conductor_spec::positions::Position { line, column };
            if let Some(Some(index)) = self.index(&file) {
                if let Some(pointer) = index.pointer_before(position) {
                    diagnostic.pointer = Some(format!("#{pointer}"));
                }
            }
        } else if diagnostic.file.is_none() {
            diagnostic.file = Some(self.root.clone());
        }
        for related in &mut diagnostic.related {
            let (file, pointer) = self.source(related.file.as_deref(), &related.pointer);
            related.position = self.position(&file, &pointer);
            related.pointer = format!("#{pointer}");
            related.file = Some(file);
        }
    }

    /// The file and pointer (without `#`) where a value was written: a diagnostic without a
    /// file is about the bundled root document.
    fn source(&self, file: Option<&Path>, pointer: &str) -> (PathBuf, String) {
        let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        match file {
            Some(file) => (file.to_path_buf(), pointer.to_owned()),
            None => {
                let (file, pointer) = self.origins.source_of(&self.root, pointer);
                // Keep the root as the caller spelled it.
                if file == conductor_spec_normalized(&self.root) {
                    (self.root.clone(), pointer)
                } else {
                    (file, pointer)
                }
            }
        }
    }

    fn index(&mut self, file: &Path) -> Option<&Option<PositionIndex>> {
        if !self.indexes.contains_key(file) {
            let text = match self.texts.get(file) {
                Some(text) => Some(text.clone()),
                None => std::fs::read_to_string(file).ok(),
            };
            let index = text.map(|text| PositionIndex::new(file, &text));
            self.indexes.insert(file.to_path_buf(), index);
        }
        self.indexes.get(file)
    }

    fn position(&mut self, file: &Path, pointer: &str) -> Option<(usize, usize)> {
        let located = self.index(file)?.as_ref()?.locate(pointer)?;
        Some((located.position.line, located.position.column))
    }
}

/// The lexically normalised form of a path (what the bundler keys files by).
fn conductor_spec_normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
