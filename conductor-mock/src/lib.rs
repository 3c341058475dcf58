//! A mock API server for connector tests, derived from the same OpenAPI document as the client.
//!
//! [`MockServer::from_spec`] serves every operation of a spec on `127.0.0.1:0`: it routes by
//! path template and method, validates each request (parameters, body, content type,
//! credentials present) and answers 400/401/422 with a JSON list of violations, or with the
//! spec's example when it validates, else with data generated from the response schema
//! (deterministic for the seed). A request to no operation gets a 404 that lists the nearest
//! operations.
//!
//! Scripted responses take precedence: by method and exact path ([`MockServer::stub`]) or by
//! operation id ([`MockServer::stub_operation`]). Responses for one key are served in order and
//! the last repeats, so "503, 503, then 200" is three stubs. [`MockServer::start`] starts a
//! server with no spec that answers only what is scripted.
//!
//! Every request is recorded ([`MockServer::received`], [`MockServer::received_by`]), and a
//! coverage report says which operations were exercised with which statuses; on drop it is
//! written as JSON under `<target>/conductor-coverage/` (see [`coverage`]).

pub mod coverage;
mod generate;
mod routes;
mod validate;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};

pub use coverage::Coverage;
pub use validate::Violation;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Response, StatusCode};
use bytes::Bytes;

/// A scripted response.
#[derive(Debug, Clone)]
pub struct StubResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
    delay: Option<Duration>,
}

impl StubResponse {
    /// A response with `status` and no body.
    pub fn status(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: None,
        }
    }

    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Self::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Waits this long before answering.
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// A request the server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// The operation the request was routed to, when the server has a spec.
    pub operation: Option<String>,
    /// The method, upper case.
    pub method: String,
    /// The path, still percent-encoded as sent.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The headers, names lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl ReceivedRequest {
    /// The first value of the header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    ///
    /// # Errors
    ///
    /// When the body is not JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

#[derive(Default)]
struct Script {
    /// `(METHOD, path)` → responses in order; the last repeats.
    routes: BTreeMap<(String, String), Vec<StubResponse>>,
    /// operation id → responses in order; the last repeats.
    operations: BTreeMap<String, Vec<StubResponse>>,
    received: Vec<ReceivedRequest>,
    coverage: Coverage,
}

/// What the server knows of its spec.
struct SpecState {
    title: String,
    raw: Value,
    routes: Vec<routes::Route>,
    validators: validate::Validators,
    rng: Mutex<fastrand::Rng>,
}

struct State {
    script: Mutex<Script>,
    spec: Option<SpecState>,
}

type Shared = Arc<State>;

fn lock(shared: &State) -> MutexGuard<'_, Script> {
    // A panic while holding the lock cannot leave the script half-updated in a way that
    // matters to later assertions, so recover the data.
    shared.script.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn next_stub(responses: &mut Vec<StubResponse>) -> Option<StubResponse> {
    if responses.len() > 1 {
        Some(responses.remove(0))
    } else {
        responses.first().cloned()
    }
}

/// Why a mock server could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum MockError {
    /// The spec could not be loaded; the same diagnostics the macro gives.
    Spec(conductor_spec::SpecError),
    /// No port could be bound.
    Io(std::io::Error),
}

impl std::fmt::Display for MockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Spec(err) => write!(f, "cannot serve the spec: {err}"),
            Self::Io(err) => write!(f, "cannot start the mock server: {err}"),
        }
    }
}

impl std::error::Error for MockError {}

/// A running mock server; it stops when dropped.
pub struct MockServer {
    address: std::net::SocketAddr,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Starts a server with no spec on `127.0.0.1` on a free port; it answers only what is
    /// scripted.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::serve(None, "127.0.0.1:0").await
    }

    /// Starts a server for the spec at `path` on `127.0.0.1` on a free port, generating
    /// responses with seed 0.
    ///
    /// # Errors
    ///
    /// When the spec cannot be loaded or no port can be bound.
    pub async fn from_spec(path: impl AsRef<Path>) -> Result<Self, MockError> {
        Self::from_spec_on(path, "127.0.0.1:0", 0).await
    }

    /// Starts a server for the spec at `path` on `address` (e.g. `127.0.0.1:4010`), generating
    /// responses from `seed`.
    ///
    /// # Errors
    ///
    /// When the spec cannot be loaded or the address cannot be bound.
    pub async fn from_spec_on(path: impl AsRef<Path>, address: &str, seed: u64) -> Result<Self, MockError> {
        let spec = conductor_spec::load(path.as_ref()).map_err(MockError::Spec)?;
        let state = SpecState {
            title: spec.document.info.title.clone(),
            routes: routes::routes(&spec.raw),
            validators: validate::Validators::new(&spec.raw),
            raw: spec.raw,
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
        };
        Self::serve(Some(state), address).await.map_err(MockError::Io)
    }

    async fn serve(spec: Option<SpecState>, address: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let state: Shared = Arc::new(State {
            script: Mutex::default(),
            spec,
        });
        let app = axum::Router::new().fallback(handle).with_state(Arc::clone(&state));
        let task = tokio::spawn(async move {
            // Serving only ends when the task is aborted on drop.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { address, state, task })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Adds `response` to the responses for `method path` (path without query).
    pub fn stub(&self, method: &str, path: &str, response: StubResponse) -> &Self {
        lock(&self.state)
            .routes
            .entry((method.to_ascii_uppercase(), path.to_owned()))
            .or_default()
            .push(response);
        self
    }

    /// Adds `response` to the responses for the operation `operation_id` (spec servers only).
    pub fn stub_operation(&self, operation_id: &str, response: StubResponse) -> &Self {
        lock(&self.state)
            .operations
            .entry(operation_id.to_owned())
            .or_default()
            .push(response);
        self
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.state).received.clone()
    }

    /// The requests routed to the operation `operation_id`, in order.
    pub fn received_by(&self, operation_id: &str) -> Vec<ReceivedRequest> {
        lock(&self.state)
            .received
            .iter()
            .filter(|r| r.operation.as_deref() == Some(operation_id))
            .cloned()
            .collect()
    }

    /// Which operations were exercised, with which statuses.
    pub fn coverage(&self) -> Coverage {
        let mut coverage = lock(&self.state).coverage.clone();
        if let Some(spec) = &self.state.spec {
            for route in &spec.routes {
                coverage.operations.entry(route.id.clone()).or_default();
            }
            coverage.spec = spec.title.clone();
        }
        coverage
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
        if self.state.spec.is_some() {
            // Best effort: a report that cannot be written must not fail the test.
            let _ = self.coverage().write_to(&coverage::default_dir());
        }
    }
}

async fn handle(axum::extract::State(state): axum::extract::State<Shared>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let mut received = ReceivedRequest {
        operation: None,
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    };
    let key = (received.method.clone(), received.path.clone());
    let route = state.spec.as_ref().and_then(|spec| {
        spec.routes
            .iter()
            .filter(|r| r.method == received.method)
            .find_map(|r| r.matches(&received.path).map(|params| (r, params)))
    });
    received.operation = route.as_ref().map(|(r, _)| r.id.clone());
    let stub = {
        let mut script = lock(&state);
        script.received.push(received.clone());
        let by_path = script.routes.get_mut(&key).and_then(next_stub);
        by_path.or_else(|| {
            let id = received.operation.as_ref()?;
            script.operations.get_mut(id).and_then(next_stub)
        })
    };
    let response = match (stub, &state.spec, route) {
        (Some(stub), _, _) => {
            if let Some(delay) = stub.delay {
                tokio::time::sleep(delay).await;
            }
            stub
        }
        (None, Some(spec), Some((route, params))) => answer(spec, route, &params, &received),
        (None, Some(spec), None) => not_found(spec, &received),
        (None, None, _) => {
            let message = json!({"error": "no stub", "method": key.0, "path": key.1});
            StubResponse::json(404, &message)
        }
    };
    if let Some(operation) = &received.operation {
        lock(&state).coverage.record(operation, response.status);
    }
    build(response)
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

/// Validates the request, then answers from the spec.
fn answer(
    spec: &SpecState,
    route: &routes::Route,
    params: &[(String, String)],
    request: &ReceivedRequest,
) -> StubResponse {
    let query: Vec<(String, String)> = request
        .query
        .as_deref()
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    let decode = |s: &str| {
                        percent_encoding::percent_decode_str(&s.replace('+', " "))
                            .decode_utf8_lossy()
                            .into_owned()
                    };
                    (decode(k), decode(v))
                })
                .collect()
        })
        .unwrap_or_default();
    let incoming = validate::Incoming {
        path_params: params,
        query: &query,
        headers: &request.headers,
        body: &request.body,
    };
    let violations = validate::validate(&spec.raw, &spec.validators, route, &incoming);
    if !violations.is_empty() {
        let status = validate::status_for(&violations);
        let list: Vec<Value> = violations.iter().map(Violation::to_json).collect();
        return StubResponse::json(
            status,
            &json!({"error": "the request does not match the spec", "operationId": route.id, "violations": list}),
        );
    }
    respond_from_spec(spec, route)
}

/// The first documented success (else `default`, else the first response), with its example
/// when that validates, else generated data; declared headers are filled.
fn respond_from_spec(spec: &SpecState, route: &routes::Route) -> StubResponse {
    let chosen = route
        .responses
        .iter()
        .find(|(status, _)| status.starts_with('2'))
        .or_else(|| route.responses.iter().find(|(status, _)| status == "default"))
        .or_else(|| route.responses.first());
    let Some((status, response)) = chosen else {
        return StubResponse::status(204);
    };
    let code = status
        .parse::<u16>()
        .unwrap_or(if status.starts_with('2') || status == "default" {
            200
        } else {
            500
        });
    let mut rng = spec.rng.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut stub = StubResponse::status(code);
    if let Some(headers) = response.get("headers").and_then(Value::as_object) {
        for (name, header) in headers {
            let header = routes::deref(&spec.raw, header);
            if let Some(schema) = header.get("schema") {
                let value = generate::generate(&spec.raw, schema, &mut rng);
                let text = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
                stub = stub.header(name, &text);
            }
        }
    }
    let Some((content_type, media)) = response.get("content").and_then(Value::as_object).and_then(|content| {
        content
            .iter()
            .find(|(t, _)| t.contains("json"))
            .or_else(|| content.iter().next())
    }) else {
        return stub;
    };
    let schema = media.get("schema").cloned().unwrap_or(Value::Null);
    let examples = media.get("example").cloned().into_iter().chain(
        media
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|e| e.values())
            .filter_map(|e| routes::deref(&spec.raw, e).get("value").cloned()),
    );
    let mut body = None;
    for example in examples {
        if schema.is_null() || spec.validators.is_valid(&schema, &example) {
            body = Some(example);
            break;
        }
    }
    let body = body.unwrap_or_else(|| generate::generate(&spec.raw, &schema, &mut rng));
    let text = if content_type.contains("json") {
        body.to_string()
    } else {
        body.as_str().map_or_else(|| body.to_string(), str::to_owned)
    };
    stub.header("content-type", content_type).body(text)
}

fn build(stub: StubResponse) -> Response<Body> {
    let mut response = Response::new(Body::from(stub.body));
    *response.status_mut() = StatusCode::from_u16(stub.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in stub.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
