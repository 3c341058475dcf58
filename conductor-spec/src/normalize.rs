//! Rewrites a raw document so `openapiv3` (an OpenAPI 3.0 model) can read it.
//!
//! OpenAPI 3.1 constructs are mapped onto their 3.0 equivalents:
//!
//! | 3.1 | becomes |
//! |---|---|
//! | `type: [T, "null"]` | `type: T, nullable: true` |
//! | `type: [A, B]` | `anyOf: [{type: A}, {type: B}]` |
//! | `type: "null"` | `nullable: true` (no type) |
//! | `anyOf`/`oneOf` with a `{type: "null"}` branch | that branch removed, `nullable: true` |
//! | `const: v` | `enum: [v]` |
//! | schema `examples: [a, ...]` | `example: a` |
//! | `$ref` with sibling keywords | `allOf: [{$ref}]` plus the siblings |
//! | numeric `exclusiveMinimum: n` | `minimum: n, exclusiveMinimum: true` (same for maximum) |
//! | `$ref` to `components/pathItems` | the path item, inlined |
//! | `webhooks`, `jsonSchemaDialect`, `$schema`, `$id` | removed |
//! | the schema `true` | `{}` (any value) |

use serde_json::{Map, Value};

use crate::pointer::resolve_pointer;

/// Keys whose value is one subschema.
const SUBSCHEMA_KEYS: &[&str] = &["items", "not", "additionalProperties", "contains", "if", "then", "else"];
/// Keys whose value is a list of subschemas.
const SUBSCHEMA_LIST_KEYS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keys whose value maps names to subschemas.
const SUBSCHEMA_MAP_KEYS: &[&str] = &["properties", "patternProperties", "$defs", "dependentSchemas"];

pub(crate) fn normalize_3_1(document: &mut Value) {
    let Some(root) = document.as_object_mut() else {
        return;
    };
    root.insert("openapi".to_owned(), Value::String("3.0.3".to_owned()));
    root.remove("webhooks");
    root.remove("jsonSchemaDialect");
    root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
    inline_path_item_refs(document);
    walk_document(document, &mut |schema| normalize_schema_3_1(schema));
}

/// Fixes that apply to every version: shapes real 3.0 documents use that `openapiv3` rejects.
pub(crate) fn normalize_common(document: &mut Value) {
    if let Some(root) = document.as_object_mut() {
        root.entry("paths").or_insert_with(|| Value::Object(Map::new()));
        if !root.contains_key("info") {
            root.insert("info".to_owned(), serde_json::json!({"title": "API", "version": "0"}));
        }
    }
    remove_callbacks(document);
    walk_document(document, &mut normalize_schema_common);
}

/// Callbacks describe requests the API makes to us; neither the client nor the mock serves
/// them, and `openapiv3` cannot read a `$ref` in their place.
fn remove_callbacks(document: &mut Value) {
    if let Some(components) = document.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("callbacks");
    }
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for operation in item.values_mut() {
            if let Some(operation) = operation.as_object_mut() {
                operation.remove("callbacks");
            }
        }
    }
}

fn inline_path_item_refs(document: &mut Value) {
    // Resolve every reference first (reading), then replace (writing): no copy of the document.
    let resolved: Vec<(String, Value)> = document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(path, item)| {
            let pointer = item.get("$ref")?.as_str()?.strip_prefix('#')?;
            let mut merged = resolve_pointer(document, pointer)?.clone();
            if let (Some(merged), Some(siblings)) = (merged.as_object_mut(), item.as_object()) {
                for (key, value) in siblings.iter().filter(|(key, _)| *key != "$ref") {
                    merged.insert(key.clone(), value.clone());
                }
            }
            Some((path.clone(), merged))
        })
        .collect();
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in resolved {
        paths.insert(path, item);
    }
}

/// Calls `visit` on every schema object in the document, parents before children.
fn walk_document(document: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
    fn find_schemas(value: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "schema" {
                        walk_schema(child, visit);
                    } else if key == "schemas" {
                        if let Some(schemas) = child.as_object_mut() {
                            for schema in schemas.values_mut() {
                                walk_schema(schema, visit);
                            }
                        }
                    } else if key == "example" || key == "examples" || key == "default" {
                        // Literal data: never contains schemas.
                    } else {
                        find_schemas(child, visit);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| find_schemas(item, visit)),
            _ => {}
        }
    }
    find_schemas(document, visit);
}

fn walk_schema(schema: &mut Value, visit: &mut dyn FnMut(&mut Value)) {
    // The JSON Schema `true` (anything) is the empty schema; `false` is left for the
    // validator to report.
    if *schema == Value::Bool(true) {
        *schema = Value::Object(Map::new());
    }
    if !schema.is_object() {
        return;
    }
    visit(schema);
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    // One pass over the keys (a schema has few) rather than a lookup per keyword; each visit
    // changes only its own schema, so the order children are visited in does not matter.
    for (key, child) in map.iter_mut() {
        let key = key.as_str();
        if SUBSCHEMA_KEYS.contains(&key) {
            walk_schema(child, visit);
        } else if SUBSCHEMA_LIST_KEYS.contains(&key) {
            if let Value::Array(children) = child {
                children.iter_mut().for_each(|child| walk_schema(child, visit));
            }
        } else if SUBSCHEMA_MAP_KEYS.contains(&key) {
            if let Value::Object(children) = child {
                children.values_mut().for_each(|child| walk_schema(child, visit));
            }
        }
    }
}

fn normalize_schema_3_1(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    map.remove("$schema");
    map.remove("$id");
    if map.contains_key("$ref") && map.len() > 1 {
        ref_with_siblings(map);
    }
    if let Some(value) = map.remove("const") {
        map.insert("enum".to_owned(), Value::Array(vec![value]));
    }
    if let Some(Value::Array(mut examples)) = map.remove("examples") {
        if !map.contains_key("example") && !examples.is_empty() {
            map.insert("example".to_owned(), examples.swap_remove(0));
        }
    }
    for (exclusive, inclusive) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(bound) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(inclusive.to_owned(), bound);
            map.insert(exclusive.to_owned(), Value::Bool(true));
        }
    }
    match map.get("type").cloned() {
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|t| t == "null");
            let others: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
            map.remove("type");
            match others.len() {
                0 => {}
                1 => {
                    map.insert("type".to_owned(), others[0].clone());
                }
                _ => {
                    let branches = others.into_iter().map(|t| single_type_branch(map, t)).collect();
                    map.insert("anyOf".to_owned(), Value::Array(branches));
                }
            }
            if nullable {
                map.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
        Some(Value::String(t)) if t == "null" => {
            map.remove("type");
            map.insert("nullable".to_owned(), Value::Bool(true));
        }
        _ => {}
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|branch| !is_null_schema(branch));
        if branches.len() == before {
            continue;
        }
        map.insert("nullable".to_owned(), Value::Bool(true));
        if let Some(Value::Array(branches)) = map.get(key) {
            if branches.len() == 1 {
                let only = branches[0].clone();
                map.remove(key);
                map.insert("allOf".to_owned(), Value::Array(vec![only]));
            } else if branches.is_empty() {
                map.remove(key);
            }
        }
    }
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("type").is_some_and(|t| t == "null")
        || schema
            .get("enum")
            .is_some_and(|e| e == &Value::Array(vec![Value::Null]))
}

/// Builds the branch of a multi-type schema for one of its types, carrying the keywords that
/// apply to that type.
fn single_type_branch(map: &Map<String, Value>, type_name: Value) -> Value {
    let keys: &[&str] = match type_name.as_str() {
        Some("string") => &["format", "pattern", "minLength", "maxLength", "enum"],
        Some("integer" | "number") => &[
            "format",
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "enum",
        ],
        Some("array") => &["items", "minItems", "maxItems", "uniqueItems"],
        Some("object") => &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
        _ => &[],
    };
    let mut branch = Map::new();
    branch.insert("type".to_owned(), type_name);
    for key in keys {
        if let Some(value) = map.get(*key) {
            branch.insert((*key).to_owned(), value.clone());
        }
    }
    Value::Object(branch)
}

/// `{$ref, description, nullable}` → `{allOf: [{$ref}], description, nullable}`; a `$ref` whose
/// only siblings are annotations keeps just the annotations that 3.0 tolerates.
fn ref_with_siblings(map: &mut Map<String, Value>) {
    const ANNOTATIONS: &[&str] = &[
        "description",
        "summary",
        "title",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    ];
    if map.keys().all(|k| k == "$ref" || ANNOTATIONS.contains(&k.as_str())) {
        map.retain(|k, _| k == "$ref");
        return;
    }
    if let Some(reference) = map.remove("$ref") {
        let mut only_ref = Map::new();
        only_ref.insert("$ref".to_owned(), reference);
        map.insert("allOf".to_owned(), Value::Array(vec![Value::Object(only_ref)]));
    }
}

/// Whether [`normalize_schema_common`] would change `map`: one pass over its keys, since
/// nearly every schema is already fine.
fn needs_common_repair(map: &Map<String, Value>) -> bool {
    let mut is_array = false;
    let mut has_items = false;
    for (key, value) in map {
        let repair = match key.as_str() {
            "items" => {
                has_items = true;
                *value == Value::Bool(true)
            }
            "not" => *value == Value::Bool(true),
            "properties" => value
                .as_object()
                .is_some_and(|properties| properties.values().any(Value::is_boolean)),
            "required" | "enum" => !value.is_array(),
            "type" => {
                is_array = value == "array";
                !value
                    .as_str()
                    .is_some_and(|t| matches!(t, "string" | "number" | "integer" | "boolean" | "array" | "object"))
            }
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems" => !value.is_boolean(),
            "description" | "title" | "format" | "pattern" => !value.is_string(),
            _ => false,
        };
        if repair {
            return true;
        }
    }
    is_array && !has_items
}

/// Repairs shapes seen in real 3.0 documents that `openapiv3` would reject.
fn normalize_schema_common(schema: &mut Value) {
    let Some(map) = schema.as_object_mut() else {
        return;
    };
    if !needs_common_repair(map) {
        return;
    }
    // Boolean schemas: `true` accepts anything (`{}`); a property whose schema is `false` may
    // never be present, so it is dropped (a typo for `additionalProperties: false` is the usual
    // cause).
    for key in ["items", "not"] {
        if map.get(key) == Some(&Value::Bool(true)) {
            map.insert(key.to_owned(), Value::Object(Map::new()));
        }
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        let banned: Vec<String> = properties
            .iter()
            .filter(|(_, v)| **v == Value::Bool(false))
            .map(|(k, _)| k.clone())
            .collect();
        for name in &banned {
            properties.remove(name);
        }
        for value in properties.values_mut() {
            if *value == Value::Bool(true) {
                *value = Value::Object(Map::new());
            }
        }
        if let Some(Value::Array(required)) = map.get_mut("required") {
            required.retain(|r| !r.as_str().is_some_and(|r| banned.iter().any(|b| b == r)));
        }
    }
    // `required: true` on a schema (a Swagger-ism) — 3.0 wants a list of names.
    if map.get("required").is_some_and(|r| !r.is_array()) {
        map.remove("required");
    }
    // `enum` must be a list.
    if map.get("enum").is_some_and(|e| !e.is_array()) {
        map.remove("enum");
    }
    // `type` must be a string; anything else means "any".
    if map.get("type").is_some_and(|t| !t.is_string()) {
        map.remove("type");
    }
    if let Some(Value::String(t)) = map.get("type") {
        if !matches!(
            t.as_str(),
            "string" | "number" | "integer" | "boolean" | "array" | "object"
        ) {
            map.remove("type");
        }
    }
    // Annotations openapiv3 types strictly.
    for key in ["nullable", "readOnly", "writeOnly", "deprecated", "uniqueItems"] {
        if map.get(key).is_some_and(|v| !v.is_boolean()) {
            map.remove(key);
        }
    }
    for key in ["description", "title", "format", "pattern"] {
        if map.get(key).is_some_and(|v| !v.is_string()) {
            map.remove(key);
        }
    }
    // An array without `items` is an array of anything.
    if map.get("type").is_some_and(|t| t == "array") && !map.contains_key("items") {
        map.insert("items".to_owned(), Value::Object(Map::new()));
    }
}
