//! Answers from the spec, prepared once per documented response of an operation.
//!
//! Nothing in an answer from the spec depends on the request: it is the documented response's
//! example when that validates against the response schema (formats included), else data
//! generated from its schema that does, with its declared headers filled the same way. Why an
//! example was passed over is kept on the answer and sent in `x-conductor-mock-note`.
//! Generation is deterministic for the server's seed, so each (operation, documented
//! response) is generated on first use with a generator seeded from the server's seed, the
//! operation id and the status key, then served as the same `Bytes` every time — no schema is
//! walked and no JSON is written per request. What does depend on the request (stubs,
//! validation, OAuth and rate-limit emulation) is decided before an answer is taken from here;
//! stubs never change a prepared answer, and the seed is fixed for a server's life.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode};
use bytes::Bytes;
use serde_json::Value;

use crate::routes::{deref, Route};
use crate::stub::StubResponse;
use crate::{generate, SpecState};

/// A documented response, ready to send with any status.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl Prepared {
    /// The HTTP response; the body is shared, not copied.
    pub(crate) fn response(&self, status: u16) -> Response<Body> {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.reserve(self.headers.len());
        for (name, value) in &self.headers {
            headers.append(name.clone(), value.clone());
        }
        response
    }

    /// The same answer as a scripted response, for the mock's own errors to be shaped into.
    pub(crate) fn to_stub(&self, status: u16) -> StubResponse {
        let mut stub = StubResponse::status(status).body(self.body.clone());
        for (name, value) in &self.headers {
            stub = stub.header(name.as_str(), &String::from_utf8_lossy(value.as_bytes()));
        }
        stub
    }
}

/// The answer for `route`'s documented response number `index` (in `route.responses`),
/// prepared on first use.
pub(crate) fn prepared<'a>(spec: &SpecState, route: &'a Route, index: usize) -> &'a Prepared {
    route.prepared[index].get_or_init(|| prepare(spec, route, index))
}

/// FNV-1a: a stable hash (the same in every build and run) of what names an answer.
fn stable_hash(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// Where a redirect from the spec points (`Location` of a 3xx answer): the mock answers it 200
/// with an empty body, so a client that follows redirects ends there.
pub(crate) const REDIRECT_TARGET: &str = "/__conductor/redirected";

/// The header that says why spec examples were not served, when some were not (the reasons
/// joined by ` | `, at most 1,000 characters).
pub(crate) const NOTE_HEADER: &str = "x-conductor-mock-note";

/// The first of `candidates` (the spec's examples, labelled) that is a valid answer for
/// `schema`, else data generated from it — first with the schema's nested examples, then
/// without them, as those can be wrong too. Every candidate passed over is noted with why.
fn valid_answer(
    spec: &SpecState,
    schema: &Value,
    candidates: impl IntoIterator<Item = (String, Value)>,
    rng: &mut fastrand::Rng,
    what: &str,
    notes: &mut Vec<String>,
) -> Value {
    let problem_of = |value: &Value| {
        if schema.is_null() {
            None
        } else {
            spec.validators.answer_problem(schema, value)
        }
    };
    for (label, example) in candidates {
        match problem_of(&example) {
            None => return example,
            Some(problem) => notes.push(format!("{what}: {label} skipped: {problem}")),
        }
    }
    let accepts = |schema: &Value, value: &Value| spec.validators.is_valid_answer(schema, value);
    let generated = generate::generate(&spec.raw, schema, rng, true, &accepts);
    let Some(problem) = problem_of(&generated) else {
        return generated;
    };
    notes.push(format!("{what}: the schema's own examples skipped: {problem}"));
    let generated = generate::generate(&spec.raw, schema, rng, false, &accepts);
    if let Some(problem) = problem_of(&generated) {
        notes.push(format!("{what}: generated data does not validate either: {problem}"));
    }
    generated
}

/// The `example` and `examples` of a media type or header object, labelled.
fn examples_of(spec: &SpecState, object: &Value) -> Vec<(String, Value)> {
    let single = object.get("example").map(|e| ("the example".to_owned(), e.clone()));
    let named = object
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(name, e)| Some((format!("example `{name}`"), deref(&spec.raw, e).get("value")?.clone())));
    single.into_iter().chain(named).collect()
}

/// The documented response's headers and body: the spec's examples when they validate against
/// their schemas (formats included), else data generated from the schemas that does.
fn prepare(spec: &SpecState, route: &Route, index: usize) -> Prepared {
    let (status, response) = &route.responses[index];
    let mut rng = fastrand::Rng::with_seed(spec.seed ^ stable_hash(&[&route.id, status]));
    let mut notes = Vec::new();
    let mut headers = Vec::new();
    let mut add = |name: &str, value: &str| {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.push((name, value));
        }
    };
    if let Some(declared) = response.get("headers").and_then(Value::as_object) {
        // The body's framing and the connection are the server's to set: a documented
        // `Content-Length: 279` sent with another body leaves the client waiting for bytes.
        let framing = [
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "upgrade",
            "trailer",
            "te",
        ];
        for (name, header) in declared {
            let lower = name.to_ascii_lowercase();
            if framing.contains(&lower.as_str()) || (lower == "content-type" && response.get("content").is_some()) {
                continue;
            }
            // A redirect's target stays on the mock: generated text would loop back to the same
            // operation, and the spec's example names the real API (GitHub's codeload URLs).
            if lower == "location" && status.starts_with('3') {
                add(name, REDIRECT_TARGET);
                continue;
            }
            let header = deref(&spec.raw, header);
            if let Some(schema) = header.get("schema") {
                // A header's own example is not served: it can name the real API's host (GitHub's
                // `Link: <https://api.github.com/resource?page=2>`), which a client would follow.
                let value = valid_answer(spec, schema, [], &mut rng, &format!("header {name}"), &mut notes);
                add(name, &value.as_str().map_or_else(|| value.to_string(), str::to_owned));
            }
        }
    }
    let content = response.get("content").and_then(Value::as_object).and_then(|content| {
        content
            .iter()
            .find(|(t, _)| t.contains("json"))
            .or_else(|| content.iter().next())
    });
    let body = content.map(|(content_type, media)| {
        let schema = media.get("schema").unwrap_or(&Value::Null);
        let candidates = examples_of(spec, media);
        let body = valid_answer(spec, schema, candidates, &mut rng, "body", &mut notes);
        add("content-type", content_type);
        if content_type.contains("json") {
            body.to_string()
        } else {
            body.as_str().map_or_else(|| body.to_string(), str::to_owned)
        }
    });
    if !notes.is_empty() {
        let printable: String = notes
            .join(" | ")
            .chars()
            .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '?' })
            .take(1000)
            .collect();
        add(NOTE_HEADER, &printable);
    }
    Prepared {
        headers,
        // Exactly the text's size: the serialiser leaves up to half its buffer spare, kept per answer.
        body: body
            .map(|text| Bytes::from(text.into_bytes().into_boxed_slice()))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_stable_and_separates_parts() {
        assert_eq!(stable_hash(&["getPet", "200"]), stable_hash(&["getPet", "200"]));
        assert_ne!(stable_hash(&["getPet", "200"]), stable_hash(&["getPe", "t200"]));
        assert_ne!(stable_hash(&["getPet", "200"]), stable_hash(&["getPet", "404"]));
    }
}
