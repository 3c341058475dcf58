//! Drift: what changed between the spec a connector was implemented from and today's, and
//! whether each change is compatible for a client built from the old one.
//!
//! Incompatible: an operation removed; a required parameter or request field added; a
//! parameter, field or body removed; a type changed; a field or parameter made optional or
//! required (the generated type changes between `T` and `Option<T>`); a response removed; an
//! enum value removed. Compatible: operations, optional parameters and optional fields added,
//! enum values added, and changes to documentation or constraints only.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use crate::spec_info;

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// Whether a client built from the old spec still works against the new one.
    pub(crate) compatible: bool,
    /// Where: `operation listPets`, `schema Pet`.
    pub(crate) at: String,
    /// What, e.g. "required parameter `limit` (query) added".
    pub(crate) what: String,
}

impl Change {
    fn to_json(&self) -> Value {
        json!({ "compatible": self.compatible, "at": self.at, "what": self.what })
    }
}

/// The drift report: `changed`, the versions, operations and schemas added, removed and
/// changed, and every classified change with the count of incompatible ones.
pub(crate) fn drift(before: &Value, after: &Value) -> Value {
    if before == after {
        return json!({ "changed": false, "incompatible": 0, "changes": [] });
    }
    let (ops_before, ops_after) = (operations(before), operations(after));
    let (schemas_before, schemas_after) = (schemas(before), schemas(after));
    let mut changes = Vec::new();
    for id in ops_before.keys().filter(|id| !ops_after.contains_key(*id)) {
        changes.push(change(false, format!("operation {id}"), "removed"));
    }
    for id in ops_after.keys().filter(|id| !ops_before.contains_key(*id)) {
        changes.push(change(true, format!("operation {id}"), "added"));
    }
    for (id, old) in &ops_before {
        if let Some(new) = ops_after.get(id) {
            let mut diff = Diff {
                before,
                after,
                at: format!("operation {id}"),
                out: &mut changes,
            };
            diff.operation(old, new);
        }
    }
    for name in schemas_before.keys().filter(|n| !schemas_after.contains_key(*n)) {
        changes.push(change(false, format!("schema {name}"), "removed"));
    }
    for name in schemas_after.keys().filter(|n| !schemas_before.contains_key(*n)) {
        changes.push(change(true, format!("schema {name}"), "added"));
    }
    for (name, old) in &schemas_before {
        if let Some(new) = schemas_after.get(name) {
            let count = changes.len();
            let mut diff = Diff {
                before,
                after,
                at: format!("schema {name}"),
                out: &mut changes,
            };
            diff.schema("", old, new);
            if changes.len() == count && old != new {
                changes.push(change(
                    true,
                    format!("schema {name}"),
                    "documentation or constraints changed",
                ));
            }
        }
    }
    let compare = |a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>| {
        let added: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        let removed: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        let changed: Vec<&String> = a
            .iter()
            .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
            .map(|(k, _)| k)
            .collect();
        json!({ "added": added, "removed": removed, "changed": changed })
    };
    json!({
        "changed": true,
        "version": [spec_info::title_and_version(before).1, spec_info::title_and_version(after).1],
        "operations": compare(&ops_before, &ops_after),
        "schemas": compare(&schemas_before, &schemas_after),
        "incompatible": changes.iter().filter(|c| !c.compatible).count(),
        "changes": changes.iter().map(Change::to_json).collect::<Vec<_>>(),
    })
}

fn change(compatible: bool, at: String, what: impl Into<String>) -> Change {
    Change {
        compatible,
        at,
        what: what.into(),
    }
}

/// Operation id → `{method, path, operation, parameters}` without documentation keys.
fn operations(raw: &Value) -> BTreeMap<String, Value> {
    spec_info::operations(raw)
        .into_iter()
        .map(|op| {
            let mut shape = spec_info::operation(raw, &op).cloned().unwrap_or(Value::Null);
            if let Some(object) = shape.as_object_mut() {
                for key in ["summary", "description", "tags", "externalDocs"] {
                    object.remove(key);
                }
            }
            let parameters: Vec<Value> = spec_info::parameters(raw, &op).into_iter().cloned().collect();
            let value =
                json!({ "method": op.method.as_str(), "path": op.path, "operation": shape, "parameters": parameters });
            (op.id.clone(), value)
        })
        .collect()
}

fn schemas(raw: &Value) -> BTreeMap<String, Value> {
    raw.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// Compares two versions of one operation or schema, pushing what it finds.
struct Diff<'a> {
    before: &'a Value,
    after: &'a Value,
    at: String,
    out: &'a mut Vec<Change>,
}

impl Diff<'_> {
    fn push(&mut self, compatible: bool, what: String) {
        self.out.push(change(compatible, self.at.clone(), what));
    }

    fn operation(&mut self, old: &Value, new: &Value) {
        if old["method"] != new["method"] || old["path"] != new["path"] {
            let route = |v: &Value| {
                format!(
                    "{} {}",
                    v["method"].as_str().unwrap_or("?"),
                    v["path"].as_str().unwrap_or("?")
                )
            };
            self.push(true, format!("moved from {} to {}", route(old), route(new)));
        }
        self.parameters(&old["parameters"], &new["parameters"]);
        let body = |raw: &Value, op: &Value| -> Option<(bool, Value)> {
            let body = spec_info::resolve(raw, op.get("requestBody")?);
            Some((body["required"] == json!(true), first_schema(body)))
        };
        match (
            body(self.before, &old["operation"]),
            body(self.after, &new["operation"]),
        ) {
            (Some(_), None) => self.push(false, "request body removed".to_owned()),
            (None, Some((required, _))) => self.push(!required, format!("{} request body added", kind(required))),
            (Some((was, old)), Some((now, new))) => {
                if was != now {
                    self.push(false, format!("request body made {}", kind(now)));
                }
                self.schema("request body", &old, &new);
            }
            (None, None) => {}
        }
        let responses = |raw: &Value, op: &Value| -> BTreeMap<String, Value> {
            op.get("responses")
                .and_then(Value::as_object)
                .map(|r| {
                    r.iter()
                        .map(|(code, response)| (code.clone(), first_schema(spec_info::resolve(raw, response))))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old, new) = (
            responses(self.before, &old["operation"]),
            responses(self.after, &new["operation"]),
        );
        for (code, schema) in &old {
            match new.get(code) {
                None => self.push(false, format!("response {code} removed")),
                Some(now) => self.schema(&format!("response {code}"), schema, now),
            }
        }
        for code in new.keys().filter(|c| !old.contains_key(*c)) {
            self.push(true, format!("response {code} added"));
        }
    }

    fn parameters(&mut self, old: &Value, new: &Value) {
        let by_key = |list: &Value| -> BTreeMap<(String, String), Value> {
            list.as_array()
                .map(|a| {
                    a.iter()
                        .map(|p| {
                            let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("?").to_owned();
                            ((text("name"), text("in")), p.clone())
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let (old, new) = (by_key(old), by_key(new));
        for ((name, place), parameter) in &old {
            let was = parameter["required"] == json!(true);
            match new.get(&(name.clone(), place.clone())) {
                None => self.push(false, format!("{} parameter `{name}` ({place}) removed", kind(was))),
                Some(now) => {
                    let is = now["required"] == json!(true);
                    if was != is {
                        self.push(false, format!("parameter `{name}` ({place}) made {}", kind(is)));
                    }
                    self.schema(&format!("parameter `{name}`"), &parameter["schema"], &now["schema"]);
                }
            }
        }
        for ((name, place), parameter) in new.iter().filter(|(k, _)| !old.contains_key(*k)) {
            let required = parameter["required"] == json!(true);
            self.push(
                !required,
                format!("{} parameter `{name}` ({place}) added", kind(required)),
            );
        }
    }

    /// Compares two schemas at `path` (empty for a component's top level). A `$ref` is compared
    /// by name: the component itself is compared on its own.
    fn schema(&mut self, path: &str, old: &Value, new: &Value) {
        if old == new {
            return;
        }
        let label = |suffix: &str| {
            if path.is_empty() {
                suffix.to_owned()
            } else {
                format!("{path}: {suffix}")
            }
        };
        let (old_type, new_type) = (type_name(old), type_name(new));
        if old_type != new_type {
            self.push(false, label(&format!("type changed from {old_type} to {new_type}")));
            return;
        }
        if old.get("$ref").is_some() {
            return;
        }
        if let (Some(a), Some(b)) = (
            old.get("enum").and_then(Value::as_array),
            new.get("enum").and_then(Value::as_array),
        ) {
            let show = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            for value in a.iter().filter(|v| !b.contains(v)) {
                self.push(false, label(&format!("enum value `{}` removed", show(value))));
            }
            for value in b.iter().filter(|v| !a.contains(v)) {
                self.push(true, label(&format!("enum value `{}` added", show(value))));
            }
        }
        if old.get("nullable") != new.get("nullable") {
            let now = new["nullable"] == json!(true);
            self.push(false, label(if now { "made nullable" } else { "no longer nullable" }));
        }
        self.schema(&join(path, "items"), &old["items"], &new["items"]);
        self.schema(
            &join(path, "additionalProperties"),
            &old["additionalProperties"],
            &new["additionalProperties"],
        );
        for key in ["allOf", "oneOf", "anyOf"] {
            let (a, b) = (array(&old[key]), array(&new[key]));
            if a.len() != b.len() {
                self.push(
                    false,
                    label(&format!("{key} changed from {} to {} schemas", a.len(), b.len())),
                );
                continue;
            }
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                self.schema(&join(path, &format!("{key}[{index}]")), x, y);
            }
        }
        self.properties(path, old, new);
    }

    fn properties(&mut self, path: &str, old: &Value, new: &Value) {
        let required = |schema: &Value| -> BTreeSet<String> {
            array(&schema["required"])
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let properties = |schema: &Value| -> BTreeMap<String, Value> {
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        };
        let (old_required, new_required) = (required(old), required(new));
        let (old_fields, new_fields) = (properties(old), properties(new));
        for (field, schema) in &old_fields {
            let was = old_required.contains(field);
            let Some(now_schema) = new_fields.get(field) else {
                self.push(false, format!("{}{} field `{field}` removed", prefix(path), kind(was)));
                continue;
            };
            let is = new_required.contains(field);
            if was != is {
                self.push(false, format!("{}field `{field}` made {}", prefix(path), kind(is)));
            }
            self.schema(&join(path, field), schema, now_schema);
        }
        for (field, _) in new_fields.iter().filter(|(k, _)| !old_fields.contains_key(*k)) {
            let is = new_required.contains(field);
            self.push(!is, format!("{}{} field `{field}` added", prefix(path), kind(is)));
        }
    }
}

fn kind(required: bool) -> &'static str {
    if required {
        "required"
    } else {
        "optional"
    }
}

fn prefix(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

fn join(path: &str, part: &str) -> String {
    if path.is_empty() {
        part.to_owned()
    } else {
        format!("{path}.{part}")
    }
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

/// The schema of the first media type of a request body or response (`null` when none).
fn first_schema(holder: &Value) -> Value {
    holder
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.get("schema"))
        .cloned()
        .unwrap_or(Value::Null)
}

/// What decides the generated Rust type: the `$ref` name, or `type` with `format`.
fn type_name(schema: &Value) -> String {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        return target.rsplit('/').next().unwrap_or(target).to_owned();
    }
    let ty = match schema.get("type") {
        Some(Value::String(ty)) => ty.clone(),
        Some(other) => other.to_string(),
        None if schema.get("properties").is_some() => "object".to_owned(),
        None => "any".to_owned(),
    };
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty} ({format})"),
        None => ty,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn spec(extra_param: &str, pet: &str, status_enum: &str, extra_path: &str) -> Value {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      parameters:\n        - {{name: limit, in: query, schema: {{type: integer, format: int32}}}}\n{extra_param}      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{type: array, items: {{$ref: '#/components/schemas/Pet'}}}}\n{extra_path}components:\n  schemas:\n    Status: {{type: string, enum: [{status_enum}]}}\n    Pet:\n      type: object\n{pet}"
        );
        load(&yaml)
    }

    /// Loads a YAML document the way `status` does, through a file.
    fn load(text: &str) -> Value {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("api-conductor-drift-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spec.yaml");
        std::fs::write(&path, text).unwrap();
        let raw = conductor_spec::load(&path).unwrap().raw;
        let _ = std::fs::remove_dir_all(&dir);
        raw
    }

    const PET: &str = "      required: [id, name]\n      properties:\n        id: {type: integer, format: int64}\n        name: {type: string}\n        tag: {type: string}\n";
    const DELETE: &str = "  /pets/{id}:\n    delete:\n      operationId: deletePet\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: integer}}\n      responses:\n        '204': {description: gone}\n";

    fn changes(after: &Value) -> Vec<(bool, String)> {
        let before = spec("", PET, "a, b", DELETE);
        let report = drift(&before, after);
        report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["compatible"].as_bool().unwrap(),
                    format!("{}: {}", c["at"].as_str().unwrap(), c["what"].as_str().unwrap()),
                )
            })
            .collect()
    }

    #[test]
    fn no_change_is_no_drift() {
        let same = spec("", PET, "a, b", DELETE);
        assert_eq!(drift(&same, &same)["changed"], false);
    }

    #[test]
    fn additions_are_compatible() {
        let after = spec(
            "        - {name: cursor, in: query, schema: {type: string}}\n",
            &format!("{PET}        born: {{type: string, format: date-time}}\n"),
            "a, b, c",
            &format!("{DELETE}  /orders:\n    get:\n      operationId: listOrders\n      responses:\n        '200': {{description: ok}}\n"),
        );
        let found = changes(&after);
        assert!(found.iter().all(|(ok, _)| *ok), "{found:?}");
        for expected in [
            "operation listOrders: added",
            "operation listPets: optional parameter `cursor` (query) added",
            "schema Pet: optional field `born` added",
            "schema Status: enum value `c` added",
        ] {
            assert!(found.iter().any(|(_, c)| c == expected), "{expected} in {found:?}");
        }
    }

    #[test]
    fn removals_and_type_changes_are_incompatible() {
        let after = spec(
            "        - {name: owner, in: query, required: true, schema: {type: string}}\n",
            "      required: [id]\n      properties:\n        id: {type: string}\n        name: {type: string}\n",
            "a",
            "",
        );
        let found = changes(&after);
        for expected in [
            "operation deletePet: removed",
            "operation listPets: required parameter `owner` (query) added",
            "schema Pet: field `name` made optional",
            "schema Pet: optional field `tag` removed",
            "schema Pet: id: type changed from integer (int64) to string",
            "schema Status: enum value `b` removed",
        ] {
            assert!(found.contains(&(false, expected.to_owned())), "{expected} in {found:?}");
        }
        assert_eq!(
            drift(&spec("", PET, "a, b", DELETE), &after)["incompatible"],
            found.len()
        );
    }

    #[test]
    fn a_parameter_type_change_is_incompatible() {
        let before = spec("", PET, "a, b", DELETE);
        let text = serde_json::to_string(&before).unwrap().replace(
            r#""schema":{"type":"integer","format":"int32"}"#,
            r#""schema":{"type":"string"}"#,
        );
        let after: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            changes(&after),
            vec![(
                false,
                "operation listPets: parameter `limit`: type changed from integer (int32) to string".to_owned()
            )]
        );
    }
}
