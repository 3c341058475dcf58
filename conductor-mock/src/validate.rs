//! Request validation against the spec: parameters, body, content type and credentials. The
//! schemas are checked by [`crate::schema_check`], formats included (a `date-time` parameter
//! that is not one is a violation, as is a body property that should be a `uuid`).

use std::sync::{Arc, OnceLock};

use serde_json::{json, Value};

use crate::routes::{deref, Route};
use crate::schema_check::{self, Direction, Validators};

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

/// Reports each way `value` fails `validator` under `location`.
fn report(validator: &jsonschema::Validator, value: &Value, location: &str, out: &mut Vec<Violation>) {
    for problem in schema_check::problems(validator, value) {
        out.push(Violation::new(format!("{location}{}", problem.path), problem.message));
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

/// The JSON type a parameter's text is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scalar {
    Integer,
    Number,
    Boolean,
    Text,
}

impl Scalar {
    fn of(root: &Value, schema: &Value) -> Self {
        match deref(root, schema).get("type").and_then(Value::as_str) {
            Some("integer") => Self::Integer,
            Some("number") => Self::Number,
            Some("boolean") => Self::Boolean,
            _ => Self::Text,
        }
    }

    /// The text as JSON of this type; text that does not parse stays a string (and fails
    /// validation).
    fn convert(self, text: &str) -> Value {
        match self {
            Self::Integer => text
                .parse::<i64>()
                .map_or_else(|_| Value::String(text.to_owned()), Value::from),
            Self::Number => text
                .parse::<f64>()
                .map_or_else(|_| Value::String(text.to_owned()), Value::from),
            Self::Boolean => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::String(text.to_owned()),
            },
            Self::Text => Value::String(text.to_owned()),
        }
    }

    /// Whether `value` has this type (as JSON Schema's `type` sees it, integers only as
    /// integers).
    fn holds(self, value: &Value) -> bool {
        match self {
            Self::Integer => value.is_i64() || value.is_u64(),
            Self::Number => value.is_number(),
            Self::Boolean => value.is_boolean(),
            Self::Text => value.is_string(),
        }
    }
}

/// Keywords that never reject a parameter value (draft 4 with `format` only asserted on
/// strings, after translation from OpenAPI 3.0).
const ANNOTATIONS: &[&str] = &[
    "type",
    "format",
    "description",
    "title",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "xml",
    "externalDocs",
];

/// The type a schema asks for when that is all it asks: any value of that type is valid, so
/// the compiled validator need not run. `None` when the schema constrains more.
fn only_type(root: &Value, schema: &Value) -> Option<Scalar> {
    let schema = deref(root, schema).as_object()?;
    if !schema.keys().all(|k| ANNOTATIONS.contains(&k.as_str())) {
        return None;
    }
    match schema.get("type").and_then(Value::as_str)? {
        "integer" => Some(Scalar::Integer),
        "number" => Some(Scalar::Number),
        "boolean" => Some(Scalar::Boolean),
        // Draft 4 asserts the formats it knows on strings.
        "string" if !schema.contains_key("format") => Some(Scalar::Text),
        _ => None,
    }
}

/// How a parameter's values become JSON, and what can be accepted without the validator.
#[derive(Debug, Clone)]
struct SchemaPlan {
    /// The parameter's position in `Route::parameters`, whose `schema` the validator compiles.
    index: usize,
    /// `Some(items)` for an array (one comma-separated value or repeated values).
    array: Option<Scalar>,
    scalar: Scalar,
    /// Values of this shape are valid without running the validator.
    accepts: Option<(Option<Scalar>, Scalar)>,
    validator: OnceLock<Option<Arc<jsonschema::Validator>>>,
}

impl SchemaPlan {
    fn new(root: &Value, index: usize, schema: &Value) -> Self {
        let resolved = deref(root, schema);
        let array = (resolved.get("type").and_then(Value::as_str) == Some("array"))
            .then(|| Scalar::of(root, resolved.get("items").unwrap_or(&Value::Null)));
        let accepts = match array {
            None => only_type(root, schema).map(|t| (None, t)),
            Some(_) => {
                let keys_ok = resolved
                    .as_object()
                    .is_some_and(|o| o.keys().all(|k| k == "items" || ANNOTATIONS.contains(&k.as_str())));
                let items = resolved.get("items").and_then(|items| only_type(root, items));
                match (keys_ok, items) {
                    (true, Some(items)) => Some((Some(items), items)),
                    _ => None,
                }
            }
        };
        Self {
            index,
            array,
            scalar: Scalar::of(root, schema),
            accepts,
            validator: OnceLock::new(),
        }
    }

    /// The values as the JSON the schema expects.
    fn typed(&self, values: &[&str]) -> Value {
        if let Some(items) = self.array {
            let parts: Vec<&str> = if values.len() == 1 {
                values[0].split(',').collect()
            } else {
                values.to_vec()
            };
            return Value::Array(parts.into_iter().map(|p| items.convert(p)).collect());
        }
        self.scalar.convert(values.first().copied().unwrap_or_default())
    }

    /// Whether `value` is valid without running the validator.
    fn accepted(&self, value: &Value) -> bool {
        match (self.accepts, value) {
            (Some((None, scalar)), value) => scalar.holds(value),
            (Some((Some(items), _)), Value::Array(values)) => values.iter().all(|v| items.holds(v)),
            _ => false,
        }
    }
}

/// Where a parameter is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
    /// A `deepObject` query parameter: present when any `name[...]` key is.
    DeepObject,
    Header,
    Cookie,
}

/// One parameter's checks.
#[derive(Debug, Clone)]
struct ParameterPlan {
    name: String,
    location: Location,
    required: bool,
    /// `query.limit`, `path.petId`: where violations are reported.
    place: String,
    schema: Option<SchemaPlan>,
}

/// How a security scheme's credential shows in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Credential {
    Header(String),
    Query(String),
    Cookie(String),
    /// `Authorization: <scheme> ...`.
    Authorization(String),
    /// A scheme we cannot check is taken as present.
    Unchecked,
    /// An unknown scheme, or an API key in an unknown place, is never present.
    Never,
}

/// A route's request checks, compiled from the spec on the route's first request: credentials
/// resolved to where they show, parameters with their locations, places and types, and
/// validators compiled on first use and then reached without a lock.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Alternatives, each a set of credentials that must all be present; `None` when the route
    /// needs none.
    security: Option<Vec<Vec<Credential>>>,
    parameters: Vec<ParameterPlan>,
}

impl Plan {
    pub(crate) fn new(root: &Value, route: &Route) -> Self {
        let schemes = root.pointer("/components/securitySchemes");
        let credential = |name: &str| {
            let Some(scheme) = schemes.and_then(|s| s.get(name)).map(|s| deref(root, s)) else {
                return Credential::Never;
            };
            match scheme.get("type").and_then(Value::as_str) {
                Some("apiKey") => {
                    let key = scheme
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    match scheme.get("in").and_then(Value::as_str) {
                        Some("header") => Credential::Header(key),
                        Some("query") => Credential::Query(key),
                        Some("cookie") => Credential::Cookie(key),
                        _ => Credential::Never,
                    }
                }
                Some("http") => Credential::Authorization(
                    scheme
                        .get("scheme")
                        .and_then(Value::as_str)
                        .unwrap_or("bearer")
                        .to_owned(),
                ),
                Some("oauth2" | "openIdConnect") => Credential::Authorization("bearer".to_owned()),
                _ => Credential::Unchecked,
            }
        };
        let security = (!route.security.is_empty() && !route.security.iter().any(Vec::is_empty)).then(|| {
            route
                .security
                .iter()
                .map(|alternative| alternative.iter().map(|name| credential(name)).collect())
                .collect()
        });
        let parameters = route
            .parameters
            .iter()
            .enumerate()
            .filter_map(|(index, parameter)| {
                let name = parameter.get("name").and_then(Value::as_str)?;
                let location = match parameter.get("in").and_then(Value::as_str)? {
                    "path" => Location::Path,
                    "query" if parameter.get("style").and_then(Value::as_str) == Some("deepObject") => {
                        Location::DeepObject
                    }
                    "query" => Location::Query,
                    "header" => Location::Header,
                    "cookie" => Location::Cookie,
                    _ => return None,
                };
                let in_ = parameter.get("in").and_then(Value::as_str).unwrap_or_default();
                Some(ParameterPlan {
                    name: name.to_owned(),
                    location,
                    required: parameter.get("required") == Some(&Value::Bool(true)) || location == Location::Path,
                    place: format!("{in_}.{name}"),
                    schema: parameter
                        .get("schema")
                        .map(|schema| SchemaPlan::new(root, index, schema)),
                })
            })
            .collect();
        Self { security, parameters }
    }
}

/// Validates a request against its route; an empty list means it is valid.
pub(crate) fn validate(root: &Value, validators: &Validators, route: &Route, request: &Incoming<'_>) -> Vec<Violation> {
    let plan = route.plan.get_or_init(|| Plan::new(root, route));
    let mut violations = Vec::new();
    check_security(plan, route, request, &mut violations);
    let mut cookies: Option<Vec<(String, String)>> = None;
    for parameter in &plan.parameters {
        let name = parameter.name.as_str();
        let values: Vec<&str> = match parameter.location {
            Location::Path => request
                .path_params
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect(),
            Location::DeepObject => {
                let present = request
                    .query
                    .iter()
                    .any(|(k, _)| k.strip_prefix(name).is_some_and(|rest| rest.starts_with('[')));
                if present {
                    continue;
                }
                Vec::new()
            }
            Location::Query => request
                .query
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect(),
            Location::Header => request.header(name).into_iter().collect(),
            Location::Cookie => cookies
                .get_or_insert_with(|| request.cookies())
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .collect(),
        };
        if values.is_empty() {
            if parameter.required {
                violations.push(Violation::new(parameter.place.clone(), "required parameter is missing"));
            }
            continue;
        }
        if let Some(plan) = &parameter.schema {
            let value = plan.typed(&values);
            if plan.accepted(&value) {
                continue;
            }
            let validator = plan.validator.get_or_init(|| {
                route.parameters[plan.index]
                    .get("schema")
                    .and_then(|schema| validators.validator(schema, Direction::Request))
            });
            if let Some(validator) = validator {
                report(validator, &value, &parameter.place, &mut violations);
            }
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
        for problem in validators.problems(schema, &parsed, Direction::Request) {
            out.push(Violation::new(format!("body{}", problem.path), problem.message));
        }
    }
}

/// `text` starts with `word` (case-insensitive) followed by a space.
fn starts_with_word(text: &str, word: &str) -> bool {
    text.get(..word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word)) && text[word.len()..].starts_with(' ')
}

/// A credential is present for some alternative of the route's requirements.
fn check_security(plan: &Plan, route: &Route, request: &Incoming<'_>, out: &mut Vec<Violation>) {
    let Some(alternatives) = &plan.security else {
        return;
    };
    let present = |credential: &Credential| match credential {
        Credential::Header(name) => request.header(name).is_some(),
        Credential::Query(name) => request.query.iter().any(|(k, _)| k == name),
        Credential::Cookie(name) => request.cookies().iter().any(|(k, _)| k == name),
        Credential::Authorization(scheme) => {
            starts_with_word(request.header("authorization").unwrap_or_default(), scheme)
        }
        Credential::Unchecked => true,
        Credential::Never => false,
    };
    if !alternatives.iter().any(|alternative| alternative.iter().all(present)) {
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
    fn only_unconstrained_types_skip_the_validator() {
        let root = json!({"components": {"schemas": {
            "Id": {"type": "integer", "format": "int64", "description": "an id"},
            "Status": {"type": "string", "enum": ["a"]}
        }}});
        let plain = |schema: Value| only_type(&root, &schema);
        assert_eq!(plain(json!({"$ref": "#/components/schemas/Id"})), Some(Scalar::Integer));
        assert_eq!(plain(json!({"type": "string"})), Some(Scalar::Text));
        assert_eq!(plain(json!({"$ref": "#/components/schemas/Status"})), None);
        assert_eq!(plain(json!({"type": "integer", "minimum": 1})), None);
        assert_eq!(plain(json!({"type": "string", "format": "date-time"})), None);
        let plan = SchemaPlan::new(&root, 0, &json!({"type": "array", "items": {"type": "integer"}}));
        assert!(plan.accepted(&plan.typed(&["1,2"])));
        assert!(
            !plan.accepted(&plan.typed(&["1,x"])),
            "left to the validator, which reports it"
        );
        let plan = SchemaPlan::new(&root, 0, &json!({"$ref": "#/components/schemas/Id"}));
        assert!(plan.accepted(&plan.typed(&["7"])));
        assert!(!plan.accepted(&plan.typed(&["seven"])));
    }
}
