//! Answers from the spec, prepared once per documented response of an operation.
//!
//! Nothing in an answer from the spec depends on the request: it is the documented response's
//! example when that validates, else data generated from its schema, with its declared headers
//! filled. Generation is deterministic for the server's seed, so each (operation, documented
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

/// The documented response's headers and its example when that validates, else generated data.
fn prepare(spec: &SpecState, route: &Route, index: usize) -> Prepared {
    let (status, response) = &route.responses[index];
    let mut rng = fastrand::Rng::with_seed(spec.seed ^ stable_hash(&[&route.id, status]));
    let mut headers = Vec::new();
    let mut add = |name: &str, value: &str| {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            headers.push((name, value));
        }
    };
    if let Some(declared) = response.get("headers").and_then(Value::as_object) {
        for (name, header) in declared {
            let header = deref(&spec.raw, header);
            if let Some(schema) = header.get("schema") {
                let value = generate::generate(&spec.raw, schema, &mut rng);
                add(name, &value.as_str().map_or_else(|| value.to_string(), str::to_owned));
            }
        }
    }
    let Some((content_type, media)) = response.get("content").and_then(Value::as_object).and_then(|content| {
        content
            .iter()
            .find(|(t, _)| t.contains("json"))
            .or_else(|| content.iter().next())
    }) else {
        return Prepared {
            headers,
            body: Bytes::new(),
        };
    };
    let schema = media.get("schema").unwrap_or(&Value::Null);
    let examples = media.get("example").cloned().into_iter().chain(
        media
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|e| e.values())
            .filter_map(|e| deref(&spec.raw, e).get("value").cloned()),
    );
    let mut body = None;
    for example in examples {
        if schema.is_null() || spec.validators.is_valid(&spec.raw, schema, &example) {
            body = Some(example);
            break;
        }
    }
    let body = body.unwrap_or_else(|| generate::generate(&spec.raw, schema, &mut rng));
    let text = if content_type.contains("json") {
        body.to_string()
    } else {
        body.as_str().map_or_else(|| body.to_string(), str::to_owned)
    };
    add("content-type", content_type);
    Prepared {
        headers,
        body: Bytes::from(text),
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
