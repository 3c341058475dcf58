//! OAuth 2.0 against a local token endpoint (the scripted mock server): client credentials
//! with both client authentication methods, refresh with rotation persisted by the file
//! store, the authorization code flow with PKCE, single-flight refresh under 100 concurrent
//! calls, 401-then-refresh, and token endpoints that answer garbage.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{
    connector, ClientAuth, Credential, ErrorKind, FileTokenStore, ManualClock, OAuth2Config, RetryPolicy,
    TokenErrorKind, TokenManager, TokenSet, TokenStore as _,
};
use secrecy::ExposeSecret as _;
use serde_json::json;

/// The petstore connector: `deletePet` needs the OAuth 2.0 scheme `petstore_auth`.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

/// The kitchen-sink connector: every operation takes a bearer token.
#[connector(spec = "../specs/kitchen-sink.yaml")]
pub mod sink {}

fn token(access: &str, refresh: Option<&str>) -> StubResponse {
    let mut body = json!({"access_token": access, "token_type": "bearer", "expires_in": 3600});
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    StubResponse::json(200, &body)
}

fn config(server: &MockServer) -> OAuth2Config {
    OAuth2Config::new("client-1", format!("{}/token", server.base_url()))
        .client_secret("client-secret-xyz")
        .scope("write:pets")
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn token_requests(server: &MockServer) -> Vec<conductor_mock::ReceivedRequest> {
    server.received().into_iter().filter(|r| r.path == "/token").collect()
}

fn api_requests(server: &MockServer) -> Vec<conductor_mock::ReceivedRequest> {
    server.received().into_iter().filter(|r| r.path != "/token").collect()
}

fn petstore_client(server: &MockServer, manager: Arc<TokenManager>) -> petstore::Client {
    petstore::Client::builder()
        .base_url(server.base_url())
        .token_manager(manager)
        .build()
        .unwrap()
}

#[tokio::test]
async fn client_credentials_with_client_secret_basic() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", None));
    server.stub("DELETE", "/pets/1", StubResponse::status(204));
    let manager = Arc::new(TokenManager::client_credentials(config(&server)));
    let client = petstore_client(&server, Arc::clone(&manager));
    client.delete_pet(1).await.unwrap();
    client.delete_pet(1).await.unwrap();

    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 1, "the token is reused");
    let expected = base64::engine::general_purpose::STANDARD.encode("client-1:client-secret-xyz");
    assert_eq!(
        tokens[0].header("authorization"),
        Some(format!("Basic {expected}").as_str())
    );
    let body = form(&tokens[0].body);
    assert_eq!(field(&body, "grant_type"), Some("client_credentials"));
    assert_eq!(field(&body, "scope"), Some("write:pets"));
    assert_eq!(field(&body, "client_secret"), None);
    for request in api_requests(&server) {
        assert_eq!(request.header("authorization"), Some("Bearer access-1"));
    }
    assert_eq!(manager.token_requests(), 1);
}

#[tokio::test]
async fn client_credentials_with_client_secret_post() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", None));
    let tokens = config(&server)
        .client_auth(ClientAuth::Post)
        .client_credentials()
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "access-1");
    assert!(tokens.expires_at.is_some());
    let request = &token_requests(&server)[0];
    assert_eq!(request.header("authorization"), None);
    let body = form(&request.body);
    assert_eq!(field(&body, "client_id"), Some("client-1"));
    assert_eq!(field(&body, "client_secret"), Some("client-secret-xyz"));
}

#[tokio::test]
async fn the_spec_scheme_supplies_the_token_url_and_env_supplies_credentials() {
    let scheme = petstore::API.scheme("petstore_auth").unwrap();
    let config = OAuth2Config::for_scheme(scheme, "id").unwrap();
    assert_eq!(config.token_url(), "http://petstore.example.com/oauth/token");
    let not_oauth = petstore::API.scheme("api_key").unwrap();
    assert!(OAuth2Config::for_scheme(not_oauth, "id").is_err());

    // Variables unique to this test; no other test reads them.
    std::env::set_var("CONDUCTOR_TEST_OAUTH_CLIENT_ID", "env-client");
    std::env::set_var("CONDUCTOR_TEST_OAUTH_CLIENT_SECRET", "env-secret");
    let config = OAuth2Config::from_env("CONDUCTOR_TEST_OAUTH", Some("http://127.0.0.1:1/token")).unwrap();
    assert!(format!("{config:?}").contains("env-client"));
    assert!(!format!("{config:?}").contains("env-secret"));
    let missing = OAuth2Config::from_env("CONDUCTOR_TEST_NOTHING", None).unwrap_err();
    assert_eq!(missing.kind(), TokenErrorKind::Config);
    assert!(missing.message().contains("CONDUCTOR_TEST_NOTHING_CLIENT_ID"));
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_the_file_store_keeps_it() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", Some("refresh-2")));
    server.stub("POST", "/token", token("access-2", Some("refresh-3")));
    server.stub("DELETE", "/pets/1", StubResponse::status(204));
    let dir = std::env::temp_dir().join(format!("conductor-oauth-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tokens.json");
    let _ = std::fs::remove_file(&path);
    let clock = ManualClock::new();

    let manager = Arc::new(
        TokenManager::refresh_token(config(&server), "refresh-1")
            .store(FileTokenStore::new(&path))
            .clock(Arc::new(clock.clone())),
    );
    let client = petstore_client(&server, Arc::clone(&manager));
    client.delete_pet(1).await.unwrap();
    // Past expiry: the next call refreshes with the rotated token.
    clock.advance(Duration::from_secs(3600));
    client.delete_pet(1).await.unwrap();

    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 2);
    let first = form(&tokens[0].body);
    assert_eq!(field(&first, "grant_type"), Some("refresh_token"));
    assert_eq!(field(&first, "refresh_token"), Some("refresh-1"));
    assert_eq!(field(&form(&tokens[1].body), "refresh_token"), Some("refresh-2"));
    let api = api_requests(&server);
    assert_eq!(api[0].header("authorization"), Some("Bearer access-1"));
    assert_eq!(api[1].header("authorization"), Some("Bearer access-2"));

    // The file holds the rotated token, readable by its owner only.
    let stored = FileTokenStore::new(&path).load().await.unwrap().unwrap();
    assert_eq!(stored.refresh_token.unwrap().expose_secret(), "refresh-3");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // A restart: a new manager on the same file uses the stored token without a request.
    let restarted = Arc::new(
        TokenManager::refresh_token(config(&server), "stale-refresh")
            .store(FileTokenStore::new(&path))
            .clock(Arc::new(clock.clone())),
    );
    petstore_client(&server, Arc::clone(&restarted))
        .delete_pet(1)
        .await
        .unwrap();
    assert_eq!(restarted.token_requests(), 0);
    assert_eq!(
        api_requests(&server)[2].header("authorization"),
        Some("Bearer access-2")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn authorization_code_with_pkce() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-code", Some("refresh-code")));
    server.stub("POST", "/token", token("access-renewed", None));
    let config = config(&server)
        .authorization_url("https://auth.example.com/authorize")
        .redirect_url("http://127.0.0.1:9/callback");
    let request = config.authorize().unwrap();
    let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    assert_eq!(field(&query, "response_type"), Some("code"));
    assert_eq!(field(&query, "client_id"), Some("client-1"));
    assert_eq!(field(&query, "code_challenge_method"), Some("S256"));
    assert_eq!(field(&query, "state"), Some(request.state.as_str()));
    assert_eq!(field(&query, "redirect_uri"), Some("http://127.0.0.1:9/callback"));
    assert_eq!(field(&query, "scope"), Some("write:pets"));
    let challenge = field(&query, "code_challenge").unwrap();
    assert!(!challenge.is_empty());
    assert!(!request.url.as_str().contains(request.pkce_verifier.expose_secret()));

    let tokens = config.exchange_code("the-code", &request.pkce_verifier).await.unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "access-code");
    let body = form(&token_requests(&server)[0].body);
    assert_eq!(field(&body, "grant_type"), Some("authorization_code"));
    assert_eq!(field(&body, "code"), Some("the-code"));
    assert_eq!(
        field(&body, "code_verifier"),
        Some(request.pkce_verifier.expose_secret())
    );
    assert_eq!(field(&body, "redirect_uri"), Some("http://127.0.0.1:9/callback"));

    // The exchanged tokens drive a manager that renews them with the refresh token.
    let expired = TokenSet::new("old")
        .with_refresh_token("refresh-code")
        .expires_at(SystemTime::UNIX_EPOCH);
    let manager = TokenManager::from_tokens(config, expired);
    assert_eq!(manager.access_token().await.unwrap().expose_secret(), "access-renewed");
    let renewal = form(&token_requests(&server)[1].body);
    assert_eq!(field(&renewal, "refresh_token"), Some("refresh-code"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_request_for_100_concurrent_calls_with_an_expired_token() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", None));
    server.stub("POST", "/token", token("access-2", None));
    server.stub("DELETE", "/pets/1", StubResponse::status(204));
    let clock = ManualClock::new();
    let manager = Arc::new(TokenManager::client_credentials(config(&server)).clock(Arc::new(clock.clone())));
    let client = petstore_client(&server, Arc::clone(&manager));
    client.delete_pet(1).await.unwrap();
    clock.advance(Duration::from_secs(7200));

    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let client = client.clone();
        tasks.spawn(async move { client.delete_pet(1).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(
        token_requests(&server).len(),
        2,
        "one at the start, one for the 100 calls"
    );
    assert_eq!(manager.token_requests(), 2);
    let api = api_requests(&server);
    assert_eq!(api.len(), 101);
    assert!(api[1..]
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer access-2")));
}

#[tokio::test]
async fn refreshes_ahead_of_expiry() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", None));
    server.stub("POST", "/token", token("access-2", None));
    let clock = ManualClock::new();
    let manager = TokenManager::client_credentials(config(&server))
        .clock(Arc::new(clock.clone()))
        .refresh_ahead(Duration::from_secs(120));
    assert_eq!(manager.access_token().await.unwrap().expose_secret(), "access-1");
    clock.advance(Duration::from_secs(3000));
    assert_eq!(
        manager.access_token().await.unwrap().expose_secret(),
        "access-1",
        "still fresh"
    );
    clock.advance(Duration::from_secs(500));
    // 100 s before expiry, inside the 120 s margin: refreshed while the old one is valid.
    assert_eq!(manager.access_token().await.unwrap().expose_secret(), "access-2");
    assert_eq!(manager.token_requests(), 2);
}

/// A manager given no clock of its own judges expiry by the clock of the client that asks it:
/// the client's `ManualClock` moved to just outside the refresh-ahead margin causes no token
/// request, moved inside it exactly one.
#[tokio::test]
async fn the_token_manager_follows_the_clients_clock() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", None));
    server.stub("POST", "/token", token("access-2", None));
    server.stub("DELETE", "/pets/1", StubResponse::status(204));
    let clock = ManualClock::new();
    let manager = Arc::new(TokenManager::client_credentials(config(&server)).refresh_ahead(Duration::from_secs(120)));
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .token_manager(Arc::clone(&manager))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    client.delete_pet(1).await.unwrap();
    // The token lives 3600 s: 121 s before expiry is still outside the 120 s margin.
    clock.advance(Duration::from_secs(3600 - 121));
    client.delete_pet(1).await.unwrap();
    assert_eq!(token_requests(&server).len(), 1, "no refresh before the margin");
    clock.advance(Duration::from_secs(2));
    client.delete_pet(1).await.unwrap();
    client.delete_pet(1).await.unwrap();
    assert_eq!(
        token_requests(&server).len(),
        2,
        "exactly one refresh inside the margin"
    );
    assert_eq!(manager.token_requests(), 2);
    let sent: Vec<Option<String>> = api_requests(&server)
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    let bearer = |token: &str| Some(format!("Bearer {token}"));
    assert_eq!(
        sent,
        [
            bearer("access-1"),
            bearer("access-1"),
            bearer("access-2"),
            bearer("access-2")
        ]
    );
}

#[tokio::test]
async fn a_401_on_an_issued_token_refreshes_once_and_resends_even_a_post() {
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", None));
    server.stub("POST", "/token", token("access-2", None));
    server.stub("POST", "/upload", StubResponse::status(401));
    server.stub(
        "POST",
        "/upload",
        StubResponse::status(200)
            .header("content-type", "text/plain")
            .body("stored"),
    );
    let manager = Arc::new(TokenManager::client_credentials(config(&server)));
    let client = sink::Client::builder()
        .base_url(server.base_url())
        .token_manager(Arc::clone(&manager))
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let stored = client.upload().body(b"payload".to_vec()).await.unwrap();
    assert_eq!(stored, "stored");
    let api = api_requests(&server);
    assert_eq!(api.len(), 2);
    assert_eq!(api[0].header("authorization"), Some("Bearer access-1"));
    assert_eq!(api[1].header("authorization"), Some("Bearer access-2"));
    assert_eq!(api[1].body.as_ref(), b"payload");
    assert_eq!(manager.token_requests(), 2);

    // A second 401 in a row is the answer: only one refresh per call.
    let server = MockServer::start().await.unwrap();
    server.stub("POST", "/token", token("access-1", None));
    server.stub("POST", "/token", token("access-2", None));
    server.stub("POST", "/upload", StubResponse::status(401));
    let client = sink::Client::builder()
        .base_url(server.base_url())
        .token_manager(TokenManager::client_credentials(config(&server)))
        .build()
        .unwrap();
    let err = client.upload().body(b"x".to_vec()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(err.attempts(), 2);
    assert_eq!(token_requests(&server).len(), 2);
}

#[tokio::test]
async fn a_401_on_a_static_token_is_not_retried() {
    let server = MockServer::start().await.unwrap();
    server.stub("DELETE", "/pets/1", StubResponse::status(401));
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .credential("petstore_auth", Credential::bearer("static"))
        .build()
        .unwrap();
    let err = client.delete_pet(1).await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn token_endpoint_garbage_is_a_typed_error_and_nothing_is_sent() {
    let cases = [
        (
            StubResponse::status(200)
                .header("content-type", "application/json")
                .body("{not json"),
            TokenErrorKind::InvalidResponse,
        ),
        (
            StubResponse::json(200, &json!({"token_type": "bearer"})),
            TokenErrorKind::InvalidResponse,
        ),
        (
            StubResponse::status(200)
                .header("content-type", "text/html")
                .body("<html>"),
            TokenErrorKind::InvalidResponse,
        ),
        (
            StubResponse::json(
                400,
                &json!({"error": "invalid_client", "error_description": "bad secret"}),
            ),
            TokenErrorKind::Rejected,
        ),
        (StubResponse::status(500).body("oops"), TokenErrorKind::InvalidResponse),
    ];
    for (answer, kind) in cases {
        let server = MockServer::start().await.unwrap();
        server.stub("POST", "/token", answer);
        let manager = Arc::new(TokenManager::client_credentials(config(&server)));
        let err = manager.access_token().await.unwrap_err();
        assert_eq!(err.kind(), kind, "{err}");
        let client = petstore_client(&server, manager);
        let err = client.delete_pet(1).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert!(api_requests(&server).is_empty(), "nothing was sent to the API");
    }
    // An unreachable token endpoint.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let manager = TokenManager::client_credentials(OAuth2Config::new("id", format!("http://{address}/token")));
    assert_eq!(
        manager.access_token().await.unwrap_err().kind(),
        TokenErrorKind::Transport
    );
    let bad = TokenManager::client_credentials(OAuth2Config::new("id", "not a url"));
    assert_eq!(bad.access_token().await.unwrap_err().kind(), TokenErrorKind::Config);
}
