//! Where each value of a document sits in its text: a JSON pointer → `line:column` index.
//!
//! `serde_json`, `serde_yaml` and `openapiv3` keep no positions, so when a diagnostic needs
//! one the text is scanned again by a position-aware pass: a small hand-written scanner for
//! JSON (`json`) and the `saphyr-parser` event stream for YAML (`yaml`). This only ever
//! runs on the error path.

mod json;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;

use crate::parse::Format;

/// A 1-based `line:column` position in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

/// Where a pointer was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The position of the value (for an object member: of its key).
    pub position: Position,
    /// The pointer that was found: the one asked for, or its closest ancestor present in the
    /// text (after normalisation a pointer may name a value the file does not spell out).
    pub found: String,
}

/// The positions of every value in one document, by JSON pointer (`/paths/~1pets/get`).
#[derive(Debug, Clone, Default)]
pub struct PositionIndex {
    positions: BTreeMap<String, Position>,
}

impl PositionIndex {
    /// Indexes `text`, parsed as YAML for a `.yaml`/`.yml` `path` and as JSON otherwise.
    ///
    /// A text that does not parse gives the positions found up to the error.
    pub fn new(path: &Path, text: &str) -> Self {
        let mut index = Self::default();
        match Format::of(path) {
            Format::Json => json::index(text, &mut index),
            Format::Yaml => yaml::index(text, &mut index),
        }
        index
    }

    /// The position of `pointer` (with or without a leading `#`), or of its closest ancestor
    /// that is in the text.
    pub fn locate(&self, pointer: &str) -> Option<Located> {
        let mut current = pointer.strip_prefix('#').unwrap_or(pointer);
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(Located {
                    position: *position,
                    found: current.to_owned(),
                });
            }
            if current.is_empty() {
                return None;
            }
            current = match current.rfind('/') {
                Some(index) => &current[..index],
                None => "",
            };
        }
    }

    /// The pointer of the last value that starts at or before `position` (for a syntax error:
    /// what was being read when it happened).
    pub fn pointer_before(&self, position: Position) -> Option<&str> {
        self.positions
            .iter()
            .filter(|(_, at)| **at <= position)
            .max_by(|(a_pointer, a), (b_pointer, b)| a.cmp(b).then(a_pointer.len().cmp(&b_pointer.len())))
            .map(|(pointer, _)| pointer.as_str())
    }

    /// How many values were indexed.
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// Whether nothing was indexed.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    fn insert(&mut self, pointer: String, position: Position) {
        self.positions.insert(pointer, position);
    }
}

#[cfg(test)]
mod tests;
