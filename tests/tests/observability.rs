//! Observability and redaction: the `tracing` span of each call and what it records, health
//! counters, hooks, and secrets that never appear in logs, `Debug`, `Display`, errors or URLs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{
    connector, AttemptInfo, AuthScheme, Credential, Credentials, ErrorKind, Hook, HookRequest, HookResponse,
    ManualClock, OAuth2Config, OperationExt, RequestParts, RetryPolicy, TokenManager, TokenSet,
};
use serde_json::json;

/// The petstore connector (API key in a header, OAuth 2.0).
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

/// The kitchen-sink connector (bearer or basic).
#[connector(spec = "../specs/kitchen-sink.yaml")]
pub mod sink {}

/// The 3.1 tasks connector (API key in the query).
#[connector(spec = "../specs/tasks-3.1.yaml")]
pub mod tasks {}

const SECRETS: &[&str] = &[
    "apikey-SECRET-1",
    "client-SECRET-2",
    "access-SECRET-3",
    "refresh-SECRET-4",
    "basic-SECRET-5",
    "bearer-SECRET-6",
    "query-SECRET-7",
    "leaked-SECRET-8",
];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} contains {secret}:\n{text}");
    }
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// The output of every span and event in this test binary. The subscriber is global rather
/// than a thread's default: tracing caches each callsite's interest process-wide, and a
/// callsite first reached by a test running without a subscriber could otherwise stay
/// disabled for the test that captures.
fn capture() -> (Buffer, ()) {
    static BUFFER: std::sync::OnceLock<Buffer> = std::sync::OnceLock::new();
    let buffer = BUFFER.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .with_writer(move || writer.clone())
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    });
    (buffer.clone(), ())
}

fn token(access: &str, refresh: &str) -> StubResponse {
    StubResponse::json(
        200,
        &json!({"access_token": access, "token_type": "bearer", "expires_in": 1, "refresh_token": refresh}),
    )
}

/// Runs every kind of call while a subscriber captures all output (single-threaded, so the
/// thread's default subscriber sees everything), then checks the output.
#[tokio::test]
async fn logs_record_the_call_and_never_a_secret() {
    let (logs, _guard) = capture();
    let server = MockServer::start().await.unwrap();
    server.stub("GET", "/pets/1", StubResponse::status(503).header("retry-after", "0"));
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::json(200, &json!({"id": 1, "name": "a"})),
    );
    server.stub("POST", "/token", token("access-SECRET-3", "refresh-SECRET-4"));
    server.stub(
        "POST",
        "/token",
        StubResponse::json(400, &json!({"error": "invalid_grant"})),
    );
    server.stub("DELETE", "/pets/1", StubResponse::status(401));
    server.stub("GET", "/tasks/1", StubResponse::status(404));

    let manager = Arc::new(TokenManager::client_credentials(
        OAuth2Config::new("client-1", format!("{}/token", server.base_url())).client_secret("client-SECRET-2"),
    ));
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("apikey-SECRET-1")
        .token_manager(Arc::clone(&manager))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap();
    client.get_pet_by_id(1).await.unwrap();
    // 401 → refresh (refused) → an Auth error.
    let err = client.delete_pet(1).await.unwrap_err();
    assert_clean("the error", &format!("{err} {err:?}"));

    let tasks = tasks::Client::builder()
        .base_url(server.base_url())
        .api_key("query-SECRET-7")
        .build()
        .unwrap();
    let err = tasks.get_task(1).await.unwrap_err();
    assert!(err.url().unwrap().contains("token=%3Credacted%3E"), "{:?}", err.url());
    assert_clean("the error", &format!("{err} {err:?}"));

    let sink = sink::Client::builder()
        .base_url(server.base_url())
        .basic_auth("user", "basic-SECRET-5")
        .build()
        .unwrap();
    let _ = sink.list_shapes().await;
    let _ = sink.get_thing("t").bearer_token("bearer-SECRET-6").await;

    let text = logs.text();
    assert!(text.contains("connector.call"), "{text}");
    assert!(text.contains("operation=\"getPetById\""), "{text}");
    assert!(text.contains("path=\"/pets/{petId}\""), "{text}");
    assert!(text.contains("status=200"), "{text}");
    assert!(text.contains("attempts=2"), "{text}");
    assert!(text.contains("waited_ms="), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert_clean("the logs", &text);
}

#[tokio::test]
async fn debug_and_display_of_credentials_clients_and_errors_hold_no_secret() {
    struct Signing;
    impl AuthScheme for Signing {
        fn apply(&self, _method: &str, _parts: &mut RequestParts) -> Result<(), String> {
            Ok(())
        }
    }
    let config = OAuth2Config::new("client-1", "http://127.0.0.1:1/token")
        .client_secret("client-SECRET-2")
        .authorization_url("http://127.0.0.1:1/authorize");
    let tokens = TokenSet::new("access-SECRET-3").with_refresh_token("refresh-SECRET-4");
    let manager = TokenManager::from_tokens(config.clone(), tokens.clone());
    let mut credentials = Credentials::new();
    credentials
        .set_api_key("apikey-SECRET-1")
        .set_basic("user", "basic-SECRET-5")
        .set_bearer("bearer-SECRET-6");
    let authorize = config.authorize().unwrap();
    let texts = [
        format!("{:?}", Credential::api_key("apikey-SECRET-1")),
        format!("{:?}", Credential::basic("user", "basic-SECRET-5")),
        format!("{:?}", Credential::bearer("bearer-SECRET-6")),
        format!("{:?}", Credential::custom(Signing)),
        format!("{:?}", Credential::oauth2(manager)),
        format!("{credentials:?}"),
        format!("{config:?}"),
        format!("{tokens:?}"),
        format!("{authorize:?}"),
    ];
    for text in &texts {
        assert_clean("Debug", text);
    }

    let client = petstore::Client::builder()
        .base_url("http://127.0.0.1:1")
        .api_key("apikey-SECRET-1")
        .bearer_token("bearer-SECRET-6")
        .basic_auth("u", "basic-SECRET-5")
        .token_manager(TokenManager::from_tokens(config.clone(), tokens))
        .build()
        .unwrap();
    assert_clean("the client", &format!("{client:?} {:?}", client.runtime()));

    // A proxy URL with credentials that does not parse: the error does not repeat it.
    let err = petstore::Client::builder()
        .proxy("http://user:leaked-SECRET-8@[bad")
        .build()
        .unwrap_err();
    assert_clean("a build error", &format!("{err} {err:?}"));

    // A token endpoint whose garbage answer contains a token: the error does not repeat it.
    let server = MockServer::start().await.unwrap();
    server.stub(
        "POST",
        "/token",
        StubResponse::status(200)
            .header("content-type", "application/json")
            .body("{\"access_token\": \"leaked-SECRET-8\", \"token_type\": 7"),
    );
    let manager = TokenManager::client_credentials(
        OAuth2Config::new("c", format!("{}/token", server.base_url())).client_secret("client-SECRET-2"),
    );
    let err = manager.access_token().await.unwrap_err();
    assert_clean("a token error", &format!("{err} {err:?}"));
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .token_manager(manager)
        .build()
        .unwrap();
    let err = client.delete_pet(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    let mut chain = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    assert_clean("an auth error", &chain);

    // A connection error for a URL with the key in the query.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let tasks = tasks::Client::builder()
        .base_url(format!("http://{address}"))
        .api_key("query-SECRET-7")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let err = tasks.get_task(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    let mut chain = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        chain.push_str(&format!(" {cause} {cause:?}"));
        source = cause.source();
    }
    assert_clean("a connect error", &chain);
}

/// Adds a header, answers `getInventory` from a cache after the first call, and records
/// what came back.
#[derive(Default)]
struct Caching {
    cached: Mutex<Option<HookResponse>>,
    seen: Mutex<Vec<(String, u32, u16)>>,
}

impl Hook for Caching {
    fn before_request(&self, request: &mut HookRequest<'_>) -> Option<HookResponse> {
        request.headers_mut().insert("x-trace", "hooked".parse().unwrap());
        if request.operation() == "getInventory" {
            return self.cached.lock().unwrap().clone();
        }
        None
    }

    fn after_response(&self, attempt: &AttemptInfo<'_>, response: &HookResponse) {
        self.seen
            .lock()
            .unwrap()
            .push((attempt.operation.to_owned(), attempt.attempt, response.status.as_u16()));
        if attempt.operation == "getInventory" && response.status.is_success() {
            *self.cached.lock().unwrap() = Some(response.clone());
        }
    }
}

#[tokio::test]
async fn hooks_add_headers_see_responses_and_can_answer_from_a_cache() {
    let server = MockServer::start().await.unwrap();
    server.stub("GET", "/store/inventory", StubResponse::json(200, &json!({"dogs": 2})));
    server.stub("GET", "/pets/1", StubResponse::status(503));
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::json(200, &json!({"id": 1, "name": "a"})),
    );
    let hook = Arc::new(Caching::default());
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .clock(Arc::new(ManualClock::new()))
        .hook(Arc::clone(&hook))
        .build()
        .unwrap();
    assert_eq!(client.get_inventory().await.unwrap().get("dogs"), Some(&2));
    assert_eq!(client.get_inventory().await.unwrap().get("dogs"), Some(&2));
    client.get_pet_by_id(1).await.unwrap();
    let received = server.received();
    assert_eq!(received.len(), 3, "the second inventory call was answered by the cache");
    assert!(received.iter().all(|r| r.header("x-trace") == Some("hooked")));
    assert_eq!(
        *hook.seen.lock().unwrap(),
        vec![
            ("getInventory".to_owned(), 1, 200),
            ("getPetById".to_owned(), 1, 503),
            ("getPetById".to_owned(), 2, 200),
        ]
    );
}

#[tokio::test]
async fn health_counts_calls_outcomes_retries_and_waits_per_operation() {
    let server = MockServer::start().await.unwrap();
    server.stub("GET", "/pets/1", StubResponse::status(503));
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::json(200, &json!({"id": 1, "name": "a"})),
    );
    server.stub("GET", "/pets/2", StubResponse::status(404));
    server.stub("GET", "/store/inventory", StubResponse::json(200, &json!({})));
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .clock(Arc::new(ManualClock::new()))
        .rate_limit(connector_runtime::Quota::per_second(1))
        .build()
        .unwrap();
    client.get_pet_by_id(1).await.unwrap();
    client.get_pet_by_id(2).await.unwrap_err();
    client.get_inventory().await.unwrap();
    let err = client.delete_pet(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MissingCredentials);

    let clone = client.clone();
    let health = clone.runtime().health();
    let pets = health.operation("getPetById").unwrap();
    assert_eq!(pets.calls, 2);
    assert_eq!(pets.attempts, 3);
    assert_eq!(pets.successes, 1);
    assert_eq!(pets.retries, 1);
    assert_eq!(pets.errors.get(&ErrorKind::Status), Some(&1));
    assert_eq!(pets.failures(), 1);
    assert!(pets.max_latency >= pets.mean_latency().unwrap());
    // One request a second: every attempt after the first waited for the limiter (how long
    // depends on the backoff drawn; the inventory call waited a whole second).
    assert_eq!(
        health.operation("getInventory").unwrap().rate_limit_wait,
        Duration::from_secs(1)
    );
    let delete = health.operation("deletePet").unwrap();
    assert_eq!((delete.calls, delete.attempts), (1, 0));
    assert_eq!(delete.errors.get(&ErrorKind::MissingCredentials), Some(&1));
}
