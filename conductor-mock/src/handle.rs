//! The request pipeline: record → rate limit → stubs → OAuth endpoints → proxy or replay →
//! live-token check → validation → an answer from the spec.

use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, Response};
use futures_util::FutureExt;
use http_body_util::BodyExt;
use hyper::body::{Body as _, Incoming};
use serde_json::{json, Value};

use crate::prepared::{self, Prepared};
use crate::stub::{self, RequestView, StubResponse};
use crate::validate::{self, Violation};
use crate::{fault, lock, oauth, routes, Mode, ReceivedRequest, Shared, SpecState};

/// The connection's entry point: runs the pipeline and turns a panic into a 500 that the
/// server remembers (and reports when dropped).
///
/// The request's head is copied out and dropped before the pipeline runs: its parts share
/// hyper's read buffer, and hyper reads ahead (for the next request or the peer closing) before
/// it polls the answer, so a head still held then makes it allocate a fresh buffer per request.
pub(crate) fn handle(
    state: Shared,
    request: Request<Incoming>,
) -> impl Future<Output = Result<Response<Body>, Infallible>> {
    let (parts, body) = request.into_parts();
    let received = ReceivedRequest {
        operation: None,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                let value = v
                    .to_str()
                    .map_or_else(|_| String::from_utf8_lossy(v.as_bytes()).into_owned(), str::to_owned);
                (n.as_str().to_owned(), value)
            })
            .collect(),
        body: bytes::Bytes::new(),
    };
    drop(parts);
    async move { answer_or_500(&state, received, body).await }
}

async fn answer_or_500(
    state: &Shared,
    received: ReceivedRequest,
    body: Incoming,
) -> Result<Response<Body>, Infallible> {
    Ok(
        match AssertUnwindSafe(respond(state, received, body)).catch_unwind().await {
            Ok(response) => response,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic with a non-string payload".to_owned());
                lock(state).panics.push(message.clone());
                fault::build(StubResponse::json(
                    500,
                    &json!({"error": "the mock server panicked", "message": message}),
                ))
            }
        },
    )
}

/// Splits and decodes a query string (`+` is a space).
pub(crate) fn parse_query(query: Option<&str>) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Reads a request body of at most [`crate::MAX_REQUEST_BODY`] bytes; `None` when it is larger.
/// A body that cannot be read (the client went away) is empty.
async fn read_body(body: Incoming) -> Option<bytes::Bytes> {
    if body.is_end_stream() {
        return Some(bytes::Bytes::new());
    }
    if body.size_hint().lower() > crate::MAX_REQUEST_BODY as u64 {
        return None;
    }
    match http_body_util::Limited::new(body, crate::MAX_REQUEST_BODY)
        .collect()
        .await
    {
        Ok(collected) => Some(collected.to_bytes()),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => None,
        Err(_) => Some(bytes::Bytes::new()),
    }
}

async fn respond(state: &Shared, mut received: ReceivedRequest, body: Incoming) -> Response<Body> {
    let body = read_body(body).await;
    let too_large = body.is_none();
    received.body = body.unwrap_or_default();
    let query = parse_query(received.query.as_deref());
    let selected = state.spec.as_ref().and_then(|spec| {
        let stubbed = |id: &str| lock(state).operations.get(id).is_some_and(|stubs| !stubs.is_empty());
        routes::select(
            &spec.routes,
            &spec.raw,
            &received.method,
            &received.path,
            &query,
            stubbed,
        )
    });
    let (route, doubt) = match selected {
        Some(selected) => (Some((selected.route, selected.params)), selected.doubt),
        None => (None, Vec::new()),
    };
    received.operation = route.as_ref().map(|(r, _)| r.id.clone());
    // Shared with the record: keeping a request costs a reference count, not a copy.
    let received = Arc::new(received);
    let oauth_endpoint = state.oauth.endpoint(&received.path);
    let limit = if oauth_endpoint.is_some() {
        None
    } else {
        Some(state.limits.consume())
    };
    let view = RequestView {
        query: &query,
        headers: &received.headers,
        path_params: route.as_ref().map(|(_, p)| p.as_slice()).unwrap_or_default(),
        body: &received.body,
    };
    let scripted = {
        let mut script = lock(state);
        script.record(Arc::clone(&received));
        let by_path = if too_large || script.routes.is_empty() {
            None
        } else {
            let key = (received.method.clone(), received.path.clone());
            script.routes.get_mut(&key).and_then(|r| stub::take(r, &view))
        };
        by_path.or_else(|| {
            let id = received.operation.as_ref().filter(|_| !too_large)?;
            script.operations.get_mut(id).and_then(|r| stub::take(r, &view))
        })
    };
    let (limit_headers, rejected) = match limit {
        Some(Ok(headers)) => (headers, None),
        Some(Err(rejected)) => (Vec::new(), Some(*rejected)),
        None => (Vec::new(), None),
    };
    let matched = route.as_ref().map(|(route, _)| *route);
    // Whether the answer is one the operation gives (scripted, from the spec, recorded), as
    // against the mock's own refusals (a 413, a spent rate-limit budget, violations).
    let (reply, answered) = match (rejected, scripted) {
        _ if too_large => (
            Reply::Stub(StubResponse::json(
                413,
                &json!({"error": "the request body is larger than the mock server accepts", "limit_bytes": crate::MAX_REQUEST_BODY}),
            )),
            false,
        ),
        (Some(rejected), _) => (Reply::Stub(rejected), false),
        (_, Some(stub)) => {
            if let Some(delay) = stub.delay {
                tokio::time::sleep(delay).await;
            }
            // A stub answers whatever was sent; the request covers its operation only if valid.
            let valid = match (&state.spec, &route) {
                (Some(spec), Some((route, params))) => violations(spec, route, params, &query, &received).is_empty(),
                _ => false,
            };
            (Reply::Stub(stub), valid)
        }
        (_, None) => match (oauth_endpoint, &state.mode) {
            (Some(endpoint), _) => (Reply::Stub(state.oauth.serve(endpoint, &received, &query)), false),
            (None, Mode::Record(recorder)) => (Reply::Stub(recorder.forward(&received).await), true),
            (None, Mode::Replay(replayer)) => (Reply::Stub(replayer.answer(&received)), true),
            (None, Mode::Serve) => match (&state.spec, route) {
                (Some(spec), Some((route, params))) => answer(state, spec, route, &params, &query, &received),
                (Some(_), None) if received.path == prepared::REDIRECT_TARGET => {
                    (Reply::Stub(StubResponse::status(200)), false)
                }
                (Some(spec), None) => (Reply::Stub(not_found(spec, &received)), false),
                (None, _) => (
                    Reply::Stub(StubResponse::json(
                        404,
                        &json!({"error": "no stub", "method": received.method, "path": received.path}),
                    )),
                    false,
                ),
            },
        },
    };
    if let Some(operation) = &received.operation {
        // Covered: answered as the spec documents the operation, without an injected fault.
        let handled = answered
            && matched.is_some_and(|route| documented(route, reply.status()).is_some())
            && !matches!(&reply, Reply::Stub(stub) if stub.fault.is_some());
        lock(state).coverage.record(operation, reply.status(), handled);
    }
    let mut response = match reply {
        Reply::Stub(stub) => fault::build(stub),
        Reply::Spec(status, prepared) => prepared.response(status),
    };
    if !doubt.is_empty() {
        // Operations sharing this method and path that the request did not tell apart.
        if let Ok(value) = HeaderValue::try_from(doubt.join(", ")) {
            response
                .headers_mut()
                .append(HeaderName::from_static(AMBIGUOUS_HEADER), value);
        }
    }
    for (name, value) in limit_headers {
        if let Ok(value) = HeaderValue::try_from(value) {
            response.headers_mut().append(HeaderName::from_static(name), value);
        }
    }
    response
}

/// The header naming the other operations a request could have been for, when several share
/// its method and path and nothing told them apart (the answer is the first's).
const AMBIGUOUS_HEADER: &str = "x-conductor-mock-ambiguous";

/// What the pipeline answers: a scripted (or the mock's own) response, or an answer prepared
/// from the spec with its status.
enum Reply<'a> {
    Stub(StubResponse),
    Spec(u16, &'a Prepared),
}

impl Reply<'_> {
    fn status(&self) -> u16 {
        match self {
            Self::Stub(stub) => stub.status,
            Self::Spec(status, _) => *status,
        }
    }
}

/// 404 with the nearest operations.
fn not_found(spec: &SpecState, request: &ReceivedRequest) -> StubResponse {
    let mut nearest: Vec<&routes::Route> = spec.routes.iter().collect();
    nearest.sort_by_key(|r| r.distance(&request.method, &request.path));
    let nearest: Vec<Value> = nearest
        .iter()
        .take(3)
        .map(|r| json!({"operationId": r.id, "method": r.method, "path": r.template}))
        .collect();
    StubResponse::json(
        404,
        &json!({"error": "no operation matches this request", "method": request.method, "path": request.path, "nearest": nearest}),
    )
}

/// Checks live tokens (when required), validates the request, then answers from the spec; with
/// whether the answer is the operation's own (not one of the mock's refusals).
fn answer<'a>(
    state: &Shared,
    spec: &SpecState,
    route: &'a routes::Route,
    params: &[(String, String)],
    query: &[(String, String)],
    request: &ReceivedRequest,
) -> (Reply<'a>, bool) {
    if let Some(rejected) = state.oauth.check(&spec.raw, route, request) {
        return (Reply::Stub(conform(spec, route, rejected)), false);
    }
    let violations = violations(spec, route, params, query, request);
    if !violations.is_empty() {
        let status = validate::status_for(&violations);
        let list: Vec<Value> = violations.iter().map(Violation::to_json).collect();
        let response = StubResponse::json(
            status,
            &json!({"error": "the request does not match the spec", "operationId": route.id, "violations": list}),
        );
        let response = if status == 401 {
            response.header("www-authenticate", oauth::CHALLENGE)
        } else {
            response
        };
        return (Reply::Stub(conform(spec, route, response)), false);
    }
    let reply = match route.answer {
        Some((index, status)) => Reply::Spec(status, prepared::prepared(spec, route, index)),
        None => Reply::Stub(StubResponse::status(204)),
    };
    (reply, true)
}

/// What is wrong with `request` for `route` (nothing: it is valid).
fn violations(
    spec: &SpecState,
    route: &routes::Route,
    params: &[(String, String)],
    query: &[(String, String)],
    request: &ReceivedRequest,
) -> Vec<Violation> {
    let incoming = validate::Incoming {
        path_params: params,
        query,
        headers: &request.headers,
        body: &request.body,
    };
    validate::validate(&spec.raw, &spec.validators, route, &incoming)
}

/// The response the spec documents for `status`: exact, then `4XX`-style, then `default`; its
/// index in `route.responses`.
fn documented(route: &routes::Route, status: u16) -> Option<usize> {
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    let found = [exact.as_str(), range.as_str(), "default"]
        .into_iter()
        .find_map(|wanted| route.responses.iter().position(|(s, _)| s.eq_ignore_ascii_case(wanted)));
    found
}

/// Makes the mock's own error response (violations, a missing token) conform to what the spec
/// documents for its status, so clients decode it as the spec's error type: the documented
/// body gets the mock's fields added when the schema allows them, else the documented body is
/// sent and the mock's explanation travels in `x-conductor-mock-error`. Undocumented statuses
/// keep the mock's body.
pub(crate) fn conform(spec: &SpecState, route: &routes::Route, ours: StubResponse) -> StubResponse {
    let Some(index) = documented(route, ours.status) else {
        return ours;
    };
    let response = &route.responses[index].1;
    let mut shaped = prepared::prepared(spec, route, index).to_stub(ours.status);
    for (name, value) in &ours.headers {
        if !name.eq_ignore_ascii_case("content-type") {
            shaped = shaped.header(name, value);
        }
    }
    let schema = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(t, _)| t.contains("json")))
        .and_then(|(_, media)| media.get("schema"));
    let mine: Option<Value> = serde_json::from_slice(&ours.body).ok();
    let theirs: Option<Value> = serde_json::from_slice(&shaped.body).ok();
    if let (Some(schema), Some(Value::Object(mine)), Some(Value::Object(mut merged))) = (schema, &mine, theirs) {
        for (key, value) in mine {
            merged.entry(key.clone()).or_insert_with(|| value.clone());
        }
        // A documented `message` says what the mock found wrong rather than generated text.
        if let (Some(Value::String(_)), Some(Value::String(error))) = (merged.get("message"), mine.get("error")) {
            let error = error.clone();
            merged.insert("message".to_owned(), Value::String(error));
        }
        let merged = Value::Object(merged);
        if spec.validators.is_valid_answer(schema, &merged) {
            return shaped.body(merged.to_string());
        }
    }
    let summary = mine
        .as_ref()
        .and_then(|m| {
            m.get("violations")
                .or_else(|| m.get("error_description"))
                .or_else(|| m.get("error"))
        })
        .map(Value::to_string)
        .unwrap_or_default();
    let summary: String = summary.chars().filter(|c| !c.is_control()).take(1000).collect();
    shaped.header("x-conductor-mock-error", &summary)
}
