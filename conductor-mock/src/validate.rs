//! Request validation against the spec: parameters, body, content type and credentials.
//!
//! OpenAPI 3.0 schemas are translated to JSON Schema (draft 4, whose boolean
//! `exclusiveMinimum` matches 3.0's): `nullable` becomes a `null` alternative, and properties
//! that are `readOnly` are not required of requests. Validators are compiled lazily, once per
//! schema, so start-up stays fast on large specs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};

use crate::routes::{deref, Route};

/// One problem with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where: `path.petId`, `query.limit`, `header.X-Trace`, `body/name`, `security`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl Violation {
    fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            message: message.into(),
        }
    }

    pub(crate) fn to_json(&self) -> Value {
        json!({"location": self.location, "message": self.message})
    }
}

/// The status a set of violations deserves.
pub(crate) fn status_for(violations: &[Violation]) -> u16 {
    if violations.iter().any(|v| v.location == "security") {
        401
    } else if violations
        .iter()
        .all(|v| v.location.starts_with("body/") || v.location == "body")
    {
        422
    } else {
        400
    }
}

/// Translates an OpenAPI 3.0 schema into JSON Schema for requests.
fn translate(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                match key.as_str() {
                    "nullable" | "discriminator" | "xml" | "externalDocs" | "example" | "deprecated" => {}
                    "properties" | "patternProperties" => {
                        let translated = value
                            .as_object()
                            .map(|props| props.iter().map(|(k, v)| (k.clone(), translate(v))).collect())
                            .unwrap_or_default();
                        out.insert(key.clone(), Value::Object(translated));
                    }
                    "required" => {
                        let read_only = |name: &str| {
                            map.get("properties")
                                .and_then(|p| p.get(name))
                                .and_then(|p| p.get("readOnly"))
                                == Some(&Value::Bool(true))
                        };
                        let kept: Vec<Value> = value
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter(|n| n.as_str().is_some_and(|n| !read_only(n)))
                            .cloned()
                            .collect();
                        if !kept.is_empty() {
                            out.insert(key.clone(), Value::Array(kept));
                        }
                    }
                    "items" | "not" | "additionalProperties" => {
                        out.insert(key.clone(), translate(value));
                    }
                    "allOf" | "anyOf" | "oneOf" => {
                        let translated = value
                            .as_array()
                            .map(|v| v.iter().map(translate).collect())
                            .unwrap_or_default();
                        out.insert(key.clone(), Value::Array(translated));
                    }
                    _ => {
                        out.insert(key.clone(), value.clone());
                    }
                }
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                return json!({"anyOf": [Value::Object(out), {"type": "null"}]});
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// Compiled validators, keyed by the schema's address and checked for equality on a hit, so
/// a lookup does not serialise the schema (the spec's values live as long as the server; a
/// temporary at a reused address is caught by the equality check).
type Cache = HashMap<usize, Vec<(Value, Arc<jsonschema::Validator>)>>;

/// The request validators of a spec, compiled on first use.
pub(crate) struct Validators {
    components: Value,
    cache: Mutex<Cache>,
}

impl Validators {
    pub(crate) fn new(root: &Value) -> Self {
        let schemas = root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(k, v)| (k.clone(), translate(v)))
                    .collect::<Map<_, _>>()
            })
            .unwrap_or_default();
        Self {
            components: json!({"schemas": schemas}),
            cache: Mutex::new(HashMap::new()),
        }
    }

    fn validator(&self, schema: &Value) -> Option<Arc<jsonschema::Validator>> {
        let key = std::ptr::from_ref(schema) as usize;
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let entries = cache.entry(key).or_default();
        if let Some((_, found)) = entries.iter().find(|(s, _)| s == schema) {
            return Some(Arc::clone(found));
        }
        let document = json!({"allOf": [translate(schema)], "components": self.components});
        let validator = Arc::new(jsonschema::draft4::new(&document).ok()?);
        entries.push((schema.clone(), Arc::clone(&validator)));
        Some(validator)
    }

    /// Checks `value` against `schema`, reporting each violation under `location`.
    pub(crate) fn check(&self, schema: &Value, value: &Value, location: &str, out: &mut Vec<Violation>) {
        let Some(validator) = self.validator(schema) else {
            return;
        };
        if validator.is_valid(value) {
            return;
        }
        for error in validator.iter_errors(value) {
            let path = error.instance_path().to_string();
            out.push(Violation::new(format!("{location}{path}"), error.to_string()));
        }
    }

    /// Whether `value` is valid against `schema` (used for the spec's own examples).
    pub(crate) fn is_valid(&self, schema: &Value, value: &Value) -> bool {
        self.validator(schema).is_none_or(|v| v.is_valid(value))
    }
}

/// A request as the validator sees it.
pub(crate) struct Incoming<'a> {
    pub(crate) path_params: &'a [(String, String)],
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn cookies(&self) -> Vec<(String, String)> {
        self.header("cookie")
            .map(|c| {
                c.split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Converts a parameter's text to the JSON its schema expects.
fn typed(root: &Value, schema: &Value, values: &[&str]) -> Value {
    let schema = deref(root, schema);
    let scalar = |text: &str, schema: &Value| match deref(root, schema).get("type").and_then(Value::as_str) {
        Some("integer") => text
            .parse::<i64>()
            .map_or_else(|_| Value::String(text.to_owned()), Value::from),
        Some("number") => text
            .parse::<f64>()
            .map_or_else(|_| Value::String(text.to_owned()), Value::from),
        Some("boolean") => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(text.to_owned()),
        },
        _ => Value::String(text.to_owned()),
    };
    if schema.get("type").and_then(Value::as_str) == Some("array") {
        let items = schema.get("items").cloned().unwrap_or(Value::Null);
        let parts: Vec<&str> = if values.len() == 1 {
            values[0].split(',').collect()
        } else {
            values.to_vec()
        };
        return Value::Array(parts.into_iter().map(|p| scalar(p, &items)).collect());
    }
    scalar(values.first().copied().unwrap_or_default(), schema)
}

/// Validates a request against its route; an empty list means it is valid.
pub(crate) fn validate(root: &Value, validators: &Validators, route: &Route, request: &Incoming<'_>) -> Vec<Violation> {
    let mut violations = Vec::new();
    check_security(root, route, request, &mut violations);
    let mut cookies: Option<Vec<(String, String)>> = None;
    for parameter in &route.parameters {
        let (Some(name), Some(location)) = (
            parameter.get("name").and_then(Value::as_str),
            parameter.get("in").and_then(Value::as_str),
        ) else {
            continue;
        };
        let style = parameter.get("style").and_then(Value::as_str);
        let values: Vec<&str> = match location {
            "path" => request
                .path_params
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect(),
            "query" if style == Some("deepObject") => {
                let prefix = format!("{name}[");
                if request.query.iter().any(|(k, _)| k.starts_with(&prefix)) {
                    continue;
                }
                Vec::new()
            }
            "query" => request
                .query
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect(),
            "header" => request.header(name).into_iter().collect(),
            "cookie" => cookies
                .get_or_insert_with(|| request.cookies())
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect(),
            _ => continue,
        };
        let required = parameter.get("required") == Some(&Value::Bool(true)) || location == "path";
        let where_ = format!("{location}.{name}");
        if values.is_empty() {
            if required {
                violations.push(Violation::new(where_, "required parameter is missing"));
            }
            continue;
        }
        if let Some(schema) = parameter.get("schema") {
            let value = typed(root, schema, &values);
            validators.check(schema, &value, &where_, &mut violations);
        }
    }
    check_body(validators, route, request, &mut violations);
    violations
}

fn check_body(validators: &Validators, route: &Route, request: &Incoming<'_>, out: &mut Vec<Violation>) {
    let Some(body) = &route.request_body else {
        return;
    };
    let required = body.get("required") == Some(&Value::Bool(true));
    if request.body.is_empty() {
        if required {
            out.push(Violation::new("body", "a request body is required"));
        }
        return;
    }
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return;
    };
    let sent_type = request
        .header("content-type")
        .map(|t| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
        .unwrap_or_default();
    let matching = content.iter().find(|(declared, _)| {
        let declared = declared.to_ascii_lowercase();
        declared == sent_type
            || declared == "*/*"
            || declared
                .strip_suffix("/*")
                .is_some_and(|prefix| sent_type.starts_with(prefix))
    });
    let Some((declared, media)) = matching else {
        let accepted: Vec<&str> = content.keys().map(String::as_str).collect();
        out.push(Violation::new(
            "header.content-type",
            format!("content type `{sent_type}` is not one of: {}", accepted.join(", ")),
        ));
        return;
    };
    if !declared.contains("json") {
        return;
    }
    let parsed: Value = match serde_json::from_slice(request.body) {
        Ok(parsed) => parsed,
        Err(err) => {
            out.push(Violation::new(
                "header.content-type",
                format!("the body is not valid JSON: {err}"),
            ));
            return;
        }
    };
    if let Some(schema) = media.get("schema") {
        validators.check(schema, &parsed, "body", out);
    }
}

/// `text` starts with `word` (case-insensitive) followed by a space.
fn starts_with_word(text: &str, word: &str) -> bool {
    text.get(..word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word)) && text[word.len()..].starts_with(' ')
}

/// A credential is present for some alternative of the route's requirements.
fn check_security(root: &Value, route: &Route, request: &Incoming<'_>, out: &mut Vec<Violation>) {
    if route.security.is_empty() || route.security.iter().any(Vec::is_empty) {
        return;
    }
    let schemes = root.pointer("/components/securitySchemes");
    let present = |name: &str| {
        let Some(scheme) = schemes.and_then(|s| s.get(name)).map(|s| deref(root, s)) else {
            return false;
        };
        let authorization = request.header("authorization").unwrap_or_default();
        match scheme.get("type").and_then(Value::as_str) {
            Some("apiKey") => {
                let key = scheme.get("name").and_then(Value::as_str).unwrap_or_default();
                match scheme.get("in").and_then(Value::as_str) {
                    Some("header") => request.header(key).is_some(),
                    Some("query") => request.query.iter().any(|(k, _)| k == key),
                    Some("cookie") => request.cookies().iter().any(|(k, _)| k == key),
                    _ => false,
                }
            }
            Some("http") => {
                let wanted = scheme.get("scheme").and_then(Value::as_str).unwrap_or("bearer");
                starts_with_word(authorization, wanted)
            }
            Some("oauth2" | "openIdConnect") => starts_with_word(authorization, "bearer"),
            _ => true,
        }
    };
    if !route
        .security
        .iter()
        .any(|alternative| alternative.iter().all(|name| present(name)))
    {
        let wanted: Vec<String> = route.security.iter().map(|a| a.join(" + ")).collect();
        out.push(Violation::new(
            "security",
            format!("missing credentials for {}", wanted.join(" or ")),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_and_read_only_are_translated() {
        let schema = json!({"type": "object", "required": ["id", "name"], "properties": {
            "id": {"type": "integer", "readOnly": true},
            "name": {"type": "string", "nullable": true}
        }});
        let validators = Validators::new(&json!({}));
        assert!(validators.is_valid(&schema, &json!({"name": null})));
        assert!(!validators.is_valid(&schema, &json!({"name": 3})));
        assert!(!validators.is_valid(&schema, &json!({})));
    }
}
