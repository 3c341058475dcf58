//! Which operations the attribute selects, and whether the names it gives (operation ids,
//! tags) are the spec's: read from conductor_spec's walk, before any operation is modelled.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Origin, Part};
use crate::names::closest;
use crate::settings::Key;

/// Which operations to generate (empty lists select everything).
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection<'s> {
    pub(crate) tags: &'s [String],
    pub(crate) operations: &'s [String],
    pub(crate) exclude: &'s [String],
}

impl Selection<'_> {
    /// Whether the operation `id`, tagged `tags`, is generated.
    pub(crate) fn includes(&self, id: &str, tags: &[String]) -> bool {
        if self.exclude.iter().any(|e| e == id) {
            return false;
        }
        if self.tags.is_empty() && self.operations.is_empty() {
            return true;
        }
        self.operations.iter().any(|o| o == id) || tags.iter().any(|t| self.tags.contains(t))
    }
}

/// Every operation id (derived from method and path where the spec has none) and every tag of
/// the bundled document `raw`.
pub(crate) fn ids_and_tags(raw: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut ids = BTreeSet::new();
    let mut tags = BTreeSet::new();
    for operation in conductor_spec::operations(raw) {
        ids.insert(operation.id().into_owned());
        let own_tags = operation.operation.get("tags").and_then(Value::as_array);
        tags.extend(
            own_tags
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
    }
    (ids, tags)
}

/// Errors for tags and operation ids in the selection that the spec does not have, each with
/// the closest existing name as a suggestion.
pub(crate) fn unknown_selection(raw: &Value, selection: &Selection<'_>) -> Vec<Diagnostic> {
    if selection.operations.is_empty() && selection.exclude.is_empty() && selection.tags.is_empty() {
        return Vec::new();
    }
    let (ids, tags) = ids_and_tags(raw);
    let mut errors = Vec::new();
    for (kind, key, names, known) in [
        ("operation", Key::Operations, selection.operations, &ids),
        ("operation", Key::ExcludeOperations, selection.exclude, &ids),
        ("tag", Key::Tags, selection.tags, &tags),
    ] {
        for (index, name) in names.iter().enumerate().filter(|(_, n)| !known.contains(*n)) {
            let hint = closest(name, known.iter().map(String::as_str))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            errors.push(Diagnostic::setting(
                Origin::Entry {
                    key,
                    index,
                    part: Part::Whole,
                },
                format!("`{key}` names the {kind} `{name}`, which the spec does not have{hint}"),
            ));
        }
    }
    errors
}
