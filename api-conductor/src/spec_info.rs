//! What the plan, the scaffold and `status` need to know about a spec, read from its bundled
//! JSON (every `$ref` inside one document).

use conductor_spec::Method;
use serde_json::Value;

/// One operation.
#[derive(Debug, Clone)]
pub(crate) struct OperationInfo {
    pub(crate) id: String,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) tag: String,
    pub(crate) summary: String,
    /// The spec gives no `operationId`: `id` is the generator's, from the method and path.
    pub(crate) derived: bool,
}

/// Every operation, in document order (conductor_spec's walk); one without an `operationId`
/// (or with a blank one) gets the id the generator derives from its method and path.
pub(crate) fn operations(raw: &Value) -> Vec<OperationInfo> {
    conductor_spec::operations(raw)
        .map(|walked| {
            let op = walked.operation;
            let tag = op
                .get("tags")
                .and_then(|t| t.get(0))
                .and_then(Value::as_str)
                .unwrap_or("untagged");
            let summary = op
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default();
            OperationInfo {
                id: walked.id().into_owned(),
                derived: walked.given_id().is_none(),
                method: walked.method,
                path: walked.path.to_owned(),
                tag: tag.to_owned(),
                summary: summary.to_owned(),
            }
        })
        .collect()
}

/// The operation object for `(method, path)`.
pub(crate) fn operation<'a>(raw: &'a Value, info: &OperationInfo) -> Option<&'a Value> {
    conductor_spec::operation(raw, &info.path, info.method).map(|walked| walked.operation)
}

/// The parameters of an operation, path-level ones merged in as the generator merges them,
/// `$ref`s resolved.
pub(crate) fn parameters<'a>(raw: &'a Value, info: &OperationInfo) -> Vec<&'a Value> {
    let Some(walked) = conductor_spec::operation(raw, &info.path, info.method) else {
        return Vec::new();
    };
    walked.parameters().merged.into_iter().map(|p| p.value).collect()
}

/// Follows local `$ref`s to what they point at.
pub(crate) use conductor_spec::follow_refs as resolve;

/// The security schemes: name → one line saying what it is.
pub(crate) fn auth_schemes(raw: &Value) -> Vec<(String, String)> {
    let Some(schemes) = raw.pointer("/components/securitySchemes").and_then(Value::as_object) else {
        return Vec::new();
    };
    schemes
        .iter()
        .map(|(name, scheme)| {
            let scheme = resolve(raw, scheme);
            let text = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or("?");
            let detail = match text("type") {
                "apiKey" => format!("API key in {} `{}`", text("in"), text("name")),
                "http" => format!("HTTP {}", text("scheme")),
                "oauth2" => {
                    let flows = scheme
                        .get("flows")
                        .and_then(Value::as_object)
                        .map(|f| f.keys().cloned().collect::<Vec<_>>().join(", "))
                        .unwrap_or_default();
                    format!("OAuth 2.0 ({flows})")
                }
                "openIdConnect" => format!("OpenID Connect ({})", text("openIdConnectUrl")),
                other => other.to_owned(),
            };
            (name.clone(), detail)
        })
        .collect()
}

/// The documented rate-limit response headers (`X-RateLimit-*`, `RateLimit*`, `Retry-After`).
pub(crate) fn rate_limit_headers(raw: &Value) -> Vec<String> {
    let mut found = std::collections::BTreeSet::new();
    for info in operations(raw) {
        let Some(responses) = operation(raw, &info)
            .and_then(|op| op.get("responses"))
            .and_then(Value::as_object)
        else {
            continue;
        };
        for response in responses.values() {
            let Some(headers) = resolve(raw, response).get("headers").and_then(Value::as_object) else {
                continue;
            };
            for name in headers.keys() {
                let lower = name.to_ascii_lowercase();
                if lower.starts_with("x-ratelimit") || lower.starts_with("ratelimit") || lower == "retry-after" {
                    found.insert(name.clone());
                }
            }
        }
    }
    found.into_iter().collect()
}

/// The first server's URL with its variables at their defaults.
pub(crate) fn base_url(raw: &Value) -> Option<String> {
    let server = raw.get("servers")?.get(0)?;
    let mut url = server.get("url")?.as_str()?.to_owned();
    if let Some(variables) = server.get("variables").and_then(Value::as_object) {
        for (name, variable) in variables {
            if let Some(default) = variable.get("default").and_then(Value::as_str) {
                url = url.replace(&format!("{{{name}}}"), default);
            }
        }
    }
    Some(url)
}

/// `info.title` and `info.version`.
pub(crate) fn title_and_version(raw: &Value) -> (String, String) {
    let text = |key: &str| {
        raw.pointer(&format!("/info/{key}"))
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    (text("title"), text("version"))
}
