//! A mock API server for connector tests, derived from the same OpenAPI document as the client.
//!
//! [`MockServer::from_spec`] serves every operation of a spec on `127.0.0.1:0`: it routes by
//! path template and method, validates each request (parameters, body, content type,
//! credentials present) and answers 400/401/422 with a JSON list of violations, or with the
//! spec's example when it validates against the response schema (formats included), else with
//! data generated from the response schema that does (deterministic for the seed: each
//! documented response of an operation is generated once and the same bytes are served to every
//! request it answers). A request to no operation gets a 404 that lists the nearest operations;
//! operations sharing a method and path are told apart by their required query parameters.
//! Component schemas are compiled once and shared by every validator, so memory follows the
//! spec's size, not the number of operations served; requests and answers are bounded (see the
//! README's limits table).
//!
//! Scripted responses take precedence: by method and exact path ([`MockServer::stub`]) or by
//! operation id ([`MockServer::stub_operation`]). Responses for one key are served in order and
//! the last repeats, so "503, 503, then 200" is three stubs. [`MockServer::start`] starts a
//! server with no spec that answers only what is scripted.
//!
//! Every request is recorded ([`MockServer::received`], [`MockServer::received_by`]), and a
//! coverage report says which operations were exercised with which statuses and which were
//! covered (answered as documented to a valid request); on drop it is written as JSON under
//! `<target>/conductor-coverage/` (see [`coverage`]).

pub mod coverage;
mod fault;
mod generate;
mod handle;
mod oauth;
mod pattern;
mod prepared;
mod ratelimit;
mod record;
mod refused;
mod routes;
mod samples;
mod schema_check;
pub mod standalone;
mod stub;
mod validate;

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;

pub use coverage::Coverage;
pub use oauth::OAuth;
pub use ratelimit::RateLimit;
pub use samples::Samples;
pub use stub::{Fault, StubResponse};
pub use validate::Violation;

use bytes::Bytes;

/// The largest request body the server reads (10 MiB); a larger one is answered 413 without
/// being read to the end, and recorded with an empty body.
pub const MAX_REQUEST_BODY: usize = 10 * 1024 * 1024;

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

/// Which requests the server keeps for [`MockServer::received`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Recording {
    /// Every request (the default).
    #[default]
    All,
    /// Only the last `n` requests.
    Last(usize),
    /// None; coverage is still counted.
    Off,
}

#[derive(Default)]
struct Script {
    /// `(METHOD, path)` → responses in order; the last repeats.
    routes: BTreeMap<(String, String), Vec<StubResponse>>,
    /// operation id → responses in order; the last repeats.
    operations: BTreeMap<String, Vec<StubResponse>>,
    received: VecDeque<Arc<ReceivedRequest>>,
    recording: Recording,
    coverage: Coverage,
    /// Messages of panics inside the server, reported on drop.
    panics: Vec<String>,
}

impl Script {
    fn record(&mut self, request: Arc<ReceivedRequest>) {
        match self.recording {
            Recording::All => self.received.push_back(request),
            Recording::Last(n) => {
                if n > 0 {
                    while self.received.len() >= n {
                        self.received.pop_front();
                    }
                    self.received.push_back(request);
                }
            }
            Recording::Off => {}
        }
    }
}

/// What the server knows of its spec.
struct SpecState {
    title: String,
    /// The spec file, canonical: coverage reports are matched to a connector by it.
    path: Option<String>,
    raw: Arc<Value>,
    routes: Vec<routes::Route>,
    validators: schema_check::Validators,
    /// Seeds the generation of every prepared answer.
    seed: u64,
}

/// Where answers come from when no stub matches.
enum Mode {
    /// The spec (or 404 without one).
    Serve,
    /// A real upstream, writing fixtures.
    Record(record::Recorder),
    /// Fixtures.
    Replay(record::Replayer),
}

struct State {
    script: Mutex<Script>,
    spec: Option<SpecState>,
    mode: Mode,
    oauth: oauth::OAuthServer,
    limits: ratelimit::Limits,
}

type Shared = Arc<State>;

fn lock(shared: &State) -> MutexGuard<'_, Script> {
    // A panic while holding the lock cannot leave the script half-updated in a way that
    // matters to later assertions, so recover the data.
    shared.script.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Why a mock server could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum MockError {
    /// The spec could not be loaded; the same diagnostics the macro gives.
    Spec(conductor_spec::SpecError),
    /// No port could be bound.
    Io(std::io::Error),
    /// The fixtures could not be read or written, or the proxy client could not be built.
    Fixtures(String),
}

impl std::fmt::Display for MockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Spec(err) => write!(f, "cannot serve the spec: {err}"),
            Self::Io(err) => write!(f, "cannot start the mock server: {err}"),
            Self::Fixtures(message) => write!(f, "cannot record or replay: {message}"),
        }
    }
}

impl std::error::Error for MockError {}

/// A running mock server; it stops when dropped.
///
/// # Example
///
/// A scripted answer for one operation, a request from any HTTP client (here, plain HTTP/1.1
/// over a socket), then what the server received and the coverage:
///
/// ```
/// use conductor_mock::{MockServer, StubResponse};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = MockServer::from_spec(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/petstore.yaml")).await?;
/// server.stub_operation("getPetById", StubResponse::json(200, &serde_json::json!({"id": 7, "name": "Rex"})));
///
/// let address = server.base_url().trim_start_matches("http://").to_owned();
/// let mut stream = tokio::net::TcpStream::connect(&address).await?;
/// stream
///     .write_all(b"GET /pets/7 HTTP/1.1\r\nhost: pets\r\nx-api-key: secret\r\nconnection: close\r\n\r\n")
///     .await?;
/// let mut response = String::new();
/// stream.read_to_string(&mut response).await?;
/// assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
/// assert!(response.ends_with(r#"{"id":7,"name":"Rex"}"#), "{response}");
///
/// let received = server.received_by("getPetById");
/// assert_eq!(received[0].header("x-api-key"), Some("secret"));
/// assert_eq!(server.coverage().missed(), ["createPet", "deletePet", "getInventory", "listPets"]);
/// # Ok(())
/// # }
/// ```
///
/// # Panics
///
/// Dropping the server panics (unless the thread is already panicking) when a handler
/// panicked while serving, e.g. in a [`StubResponse::when_body`] predicate, so the test fails;
/// [`MockServer::take_panics`] collects them instead.
pub struct MockServer {
    address: std::net::SocketAddr,
    state: Shared,
    task: tokio::task::JoinHandle<()>,
}

fn load_spec(path: &Path, seed: u64) -> Result<SpecState, MockError> {
    // The mock serves from the bundled JSON; the typed model (most of a load's time on a large
    // spec) is not needed.
    let text = conductor_spec::read(path).map_err(MockError::Spec)?;
    let mut spec = conductor_spec::raw_from_str(path, &text).map_err(MockError::Spec)?;
    if !spec.problems.is_empty() {
        return Err(MockError::Spec(spec.problems.swap_remove(0)));
    }
    let title = spec
        .raw
        .pointer("/info/title")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let raw = Arc::new(spec.raw);
    Ok(SpecState {
        title,
        path: std::fs::canonicalize(path)
            .ok()
            .map(|p| p.to_string_lossy().into_owned()),
        routes: routes::routes(&raw),
        validators: schema_check::Validators::new(Arc::clone(&raw)),
        raw,
        seed,
    })
}

/// Accepts connections until the task is aborted (on drop) and serves each with hyper's
/// HTTP/1.1 connection directly: keep-alive, `TCP_NODELAY`, no router or tower layers in front
/// of the pipeline.
async fn accept(listener: tokio::net::TcpListener, state: Shared) {
    let mut http = hyper::server::conn::http1::Builder::new();
    // Answers are small: copying the body behind the head and sending one buffer costs less than
    // a vectored write.
    http.keep_alive(true).writev(false);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: wait for connections to close rather than
            // spin (axum::serve does the same).
            Err(_) => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        // Answers are one write each; don't let Nagle hold them back.
        let _ = stream.set_nodelay(true);
        let served = Arc::new(refused::Served::default());
        let counted = Arc::clone(&served);
        let serving = Arc::clone(&state);
        let service = hyper::service::service_fn(move |request| {
            counted.count();
            handle::handle(Arc::clone(&serving), request)
        });
        // Requests hyper refuses itself (a URI over 64 KiB) get the spec's error shape too.
        let stream = refused::Guarded::new(stream, Arc::clone(&state), served);
        let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        tokio::spawn(async move {
            // A connection error (the client went away, a malformed request) ends only that
            // connection.
            let _ = connection.await;
        });
    }
}

impl MockServer {
    /// Starts a server with no spec on `127.0.0.1` on a free port; it answers only what is
    /// scripted.
    ///
    /// # Errors
    ///
    /// When no port can be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::serve(None, Mode::Serve, "127.0.0.1:0").await
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
        let spec = load_spec(path.as_ref(), seed)?;
        Self::serve(Some(spec), Mode::Serve, address)
            .await
            .map_err(MockError::Io)
    }

    /// [`MockServer::from_spec_on`] for a long-running server: the validators of every component
    /// schema are compiled before the port is bound instead of on the requests that first reach
    /// them, so the server starts at the memory it keeps and no first request waits for a
    /// compile (about 150 ms and 55 MB on GitHub's spec). In-process servers for tests skip it:
    /// they seldom reach most of a large spec.
    pub(crate) async fn from_spec_compiled(path: &Path, address: &str, seed: u64) -> Result<Self, MockError> {
        let spec = load_spec(path, seed)?;
        spec.validators.compile_components();
        Self::serve(Some(spec), Mode::Serve, address)
            .await
            .map_err(MockError::Io)
    }

    /// Starts a recording proxy on `address`: requests that no stub answers are forwarded to
    /// `upstream` (a base URL) and each exchange is written to `fixtures` as a JSON file with
    /// credentials redacted (names from the spec's `apiKey` schemes, when a spec is given,
    /// plus common ones). The spec, if any, also routes requests for coverage.
    ///
    /// # Errors
    ///
    /// When the spec cannot be loaded, the folder cannot be created or the address bound.
    pub async fn recording(
        upstream: &str,
        fixtures: impl AsRef<Path>,
        spec: Option<&Path>,
        address: &str,
    ) -> Result<Self, MockError> {
        let spec = spec.map(|p| load_spec(p, 0)).transpose()?;
        let recorder = record::Recorder::new(upstream, fixtures.as_ref(), spec.as_ref().map(|s| &*s.raw))
            .map_err(MockError::Fixtures)?;
        Self::serve(spec, Mode::Record(recorder), address)
            .await
            .map_err(MockError::Io)
    }

    /// Starts a server on `address` that answers from the fixtures in `fixtures` (written by
    /// [`MockServer::recording`]), matching method, path and query; several fixtures for one
    /// request are served in order and the last repeats; no fixture gives a 404.
    ///
    /// # Errors
    ///
    /// When the spec or a fixture cannot be read, or the address cannot be bound.
    pub async fn replaying(fixtures: impl AsRef<Path>, spec: Option<&Path>, address: &str) -> Result<Self, MockError> {
        let spec = spec.map(|p| load_spec(p, 0)).transpose()?;
        let replayer =
            record::Replayer::load(fixtures.as_ref(), spec.as_ref().map(|s| &*s.raw)).map_err(MockError::Fixtures)?;
        Self::serve(spec, Mode::Replay(replayer), address)
            .await
            .map_err(MockError::Io)
    }

    async fn serve(spec: Option<SpecState>, mode: Mode, address: &str) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let state: Shared = Arc::new(State {
            script: Mutex::default(),
            oauth: oauth::OAuthServer::new(spec.as_ref().map(|s| &*s.raw)),
            spec,
            mode,
            limits: ratelimit::Limits::default(),
        });
        let task = tokio::spawn(accept(listener, Arc::clone(&state)));
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
    /// An operation without an `operationId` goes by the id the generator gives it
    /// ([`conductor_spec::derived_id`]: `GET /things/{id}` → `get_things_id`).
    pub fn stub_operation(&self, operation_id: &str, response: StubResponse) -> &Self {
        lock(&self.state)
            .operations
            .entry(operation_id.to_owned())
            .or_default()
            .push(response);
        self
    }

    /// The OAuth 2.0 emulation: token endpoint, live tokens, expiry and revocation.
    pub fn oauth(&self) -> OAuth<'_> {
        OAuth {
            server: &self.state.oauth,
        }
    }

    /// The rate-limit emulation (off until [`RateLimit::budget`]).
    pub fn rate_limit(&self) -> RateLimit<'_> {
        RateLimit {
            limits: &self.state.limits,
        }
    }

    /// Which requests to keep from now on; a bound drops the oldest at once.
    pub fn set_recording(&self, recording: Recording) -> &Self {
        let mut script = lock(&self.state);
        script.recording = recording;
        let keep = match recording {
            Recording::All => usize::MAX,
            Recording::Last(n) => n,
            Recording::Off => 0,
        };
        while script.received.len() > keep {
            script.received.pop_front();
        }
        self
    }

    /// Every request kept so far (see [`MockServer::set_recording`]), in order.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.state).received.iter().map(|r| (**r).clone()).collect()
    }

    /// The requests routed to the operation `operation_id`, in order.
    pub fn received_by(&self, operation_id: &str) -> Vec<ReceivedRequest> {
        lock(&self.state)
            .received
            .iter()
            .filter(|r| r.operation.as_deref() == Some(operation_id))
            .map(|r| (**r).clone())
            .collect()
    }

    /// The messages of panics inside the server so far, which are then no longer reported on
    /// drop.
    pub fn take_panics(&self) -> Vec<String> {
        std::mem::take(&mut lock(&self.state).panics)
    }

    /// Which operations were exercised, with which statuses.
    pub fn coverage(&self) -> Coverage {
        let mut coverage = lock(&self.state).coverage.clone();
        if let Some(spec) = &self.state.spec {
            for route in &spec.routes {
                coverage.operations.entry(route.id.clone()).or_default();
            }
            coverage.spec = spec.title.clone();
            coverage.spec_path = spec.path.clone();
        }
        coverage
    }
}

impl Drop for MockServer {
    #[allow(clippy::panic)] // Deliberate: a panic inside the server must fail the test.
    fn drop(&mut self) {
        self.task.abort();
        if self.state.spec.is_some() {
            // Best effort: a report that cannot be written must not fail the test.
            let _ = self.coverage().write_to(&coverage::default_dir());
        }
        let panics = self.take_panics();
        if !panics.is_empty() && !std::thread::panicking() {
            panic!("the mock server panicked while serving: {}", panics.join("; "));
        }
    }
}
