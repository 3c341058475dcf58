//! Where the values of a bundled document came from.
//!
//! Bundling brings values from other files into the root document; a diagnostic about such a
//! value must still name the file and pointer where the user wrote it. Each bundled value is
//! recorded as `(file, pointer) → (file it came from, pointer there)`, and
//! [`Origins::source_of`] follows these records from a pointer in the bundled document.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::bundle::normalize_path;

/// How many records one lookup may follow (references into references into ...).
const MAX_HOPS: usize = 64;

/// Records of where bundled values came from.
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// Per file: pointer prefix there → where the value at that prefix came from.
    entries: BTreeMap<PathBuf, BTreeMap<String, (PathBuf, String)>>,
}

impl Origins {
    pub(crate) fn insert(&mut self, file: &Path, pointer: &str, source_file: &Path, source_pointer: &str) {
        self.entries.entry(file.to_path_buf()).or_default().insert(
            pointer.to_owned(),
            (source_file.to_path_buf(), source_pointer.to_owned()),
        );
    }

    /// The file and pointer (without `#`) where the value at `pointer` of the document bundled
    /// from `root` was written.
    pub fn source_of(&self, root: &Path, pointer: &str) -> (PathBuf, String) {
        let mut file = normalize_path(root);
        let mut pointer = pointer.strip_prefix('#').unwrap_or(pointer).to_owned();
        for _ in 0..MAX_HOPS {
            let Some(records) = self.entries.get(&file) else { break };
            let found = ancestors(&pointer).find_map(|prefix| records.get(prefix).map(|source| (prefix, source)));
            let Some((prefix, (source_file, source_pointer))) = found else {
                break;
            };
            let rest = &pointer[prefix.len()..];
            pointer = format!("{source_pointer}{rest}");
            file = source_file.clone();
        }
        (file, pointer)
    }

    /// Whether nothing was recorded (the document is one file).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// `pointer` and each of its ancestors, longest first (the root `""` last).
fn ancestors(pointer: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(pointer);
    std::iter::from_fn(move || {
        let current = next?;
        next = current.rfind('/').map(|index| &current[..index]);
        Some(current)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_records_through_files() {
        let mut origins = Origins::default();
        origins.insert(
            Path::new("r.yaml"),
            "/components/schemas/Pet",
            Path::new("m.yaml"),
            "/Pet",
        );
        origins.insert(Path::new("m.yaml"), "/Pet/properties/tag", Path::new("t.yaml"), "/Tag");
        origins.insert(Path::new("r.yaml"), "/components/schemas/P", Path::new("x.yaml"), "/P");
        assert_eq!(
            origins.source_of(Path::new("./r.yaml"), "#/components/schemas/Pet/properties/tag/type"),
            (PathBuf::from("t.yaml"), "/Tag/type".to_owned())
        );
        assert_eq!(
            origins.source_of(Path::new("r.yaml"), "/components/schemas/Pets"),
            (PathBuf::from("r.yaml"), "/components/schemas/Pets".to_owned())
        );
        assert_eq!(
            origins.source_of(Path::new("r.yaml"), "/components/schemas/P/type"),
            (PathBuf::from("x.yaml"), "/P/type".to_owned())
        );
    }
}
