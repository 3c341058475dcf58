//! Reading the bundled JSON into the [`openapiv3`] model, part by part.
//!
//! `openapiv3::OpenAPI` collects its extensions with `#[serde(flatten)]`, which makes serde
//! copy the whole document into an intermediate tree before reading any field. Here `paths`
//! and `components` (nearly all of a document) are read straight from the JSON, and only the
//! small remainder as an `OpenAPI`; the result is the same model. `components`, the largest
//! part, is read on a second thread while this one does the rest (and the caller's work).

use openapiv3::{Components, OpenAPI, Paths};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The model of `raw` (`None` when some part does not fit it: the caller then locates the
/// problem with a path-tracking reader), and what `meanwhile` returned, run on this thread
/// while the model is read.
pub(crate) fn read_with<T>(raw: &Value, meanwhile: impl FnOnce() -> T) -> (Option<OpenAPI>, T) {
    let Some(root) = raw.as_object() else {
        return (None, meanwhile());
    };
    std::thread::scope(|scope| {
        let components = scope.spawn(|| match root.get("components") {
            Some(components) => Option::<Components>::deserialize(components).ok(),
            None => Some(None),
        });
        let result = meanwhile();
        let paths = root.get("paths").and_then(|paths| Paths::deserialize(paths).ok());
        let rest = read_rest(root);
        // A panic on the other thread (a bug in the model's deserializer) counts as a part
        // that does not fit; the path-tracking reader then runs into it on this thread.
        let components = components.join().ok().flatten();
        let model = match (rest, paths, components) {
            (Some(mut model), Some(paths), Some(components)) => {
                model.paths = paths;
                model.components = components;
                Some(model)
            }
            _ => None,
        };
        (model, result)
    })
}

/// Everything but `paths` and `components`.
fn read_rest(root: &Map<String, Value>) -> Option<OpenAPI> {
    let mut rest = Map::new();
    for (key, value) in root {
        if key != "paths" && key != "components" {
            rest.insert(key.clone(), value.clone());
        }
    }
    // `paths` is required; the real one is read on its own.
    rest.insert("paths".to_owned(), Value::Object(Map::new()));
    OpenAPI::deserialize(&Value::Object(rest)).ok()
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
                "x-paths-note": true
            },
            "components": {
                "schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}},
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
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
