//! An in-process mock HTTP server for connector tests.
//!
//! Start it on `127.0.0.1:0`, script responses per method and path, point a generated client
//! at [`MockServer::base_url`], then assert what the server [`received`](MockServer::received).
//! Responses for one route are served in order and the last one repeats, so "503, 503, then
//! 200" is three stubs. A request no stub matches gets a 404 whose body names the route.
//!
//! This is the scripted core of the spec-driven mock server; routing and validation from the
//! spec build on it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
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
    received: Vec<ReceivedRequest>,
}

type Shared = Arc<Mutex<Script>>;

fn lock(shared: &Shared) -> MutexGuard<'_, Script> {
    // A panic while holding the lock cannot leave the script half-updated in a way that
    // matters to later assertions, so recover the data.
    shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running mock server; it stops when dropped.
pub struct MockServer {
    address: std::net::SocketAddr,
    script: Shared,
    task: tokio::task::JoinHandle<()>,
}

impl MockServer {
    /// Starts a server on `127.0.0.1` on a free port.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let script: Shared = Arc::default();
        let app = axum::Router::new().fallback(handle).with_state(Arc::clone(&script));
        let task = tokio::spawn(async move {
            // Serving only ends when the task is aborted on drop.
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { address, script, task })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Adds `response` to the responses for `method path` (path without query).
    pub fn stub(&self, method: &str, path: &str, response: StubResponse) -> &Self {
        lock(&self.script)
            .routes
            .entry((method.to_ascii_uppercase(), path.to_owned()))
            .or_default()
            .push(response);
        self
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.script).received.clone()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn handle(State(script): State<Shared>, request: Request) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let received = ReceivedRequest {
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
    let stub = {
        let mut script = lock(&script);
        script.received.push(received);
        script.routes.get_mut(&key).and_then(|responses| {
            if responses.len() > 1 {
                Some(responses.remove(0))
            } else {
                responses.first().cloned()
            }
        })
    };
    let Some(stub) = stub else {
        let message = serde_json::json!({"error": "no stub", "method": key.0, "path": key.1});
        return build(StubResponse::json(404, &message));
    };
    if let Some(delay) = stub.delay {
        tokio::time::sleep(delay).await;
    }
    build(stub)
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
