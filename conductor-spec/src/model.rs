//! Reading the bundled JSON into the [`openapiv3`] model, part by part.
//!
//! `openapiv3` collects extensions with `#[serde(flatten)]`, which makes serde copy an object
//! into an intermediate tree before reading any of its fields, at every level that has
//! extensions. Here the document, `paths` and `components` are taken apart by hand: schemas,
//! path items and examples are read straight from the JSON ([`crate::schema_from_json`],
//! [`crate::path_item`]), the other `components` sections by serde one by one, and only the
//! small remainder is read as an `OpenAPI`; the result is the same model. The caller's
//! validation runs on a second thread meanwhile.

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths, ReferenceOr};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The model of `raw`, or `None` when some part does not fit it (the caller then locates the
/// problem with a path-tracking reader).
pub(crate) fn read(raw: &Value) -> Option<OpenAPI> {
    let root = raw.as_object()?;
    let components = match root.get("components") {
        Some(Value::Null) | None => None,
        Some(components) => Some(read_components(components)?),
    };
    let paths = match root.get("paths") {
        Some(Value::Object(paths)) => read_paths(paths)?,
        _ => return None,
    };
    let mut model = read_rest(root)?;
    model.paths = paths;
    model.components = components;
    Some(model)
}

/// As [`read`], and what `meanwhile` returned, run on a second thread while this one reads
/// the model.
///
/// The model is read here and `meanwhile` (a validation: it reads and allocates little) runs
/// beside it, not the other way round: glibc grows a second thread's heap a page at a time,
/// one `mprotect` each, so a second thread that allocates the model spends more time in the
/// kernel (and holds up this thread's page faults) than it saves.
pub(crate) fn read_with<T: Send>(raw: &Value, meanwhile: impl FnOnce() -> T + Send) -> (Option<OpenAPI>, T) {
    std::thread::scope(|scope| {
        let other = scope.spawn(meanwhile);
        let model = read(raw);
        let result = match other.join() {
            Ok(result) => result,
            // The other thread's panic is this call's.
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (model, result)
    })
}

/// As `Paths`' own reader: path items under keys starting with `/`, extensions under `x-`,
/// anything else ignored.
fn read_paths(paths: &Map<String, Value>) -> Option<Paths> {
    let mut out = Paths::default();
    for (key, value) in paths {
        if key.starts_with('/') {
            out.paths
                .insert(key.clone(), crate::path_item::path_item_from_json(value)?);
        } else if key.starts_with("x-") {
            out.extensions.insert(key.clone(), value.clone());
        }
    }
    Some(out)
}

/// As `Components`' own reader: each section (absent means empty), extensions under `x-`,
/// anything else ignored.
fn read_components(components: &Value) -> Option<Components> {
    let object = components.as_object()?;
    Some(Components {
        schemas: section_by(object, "schemas", |schema| crate::schema_from_json(schema).ok())?,
        responses: section(object, "responses")?,
        parameters: section(object, "parameters")?,
        examples: section_by(object, "examples", crate::path_item::example_from_json)?,
        request_bodies: section(object, "requestBodies")?,
        headers: section(object, "headers")?,
        security_schemes: section(object, "securitySchemes")?,
        links: section(object, "links")?,
        callbacks: section(object, "callbacks")?,
        extensions: crate::json::extensions(object),
    })
}

/// A section read by serde.
fn section<T: DeserializeOwned>(object: &Map<String, Value>, key: &str) -> Option<IndexMap<String, ReferenceOr<T>>> {
    section_by(object, key, |value| ReferenceOr::deserialize(value).ok())
}

/// A section read entry by entry with `read`.
fn section_by<T>(
    object: &Map<String, Value>,
    key: &str,
    read: impl Fn(&Value) -> Option<ReferenceOr<T>>,
) -> Option<IndexMap<String, ReferenceOr<T>>> {
    match object.get(key) {
        Some(value) => crate::json::entries(value, read),
        None => Some(IndexMap::new()),
    }
}

/// Everything but `paths` and `components`: only the fields `OpenAPI` reads are copied (not,
/// say, a large `webhooks` it would ignore), and extensions are cloned rather than read back
/// through serde.
fn read_rest(root: &Map<String, Value>) -> Option<OpenAPI> {
    const FIELDS: [&str; 6] = ["openapi", "info", "servers", "security", "tags", "externalDocs"];
    let mut rest = Map::new();
    for (key, value) in root {
        if FIELDS.contains(&key.as_str()) {
            rest.insert(key.clone(), value.clone());
        }
    }
    // `paths` is required; the real one is read on its own.
    rest.insert("paths".to_owned(), Value::Object(Map::new()));
    let mut model = OpenAPI::deserialize(&Value::Object(rest)).ok()?;
    model.extensions = crate::json::extensions(root);
    Some(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_by_part_is_the_whole_model() {
        let raw = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "Pets", "version": "1"},
            "servers": [{"url": "https://pets.example"}],
            "security": [{"key": []}],
            "tags": [{"name": "pets"}],
            "x-logo": {"url": "logo.png"},
            "paths": {
                "/pets": {"get": {"responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}}},
                "/pets/{id}": {"$ref": "#/components/pathItems/Pet"},
                "ignored": {"not": "a path"},
                "x-paths-note": true
            },
            "components": {
                "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
                "responses": {"NotFound": {"description": "missing"}},
                "parameters": {"id": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}},
                "examples": {"pet": {"value": {"name": "Rex", "tags": [1, 2.5, null]}}},
                "requestBodies": {"Pet": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}},
                "headers": {"Rate": {"schema": {"type": "integer"}}},
                "links": {"self": {"operationId": "getPet"}},
                "unknown-section": {"ignored": true},
                "x-components-note": 1
            }
        });
        let whole = OpenAPI::deserialize(&raw).ok();
        let (parts, meanwhile) = read_with(&raw, || 7);
        assert_eq!(meanwhile, 7);
        assert!(whole.is_some());
        assert_eq!(parts, whole);
        let without_components =
            serde_json::json!({"openapi": "3.0.3", "info": {"title": "", "version": ""}, "paths": {}});
        assert_eq!(
            read_with(&without_components, || ()).0,
            OpenAPI::deserialize(&without_components).ok()
        );
        let bad_paths = serde_json::json!({"openapi": "3.0.3", "info": {"title": "", "version": ""}, "paths": []});
        assert_eq!(read_with(&bad_paths, || ()).0, None);
    }
}
