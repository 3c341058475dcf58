//! Renames given in the attribute: a component schema or an operation gets the Rust name the
//! user chose. Every rename is checked before generation: the source must exist, the target
//! must be a Rust identifier, and no two generated items may end up with the same name.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;

use crate::diagnostics::{Diagnostic, Origin, Part};
use crate::names::{closest, field_name, type_name};
use crate::settings::Key;

/// The renames split by what they apply to.
#[derive(Debug, Default, Clone)]
pub(crate) struct Renames {
    /// Component schema name → type name.
    pub(crate) types: BTreeMap<String, String>,
    /// Operation id → method name.
    pub(crate) methods: BTreeMap<String, String>,
}

fn is_identifier(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

/// Sorts the renames into type and method renames, with an error for each one that names
/// nothing, is not an identifier, or collides with another generated name.
pub(crate) fn check(
    document: &OpenAPI,
    raw: &serde_json::Value,
    renames: &[(String, String)],
) -> (Renames, Vec<Diagnostic>) {
    if renames.is_empty() {
        return (Renames::default(), Vec::new());
    }
    let schemas: Vec<String> = document
        .components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default();
    let operations: Vec<String> = crate::selection::ids_and_tags(raw).0.into_iter().collect();
    let mut result = Renames::default();
    let mut errors = Vec::new();
    // About an entry of `rename`, not a place in the spec.
    let error = |index: usize, part: Part, message: String| {
        Diagnostic::setting(
            Origin::Entry {
                key: Key::Rename,
                index,
                part,
            },
            message,
        )
    };
    for (index, (from, to)) in renames.iter().enumerate() {
        if !is_identifier(to) {
            errors.push(error(
                index,
                Part::Second,
                format!("`rename`: `{to}` (for `{from}`) is not a Rust identifier"),
            ));
            continue;
        }
        if schemas.contains(from) {
            result.types.insert(from.clone(), to.clone());
        } else if operations.contains(from) {
            result.methods.insert(from.clone(), to.clone());
        } else {
            let hint = closest(from, schemas.iter().chain(&operations).map(String::as_str))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            errors.push(error(
                index,
                Part::First,
                format!("`rename`: the spec has no schema or operation `{from}`{hint}"),
            ));
        }
    }
    // The names every type and method would get, and from which spec name.
    let mut type_names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for schema in &schemas {
        let name = result.types.get(schema).cloned().unwrap_or_else(|| type_name(schema));
        type_names.entry(name).or_default().push(schema.clone());
    }
    let mut method_names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for id in &operations {
        let name = result.methods.get(id).cloned().unwrap_or_else(|| field_name(id));
        method_names.entry(name).or_default().push(id.clone());
    }
    for (kind, names, renamed) in [
        ("schema", &type_names, &result.types),
        ("operation", &method_names, &result.methods),
    ] {
        for (from, to) in renamed {
            let Some(sources) = names.get(to) else { continue };
            let others: Vec<&String> = sources.iter().filter(|s| *s != from).collect();
            if let Some(other) = others.first() {
                // The entry that took effect (a later rename of the same name replaces an
                // earlier one); the name it chose is what to change.
                let index = renames
                    .iter()
                    .rposition(|(f, t)| f == from && t == to)
                    .unwrap_or_default();
                errors.push(error(
                    index,
                    Part::Second,
                    format!(
                        "`rename`: renaming the {kind} `{from}` to `{to}` collides with the name generated for `{other}`; choose another name"
                    ),
                ));
            }
        }
    }
    (result, errors)
}
