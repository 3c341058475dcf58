//! Reading [`openapiv3`] path items (and the examples they and `components` hold) straight
//! from JSON.
//!
//! Path items, operations, request bodies, responses and media types each collect their
//! extensions with `#[serde(flatten)]`, so serde copies every one of them (schemas included)
//! into an intermediate tree before reading a field. This reader walks them once, reads their
//! schemas with [`crate::schema_from_json`], and leaves the small parts (parameters, headers,
//! links, examples, encodings, servers, security) to serde. Anything it is not sure of (a field
//! of an unexpected JSON type, a missing required field) makes it give up on the whole path
//! item, and serde reads that one instead, so the result, error included, is always serde's.

use indexmap::IndexMap;
use openapiv3::{
    Example, ExternalDocumentation, MediaType, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response,
    Responses, SecurityRequirement, Server, StatusCode,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::json::{entries, extensions, nullable, reference_or, text};
use crate::walk::Method;

/// A path item or a reference to one, as `ReferenceOr::<PathItem>::deserialize(value)` reads
/// it (`None` exactly when serde refuses it).
pub(crate) fn path_item_from_json(value: &Value) -> Option<ReferenceOr<PathItem>> {
    path_item(value).or_else(|| serde(value))
}

/// A named example or a reference to one, as serde reads it (`None` when serde refuses it).
pub(crate) fn example_from_json(value: &Value) -> Option<ReferenceOr<Example>> {
    reference_or(value, example).or_else(|| serde(value))
}

/// A path item read here, or `None` when serde should decide.
fn path_item(value: &Value) -> Option<ReferenceOr<PathItem>> {
    reference_or(value, |object| {
        let mut item = PathItem::default();
        for (key, value) in object {
            match key.as_str() {
                "summary" => item.summary = nullable(value, text)?,
                "description" => item.description = nullable(value, text)?,
                "servers" => item.servers = serde(value)?,
                "parameters" => item.parameters = serde::<Vec<ReferenceOr<Parameter>>>(value)?,
                other => {
                    if let Some(method) = Method::from_key(other) {
                        *method.slot_mut(&mut item) = nullable(value, operation)?;
                    }
                }
            }
        }
        item.extensions = extensions(object);
        Some(item)
    })
}

fn operation(value: &Value) -> Option<Operation> {
    let object = value.as_object()?;
    let mut responses = None;
    let mut operation = Operation::default();
    for (key, value) in object {
        match key.as_str() {
            "tags" => operation.tags = serde(value)?,
            "summary" => operation.summary = nullable(value, text)?,
            "description" => operation.description = nullable(value, text)?,
            "externalDocs" => operation.external_docs = nullable(value, serde::<ExternalDocumentation>)?,
            "operationId" => operation.operation_id = nullable(value, text)?,
            "parameters" => operation.parameters = serde::<Vec<ReferenceOr<Parameter>>>(value)?,
            "requestBody" => {
                operation.request_body = nullable(value, |v| reference_or(v, request_body))?;
            }
            "responses" => responses = Some(self::responses(value)?),
            "callbacks" => operation.callbacks = serde(value)?,
            "deprecated" => operation.deprecated = value.as_bool()?,
            "security" => operation.security = nullable(value, serde::<Vec<SecurityRequirement>>)?,
            "servers" => operation.servers = serde::<Vec<Server>>(value)?,
            _ => {}
        }
    }
    operation.extensions = extensions(object);
    // `responses` is required.
    operation.responses = responses?;
    Some(operation)
}

fn request_body(object: &Map<String, Value>) -> Option<RequestBody> {
    let mut body = RequestBody::default();
    for (key, value) in object {
        match key.as_str() {
            "description" => body.description = nullable(value, text)?,
            "content" => body.content = content(value)?,
            "required" => body.required = value.as_bool()?,
            _ => {}
        }
    }
    body.extensions = extensions(object);
    Some(body)
}

fn responses(value: &Value) -> Option<Responses> {
    let object = value.as_object()?;
    let mut responses = Responses::default();
    for (key, value) in object {
        if key == "default" {
            responses.default = nullable(value, |v| reference_or(v, response))?;
        } else if let Some(status) = status_code(key) {
            responses.responses.insert(status, reference_or(value, response)?);
        }
    }
    responses.extensions = extensions(object);
    Some(responses)
}

fn response(object: &Map<String, Value>) -> Option<Response> {
    let mut description = None;
    let mut response = Response::default();
    for (key, value) in object {
        match key.as_str() {
            "description" => description = Some(text(value)?),
            "headers" => response.headers = serde(value)?,
            "content" => response.content = content(value)?,
            "links" => response.links = serde(value)?,
            _ => {}
        }
    }
    response.extensions = extensions(object);
    // `description` is required.
    response.description = description?;
    Some(response)
}

fn content(value: &Value) -> Option<IndexMap<String, MediaType>> {
    entries(value, media_type)
}

fn media_type(value: &Value) -> Option<MediaType> {
    let object = value.as_object()?;
    let mut media_type = MediaType::default();
    for (key, value) in object {
        match key.as_str() {
            "schema" => media_type.schema = nullable(value, |v| crate::schema_from_json(v).ok())?,
            "example" => media_type.example = (!value.is_null()).then(|| value.clone()),
            "examples" => media_type.examples = entries(value, example_from_json)?,
            "encoding" => media_type.encoding = serde(value)?,
            _ => {}
        }
    }
    media_type.extensions = extensions(object);
    Some(media_type)
}

/// An example, its value cloned rather than copied through serde's intermediate tree.
fn example(object: &Map<String, Value>) -> Option<Example> {
    let mut example = Example::default();
    for (key, value) in object {
        match key.as_str() {
            "summary" => example.summary = nullable(value, text)?,
            "description" => example.description = nullable(value, text)?,
            "value" => example.value = (!value.is_null()).then(|| value.clone()),
            "externalValue" => example.external_value = nullable(value, text)?,
            _ => {}
        }
    }
    example.extensions = extensions(object);
    Some(example)
}

/// As `openapiv3`'s reader of a `responses` key: `100`–`999`, or a digit and `XX` (any case).
fn status_code(key: &str) -> Option<StatusCode> {
    if key.len() != 3 {
        return None;
    }
    if let Ok(number) = key.parse::<i64>() {
        return u16::try_from(number)
            .ok()
            .filter(|code| (100..1000).contains(code))
            .map(StatusCode::Code);
    }
    match key.as_bytes() {
        [digit, x, y] if digit.is_ascii_digit() && x.eq_ignore_ascii_case(&b'x') && y.eq_ignore_ascii_case(&b'x') => {
            Some(StatusCode::Range(u16::from(digit - b'0')))
        }
        _ => None,
    }
}

/// A part left to serde (`None` when serde refuses it).
fn serde<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    /// Whether this reader read `value`; when it did, the result is serde's.
    fn compare(value: &Value) -> bool {
        let serde = ReferenceOr::<PathItem>::deserialize(value);
        match (path_item(value), serde) {
            (Some(ours), Ok(serde)) => {
                assert_eq!(ours, serde, "{value}");
                true
            }
            (Some(ours), Err(err)) => panic!("{value}: read as {ours:?}, serde refuses it: {err}"),
            (None, _) => false,
        }
    }

    #[test]
    fn path_items_read_as_openapiv3_reads_them() {
        let read_here = [
            json!({"$ref": "#/components/pathItems/Pet"}),
            json!({
                "summary": "Pets", "description": null, "x-owner": "team",
                "parameters": [{"$ref": "#/components/parameters/id"}],
                "servers": [{"url": "https://uploads.example"}],
                "get": {
                    "tags": ["pets"], "operationId": "getPet", "deprecated": true, "security": null,
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                    "externalDocs": {"url": "https://docs.example"},
                    "responses": {
                        "200": {"description": "ok", "headers": {"ETag": {"schema": {"type": "string"}}},
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"},
                                            "example": {"id": 1}, "x-note": 1,
                                            "examples": {"one": {"summary": "One", "value": {"id": 1}, "x-e": null},
                                                         "two": {"$ref": "#/components/examples/Two"},
                                                         "three": {"externalValue": "https://e.example/3", "value": null}}}}},
                        "4xx": {"$ref": "#/components/responses/Error"},
                        "default": {"description": "other"},
                        "099": {"description": "ignored: not a status"},
                        "x-codes": [1]
                    },
                    "x-speakeasy-pagination": {"type": "cursor"},
                    "unknown": "ignored"
                },
                "post": {
                    "requestBody": {"required": true, "content": {"multipart/form-data": {
                        "schema": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
                        "encoding": {"file": {"contentType": "image/png"}}}}},
                    "responses": {"201": {"description": "made"}},
                    "security": [{"key": []}]
                },
                "put": null
            }),
        ];
        for value in &read_here {
            assert!(compare(value), "fell back to serde for {value}");
        }
        let left_to_serde = [
            json!(["#/a"]),
            json!({"get": {"operationId": "noResponses"}}),
            json!({"get": {"responses": {"200": {"content": {}}}}}),
            json!({"get": {"tags": null, "responses": {}}}),
            json!({"get": {"deprecated": "yes", "responses": {}}}),
            json!({"summary": 5}),
            json!({"$ref": 5}),
            json!({"post": {"requestBody": {"content": null}, "responses": {}}}),
            json!({"get": {"responses": {"200": {"description": "ok", "content": {"a/b": {"examples": {"x": {"summary": 1}}}}}}}}),
        ];
        for value in &left_to_serde {
            assert!(!compare(value), "read here: {value}");
        }
    }

    #[test]
    fn status_codes_as_openapiv3_reads_them() {
        for key in [
            "200", "2XX", "2xx", "099", "1000", "abc", "x-a", "+12", "-12", "999", "100",
        ] {
            let serde = serde_json::from_value::<StatusCode>(Value::String(key.to_owned())).ok();
            assert_eq!(status_code(key), serde, "{key}");
        }
    }

    /// Every path item (and `components/examples`) of the project's specs reads the same; with
    /// `SCHEMA_CORPUS=DIR`, so does every one of every JSON file under `DIR`.
    #[test]
    fn real_path_items_read_the_same() {
        let mut files = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        crate::schema::tests::collect_json(&root, &mut files);
        if let Ok(corpus) = std::env::var("SCHEMA_CORPUS") {
            crate::schema::tests::collect_json(std::path::Path::new(&corpus), &mut files);
        }
        let (mut items, mut read_here) = (0_usize, 0_usize);
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let Ok(document) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            if let Some(named) = document.pointer("/components/examples") {
                let serde = IndexMap::<String, ReferenceOr<Example>>::deserialize(named).ok();
                if let Some(ours) = entries(named, example_from_json) {
                    assert_eq!(Some(ours), serde, "components/examples of {}", file.display());
                }
            }
            let Some(paths) = document.get("paths").and_then(Value::as_object) else {
                continue;
            };
            for item in paths.values() {
                items += 1;
                read_here += usize::from(compare(item));
            }
        }
        println!(
            "{} files, {items} path items, {read_here} read without serde",
            files.len()
        );
        assert!(items > 10, "only {items} path items under {}", root.display());
        assert!(read_here * 10 > items * 9, "{read_here} of {items} read without serde");
    }
}
