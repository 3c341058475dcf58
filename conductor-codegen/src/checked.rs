//! The settings checked against the spec and parsed, once, before the model is built: the
//! model reads the typed values, and every problem is a diagnostic whose
//! [`Origin`](crate::Origin) names the setting (and the entry of a list) it is about.

use std::collections::{BTreeMap, BTreeSet};

use conductor_spec::LoadedSpec;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Origin, Part};
use crate::envelope::{self, Envelope};
use crate::names::closest;
use crate::pagination::{parse_declaration, Declared};
use crate::renames::{self, Renames};
use crate::selection::{self, Selection};
use crate::settings::{Key, Settings};

/// The settings, checked: what the model is built from.
pub(crate) struct Checked<'s> {
    /// The settings as given (the runtime path and the schemas are read from there).
    pub(crate) settings: &'s Settings,
    /// Which operations to generate.
    pub(crate) selection: Selection<'s>,
    /// The renames that name something, sorted into type and method renames.
    pub(crate) renames: Renames,
    /// Operation id → its pagination declaration, for each usable declaration.
    pub(crate) pagination: BTreeMap<String, Declared>,
    /// The error envelope, from the settings or else the document.
    pub(crate) envelope: Option<Envelope>,
}

/// Checks `settings` against `spec` and parses their declarations; the problems found, in the
/// order of the settings (selection, renames, pagination, envelope).
pub(crate) fn check<'s>(spec: &LoadedSpec, settings: &'s Settings) -> (Checked<'s>, Vec<Diagnostic>) {
    let selection = Selection {
        tags: &settings.tags,
        operations: &settings.operations,
        exclude: &settings.exclude_operations,
    };
    let mut errors = selection::unknown_selection(&spec.raw, &selection);
    let (renames, problems) = renames::check(&spec.document, &spec.raw, &settings.renames);
    errors.extend(problems);
    let pagination = pagination(&spec.raw, &settings.pagination, &mut errors);
    let envelope = match &settings.envelope {
        Some(text) => envelope::parse_attribute(text)
            .map_err(|problem| {
                errors.push(Diagnostic::setting(
                    Origin::Setting(Key::Envelope),
                    format!("`envelope` is `{text}`: {problem}"),
                ));
            })
            .ok(),
        None => envelope::from_document(&spec.raw)
            .map_err(|problem| {
                errors.push(Diagnostic::at("#/x-conductor-envelope".to_owned(), problem));
            })
            .ok()
            .flatten(),
    };
    let checked = Checked {
        settings,
        selection,
        renames,
        pagination,
        envelope,
    };
    (checked, errors)
}

/// The pagination declarations of the settings, parsed; an error for each that names an
/// operation the spec does not have, does not parse, or repeats an operation.
fn pagination(raw: &Value, declared: &[(String, String)], errors: &mut Vec<Diagnostic>) -> BTreeMap<String, Declared> {
    let mut parsed = BTreeMap::new();
    if declared.is_empty() {
        return parsed;
    }
    let (ids, _) = selection::ids_and_tags(raw);
    let mut seen = BTreeSet::new();
    for (index, (id, text)) in declared.iter().enumerate() {
        let at = |part| Origin::Entry {
            key: Key::Pagination,
            index,
            part,
        };
        if !ids.contains(id) {
            let hint = closest(id, ids.iter().map(String::as_str))
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            let message = format!("`pagination` names the operation `{id}`, which the spec does not have{hint}");
            errors.push(Diagnostic::setting(at(Part::First), message));
            continue;
        }
        let first = seen.insert(id.as_str());
        match parse_declaration(text) {
            Err(problem) => {
                let message = format!("`pagination` for `{id}` is `{text}`: {problem}");
                errors.push(Diagnostic::setting(at(Part::Second), message));
            }
            Ok(_) if !first => {
                let message = format!("`pagination` for `{id}` is `{text}`, but `{id}` was declared before");
                errors.push(Diagnostic::setting(at(Part::Second), message));
            }
            Ok(declaration) => {
                parsed.insert(id.clone(), declaration);
            }
        }
    }
    parsed
}
