//! Operations: unique `operationId`s, and path templates whose parameters match the
//! declared `in: path` parameters.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::findings::{child, Findings};
use super::params;

pub(super) fn check(document: &Value, findings: &mut Findings) {
    let mut operation_ids: BTreeMap<&str, String> = BTreeMap::new();
    for entry in conductor_spec::path_items(document) {
        // Not a path item behind a `$ref`: one shared by two paths would repeat its ids here.
        let Some(item) = entry.item.and_then(Value::as_object) else {
            continue;
        };
        if entry.reference.is_some() || item.contains_key("$ref") {
            continue;
        }
        let (path, item_pointer) = (entry.path, &entry.pointer);
        let template = template_names(path);
        let shared = declared(
            document,
            item.get("parameters"),
            &format!("{item_pointer}/parameters"),
            findings,
        );
        for (name, pointer) in &shared {
            if !template.contains(name.as_str()) {
                findings.error(
                    pointer.clone(),
                    format!("the path parameter `{name}` is declared but `{path}` has no `{{{name}}}`"),
                );
            }
        }
        for walked in entry.operations() {
            let operation = walked.operation;
            let operation_pointer = &walked.pointer;
            // A blank `operationId` counts as absent: the id is derived.
            if let Some(id) = walked.given_id() {
                let id_pointer = child(operation_pointer, "operationId");
                match operation_ids.get(id) {
                    Some(first) => findings.errors.push(
                        crate::diagnostics::Diagnostic::at(
                            id_pointer,
                            format!("duplicate operationId `{id}`; operation ids must be unique"),
                        )
                        .with_related("first used", first.clone()),
                    ),
                    None => {
                        operation_ids.insert(id, id_pointer);
                    }
                }
            }
            let own = declared(
                document,
                operation.get("parameters"),
                &format!("{operation_pointer}/parameters"),
                findings,
            );
            for (name, pointer) in &own {
                if !template.contains(name.as_str()) {
                    findings.error(
                        pointer.clone(),
                        format!("the path parameter `{name}` is declared but `{path}` has no `{{{name}}}`"),
                    );
                }
            }
            for name in &template {
                if !shared.contains_key(*name) && !own.contains_key(*name) {
                    findings.error(
                        operation_pointer.clone(),
                        format!(
                            "`{} {path}` does not declare its path parameter `{name}`; add a parameter with `name: {name}`, `in: path` and `required: true`",
                            walked.method
                        ),
                    );
                }
            }
        }
    }
}

/// The `{name}`s of a path template.
fn template_names(path: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.insert(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

/// Checks a `parameters` list and returns its `in: path` parameters: name → pointer.
fn declared(
    document: &Value,
    parameters: Option<&Value>,
    pointer: &str,
    findings: &mut Findings,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(list) = parameters else { return out };
    let Some(list) = list.as_array() else {
        findings.error(pointer.to_owned(), "`parameters` must be a list".to_owned());
        return out;
    };
    for (index, parameter) in list.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        params::check(parameter, &at, findings);
        let Some(resolved) = conductor_spec::resolve_refs(document, parameter).map(|r| r.value) else {
            continue;
        };
        if resolved.get("in").and_then(Value::as_str) == Some("path") {
            if let Some(name) = resolved.get("name").and_then(Value::as_str) {
                out.insert(name.to_owned(), at);
            }
        }
    }
    out
}
