//! Scripted responses: what to answer, when to answer it (predicates on the request) and how
//! to misbehave (faults).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

/// A predicate on a request's JSON body.
type BodyPredicate = Arc<dyn Fn(&Value) -> bool + Send + Sync>;

/// A condition a request must meet for a stub to answer it.
#[derive(Clone)]
enum Predicate {
    Query(String, String),
    Header(String, String),
    PathParam(String, String),
    BodySubset(Value),
    Body(BodyPredicate),
}

impl fmt::Debug for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Query(n, v) => write!(f, "query {n}={v}"),
            Self::Header(n, v) => write!(f, "header {n}: {v}"),
            Self::PathParam(n, v) => write!(f, "path {n}={v}"),
            Self::BodySubset(v) => write!(f, "body contains {v}"),
            Self::Body(_) => f.write_str("body predicate"),
        }
    }
}

/// How a scripted response misbehaves on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// The connection is closed without any response.
    Reset,
    /// `Content-Length` declares this many bytes, the body sent is shorter, then the
    /// connection is closed.
    Truncate {
        /// The length declared in `Content-Length`.
        declared: usize,
    },
    /// The body is sent in chunks of `chunk` bytes with `interval` between them.
    SlowBody {
        /// Bytes per chunk (at least 1).
        chunk: usize,
        /// The pause before each chunk after the first.
        interval: Duration,
    },
}

/// A scripted response, with optional predicates that a request must meet and an optional
/// fault.
///
/// ```
/// # use conductor_mock::StubResponse;
/// let page = StubResponse::json(200, &serde_json::json!([]))
///     .when_query("limit", "10")
///     .when_header("x-trace", "abc");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct StubResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Bytes,
    pub(crate) delay: Option<Duration>,
    pub(crate) fault: Option<Fault>,
    predicates: Vec<Predicate>,
}

impl StubResponse {
    /// A response with `status` and no body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: None,
            fault: None,
            predicates: Vec::new(),
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &Value) -> Self {
        Self::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// `429 Too Many Requests` with `Retry-After: <seconds>` and a JSON error body.
    pub fn rate_limited(retry_after_seconds: u64) -> Self {
        Self::json(
            429,
            &serde_json::json!({"error": "rate limited", "retry_after": retry_after_seconds}),
        )
        .header("retry-after", &retry_after_seconds.to_string())
    }

    /// A server error (`500`, `502`, `503`, ...) with a JSON error body.
    pub fn server_error(status: u16) -> Self {
        Self::json(status, &serde_json::json!({"error": "injected server error"}))
    }

    /// Closes the connection without sending a response.
    pub fn reset() -> Self {
        Self::status(500).fault(Fault::Reset)
    }

    /// A `200` that declares `application/json` but whose body is cut off mid-object.
    pub fn malformed_json(status: u16) -> Self {
        Self::status(status)
            .header("content-type", "application/json")
            .body(r#"{"id": 1, "name": "Re"#)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Waits this long before answering.
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Misbehaves on the wire this way.
    pub fn fault(mut self, fault: Fault) -> Self {
        self.fault = Some(fault);
        self
    }

    /// Declares `Content-Length: declared` but sends only the body, then closes the connection.
    pub fn truncated(self, declared: usize) -> Self {
        self.fault(Fault::Truncate { declared })
    }

    /// Sends the body in chunks of `chunk` bytes, pausing `interval` before each but the first.
    pub fn slow_body(self, chunk: usize, interval: Duration) -> Self {
        self.fault(Fault::SlowBody { chunk, interval })
    }

    /// Answers only requests whose query has `name=value` (decoded).
    pub fn when_query(mut self, name: &str, value: &str) -> Self {
        self.predicates
            .push(Predicate::Query(name.to_owned(), value.to_owned()));
        self
    }

    /// Answers only requests with the header `name: value` (name case-insensitive).
    pub fn when_header(mut self, name: &str, value: &str) -> Self {
        self.predicates
            .push(Predicate::Header(name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// Answers only requests whose path parameter `name` is `value` (decoded; spec servers).
    pub fn when_path_param(mut self, name: &str, value: &str) -> Self {
        self.predicates
            .push(Predicate::PathParam(name.to_owned(), value.to_owned()));
        self
    }

    /// Answers only requests whose JSON body contains `subset`: objects match when every key
    /// of `subset` matches, arrays and scalars must be equal.
    pub fn when_body_contains(mut self, subset: Value) -> Self {
        self.predicates.push(Predicate::BodySubset(subset));
        self
    }

    /// Answers only requests whose body is JSON for which `predicate` holds. A panic in the
    /// predicate is reported by the server (see [`crate::MockServer::take_panics`], and dropping the server fails the test).
    pub fn when_body(mut self, predicate: impl Fn(&Value) -> bool + Send + Sync + 'static) -> Self {
        self.predicates.push(Predicate::Body(Arc::new(predicate)));
        self
    }

    /// Whether `request` meets every predicate.
    pub(crate) fn matches(&self, request: &RequestView<'_>) -> bool {
        let mut body: Option<Option<Value>> = None;
        self.predicates.iter().all(|predicate| match predicate {
            Predicate::Query(n, v) => request.query.iter().any(|(k, x)| k == n && x == v),
            Predicate::Header(n, v) => request.headers.iter().any(|(k, x)| k == n && x == v),
            Predicate::PathParam(n, v) => request.path_params.iter().any(|(k, x)| k == n && x == v),
            Predicate::BodySubset(subset) => body
                .get_or_insert_with(|| serde_json::from_slice(request.body).ok())
                .as_ref()
                .is_some_and(|b| contains(b, subset)),
            Predicate::Body(f) => body
                .get_or_insert_with(|| serde_json::from_slice(request.body).ok())
                .as_ref()
                .is_some_and(|b| f(b)),
        })
    }
}

/// What predicates see of a request.
pub(crate) struct RequestView<'a> {
    pub(crate) query: &'a [(String, String)],
    pub(crate) headers: &'a [(String, String)],
    pub(crate) path_params: &'a [(String, String)],
    pub(crate) body: &'a [u8],
}

/// `value` contains `subset`: every key of an object subset matches recursively.
fn contains(value: &Value, subset: &Value) -> bool {
    match (value, subset) {
        (Value::Object(value), Value::Object(subset)) => {
            subset.iter().all(|(k, s)| value.get(k).is_some_and(|v| contains(v, s)))
        }
        _ => value == subset,
    }
}

/// The next response of a sequence that matches `request`. Stubs with predicates are more
/// specific and win over stubs without; among the chosen kind, the first matching one is
/// served and removed unless it is the last matching one (which repeats).
pub(crate) fn take(responses: &mut Vec<StubResponse>, request: &RequestView<'_>) -> Option<StubResponse> {
    let specific = responses.iter().any(|r| !r.predicates.is_empty() && r.matches(request));
    let mut matching = responses
        .iter()
        .enumerate()
        .filter(|(_, r)| r.predicates.is_empty() != specific && r.matches(request))
        .map(|(i, _)| i);
    let first = matching.next()?;
    if matching.next().is_some() {
        Some(responses.remove(first))
    } else {
        responses.get(first).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subsets_and_sequences() {
        assert!(contains(
            &json!({"a": 1, "b": {"c": 2, "d": 3}}),
            &json!({"b": {"c": 2}})
        ));
        assert!(!contains(&json!({"a": 1}), &json!({"a": 2})));
        let view = |query: &'static [(String, String)]| RequestView {
            query,
            headers: &[],
            path_params: &[],
            body: b"",
        };
        let mut responses = vec![
            StubResponse::status(503),
            StubResponse::status(200),
            StubResponse::status(404).when_query("x", "1"),
        ];
        let plain = view(&[]);
        assert_eq!(take(&mut responses, &plain).map(|r| r.status), Some(503));
        assert_eq!(take(&mut responses, &plain).map(|r| r.status), Some(200));
        assert_eq!(take(&mut responses, &plain).map(|r| r.status), Some(200));
        let query = vec![("x".to_owned(), "1".to_owned())];
        let leaked: &'static [(String, String)] = Box::leak(query.into_boxed_slice());
        assert_eq!(take(&mut responses, &view(leaked)).map(|r| r.status), Some(404));
        assert_eq!(take(&mut responses, &plain).map(|r| r.status), Some(200));
    }
}
