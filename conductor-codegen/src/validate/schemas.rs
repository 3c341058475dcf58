//! Schema constructs the generator cannot express.
//!
//! | construct | outcome |
//! |---|---|
//! | the schema `false` (matches nothing) | error |
//! | `prefixItems` (tuples) | error |
//! | `$dynamicRef`, `$recursiveRef` | error |
//! | `not` | warning: not enforced (a schema that is only `not` is `serde_json::Value`) |
//! | `if`/`then`/`else`, `dependentSchemas`, `patternProperties` | warning: ignored |

use serde_json::Value;

use conductor_spec::push_token;

use super::findings::{child, push_index, Findings};

/// Keys whose value is one subschema.
const SUBSCHEMA_KEYS: &[&str] = &[
    "items",
    "not",
    "additionalProperties",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
];
/// Keys whose value is a list of subschemas.
const SUBSCHEMA_LIST_KEYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keys whose value maps names to subschemas.
const SUBSCHEMA_MAP_KEYS: &[&str] = &["properties", "patternProperties", "$defs", "dependentSchemas"];
/// Where `false` is meaningful and expressible ("nothing else").
const FALSE_ALLOWED: &[&str] = &[
    "additionalProperties",
    "propertyNames",
    "contains",
    "not",
    "else",
    "then",
];

const MAX_DEPTH: usize = 256;

/// Whether `schema` looks at `key`: a construct it reports, or a key holding subschemas.
fn is_notable(key: &str) -> bool {
    matches!(
        key,
        "$dynamicRef" | "$recursiveRef" | "prefixItems" | "not" | "if" | "dependentSchemas" | "patternProperties"
    ) || SUBSCHEMA_KEYS.contains(&key)
        || SUBSCHEMA_LIST_KEYS.contains(&key)
        || SUBSCHEMA_MAP_KEYS.contains(&key)
}

pub(super) fn check(document: &Value, findings: &mut Findings) {
    let mut pointer = String::from("#");
    find_schemas(document, &mut pointer, findings, 0);
}

/// `pointer` is where `value` sits; it is extended for children and restored on return.
fn find_schemas(value: &Value, pointer: &mut String, findings: &mut Findings, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let len = pointer.len();
    match value {
        Value::Object(map) => {
            for (key, child_value) in map {
                match key.as_str() {
                    "example" | "examples" | "default" => continue,
                    key if key.starts_with("x-") => continue,
                    _ => {}
                }
                push_token(pointer, key);
                match key.as_str() {
                    "schema" => schema(child_value, pointer, None, findings, 0),
                    "schemas" => {
                        if let Some(schemas) = child_value.as_object() {
                            let schemas_len = pointer.len();
                            for (name, value) in schemas {
                                push_token(pointer, name);
                                schema(value, pointer, None, findings, 0);
                                pointer.truncate(schemas_len);
                            }
                        }
                    }
                    _ => find_schemas(child_value, pointer, findings, depth + 1),
                }
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                push_index(pointer, index);
                find_schemas(item, pointer, findings, depth + 1);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// Checks the schema at `pointer`, reached through the keyword `via`; `pointer` is extended for
/// subschemas and restored on return.
fn schema(value: &Value, pointer: &mut String, via: Option<&str>, findings: &mut Findings, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let map = match value {
        Value::Object(map) => map,
        Value::Bool(false) if !via.is_some_and(|k| FALSE_ALLOWED.contains(&k)) => {
            findings.error(
                pointer.clone(),
                "the schema `false` (no value is valid) cannot be expressed as a Rust type; remove it or describe what is allowed"
                    .to_owned(),
            );
            return;
        }
        _ => return,
    };
    // Most schemas (a type and a description) have none of the keys looked at below.
    if !map.keys().any(|key| is_notable(key)) {
        return;
    }
    for keyword in ["$dynamicRef", "$recursiveRef"] {
        if map.contains_key(keyword) {
            findings.error(
                child(pointer, keyword),
                format!("`{keyword}` cannot be expressed; use a `$ref` to a named schema"),
            );
        }
    }
    if map.contains_key("prefixItems") {
        findings.error(
            child(pointer, "prefixItems"),
            "tuple schemas (`prefixItems`) cannot be expressed yet; describe the array with `items`".to_owned(),
        );
    }
    if map.contains_key("not") {
        findings.warning(
            &child(pointer, "not"),
            "`not` is not enforced by the generated types (a schema that is only `not` becomes serde_json::Value)"
                .to_owned(),
        );
    }
    for keyword in ["if", "dependentSchemas", "patternProperties"] {
        if map.contains_key(keyword) {
            findings.warning(
                &child(pointer, keyword),
                format!("`{keyword}` is ignored by the generated types"),
            );
        }
    }
    let len = pointer.len();
    for key in SUBSCHEMA_KEYS {
        if let Some(sub) = map.get(*key) {
            push_token(pointer, key);
            schema(sub, pointer, Some(key), findings, depth + 1);
            pointer.truncate(len);
        }
    }
    for key in SUBSCHEMA_LIST_KEYS {
        if let Some(Value::Array(subs)) = map.get(*key) {
            push_token(pointer, key);
            let key_len = pointer.len();
            for (index, sub) in subs.iter().enumerate() {
                push_index(pointer, index);
                schema(sub, pointer, Some(key), findings, depth + 1);
                pointer.truncate(key_len);
            }
            pointer.truncate(len);
        }
    }
    for key in SUBSCHEMA_MAP_KEYS {
        if let Some(Value::Object(subs)) = map.get(*key) {
            push_token(pointer, key);
            let key_len = pointer.len();
            for (name, sub) in subs {
                push_token(pointer, name);
                schema(sub, pointer, Some(key), findings, depth + 1);
                pointer.truncate(key_len);
            }
            pointer.truncate(len);
        }
    }
}
