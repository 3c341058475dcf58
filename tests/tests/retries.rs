//! Retry rules of a generated client against a scripted local server: which statuses are
//! retried, every server wait hint, writes never duplicated, idempotency keys, backoff bounds,
//! and malformed responses. Waits go through a `ManualClock`, so nothing here depends on
//! wall-clock time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{connector, ErrorKind, ManualClock, OperationExt, RetryPolicy};
use serde_json::json;

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

use petstore::types::NewPet;

/// A fixed wall-clock time, so HTTP dates and reset timestamps give exact waits.
const EPOCH: u64 = 1_800_000_000;

fn clock() -> ManualClock {
    ManualClock::at(SystemTime::UNIX_EPOCH + Duration::from_secs(EPOCH))
}

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

async fn setup(policy: RetryPolicy) -> (MockServer, petstore::Client, ManualClock) {
    let server = MockServer::start().await.unwrap();
    let clock = clock();
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("secret-key")
        .retry(policy)
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    (server, client, clock)
}

fn pet() -> serde_json::Value {
    json!({"id": 1, "name": "a"})
}

fn new_pet() -> NewPet {
    NewPet {
        name: "Rex".to_owned(),
        tag: None,
        status: None,
    }
}

#[tokio::test]
async fn every_retryable_status_is_retried_for_a_get() {
    for status in [408, 425, 429, 500, 502, 503, 504] {
        let (server, client, _clock) = setup(RetryPolicy::new()).await;
        server.stub("GET", "/pets/1", StubResponse::status(status));
        server.stub("GET", "/pets/1", StubResponse::json(200, &pet()));
        let pet = client.get_pet_by_id(1).await.unwrap();
        assert_eq!(pet.id, 1, "{status}");
        assert_eq!(server.received().len(), 2, "{status} is retried once, then succeeds");
    }
}

#[tokio::test]
async fn final_statuses_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 422, 501] {
        let (server, client, clock) = setup(RetryPolicy::new()).await;
        server.stub("GET", "/pets/1", StubResponse::status(status));
        let err = client.get_pet_by_id(1).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.attempts(), 1, "{status}");
        assert_eq!(server.received().len(), 1, "{status} is not retried");
        assert!(clock.sleeps().is_empty());
    }
}

#[tokio::test]
async fn gives_up_after_max_attempts_and_reports_them() {
    let (server, client, _clock) = setup(RetryPolicy::new().max_attempts(4)).await;
    server.stub("GET", "/pets/1", StubResponse::status(503));
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.attempts(), 4);
    assert!(err.is_retryable());
    assert_eq!(server.received().len(), 4);
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
}

#[tokio::test]
async fn every_retry_after_form_sets_the_wait() {
    let date = httpdate::fmt_http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(EPOCH + 9));
    let reset = (EPOCH + 11).to_string();
    let cases: Vec<(Vec<(&str, &str)>, Duration)> = vec![
        (vec![("retry-after", "3")], Duration::from_secs(3)),
        (vec![("retry-after", &date)], Duration::from_secs(9)),
        (vec![("retry-after-ms", "1500")], ms(1500)),
        (
            vec![("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)],
            Duration::from_secs(11),
        ),
        (
            vec![("ratelimit-remaining", "0"), ("ratelimit-reset", "4")],
            Duration::from_secs(4),
        ),
        (vec![("ratelimit", "\"default\";r=0;t=6")], Duration::from_secs(6)),
    ];
    for (headers, wait) in cases {
        // Adaptive limiting off: this test is about the retry policy's wait alone.
        let server = MockServer::start().await.unwrap();
        let clock = clock();
        let client = petstore::Client::builder()
            .base_url(server.base_url())
            .api_key("k")
            .clock(Arc::new(clock.clone()))
            .adaptive_rate_limit(false)
            .build()
            .unwrap();
        let mut refusal = StubResponse::status(429);
        for (name, value) in &headers {
            refusal = refusal.header(name, value);
        }
        server.stub("GET", "/pets/1", refusal);
        server.stub("GET", "/pets/1", StubResponse::json(200, &pet()));
        client.get_pet_by_id(1).await.unwrap();
        assert_eq!(clock.sleeps(), vec![wait], "{headers:?}");
        assert_eq!(server.received().len(), 2);
    }
}

#[tokio::test]
async fn a_hint_longer_than_allowed_ends_the_call_with_the_wait() {
    let policy = RetryPolicy::new().max_server_wait(Duration::from_secs(30));
    let (server, client, clock) = setup(policy).await;
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::status(429).header("retry-after", "3600"),
    );
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.received().len(), 1);
    assert!(clock.sleeps().is_empty(), "nothing was waited for");
}

#[tokio::test]
async fn an_unparseable_retry_after_falls_back_to_backoff() {
    let policy = RetryPolicy::new().backoff(ms(100), ms(100));
    let (server, client, clock) = setup(policy).await;
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::status(503)
            .header("retry-after", "next tuesday")
            .header("x-ratelimit-reset", "soon")
            .header("retry-after-ms", "é"),
    );
    server.stub("GET", "/pets/1", StubResponse::json(200, &pet()));
    client.get_pet_by_id(1).await.unwrap();
    let sleeps = clock.sleeps();
    assert!(sleeps.len() <= 1 && sleeps.iter().all(|s| *s <= ms(100)), "{sleeps:?}");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn backoff_stays_within_its_exponential_bounds() {
    let policy = RetryPolicy::new()
        .max_attempts(6)
        .backoff(ms(100), ms(400))
        .max_elapsed(Duration::from_secs(3600));
    let (server, client, clock) = setup(policy).await;
    server.stub("GET", "/pets/1", StubResponse::status(500));
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.attempts(), 6);
    // Full jitter: retry n waits at most min(cap, base × 2^n): 100, 200, 400, 400, 400 ms.
    // (The exact bounds per retry are unit-tested on `RetryPolicy::backoff_delay`.)
    let sleeps = clock.sleeps();
    assert!(sleeps.len() <= 5, "{sleeps:?}");
    assert!(sleeps.iter().all(|s| *s <= ms(400)), "{sleeps:?}");
    assert!(clock.total_slept() <= ms(1500), "{sleeps:?}");
}

#[tokio::test]
async fn a_post_without_an_idempotency_key_is_never_retried() {
    for status in [500, 502, 503, 504, 408] {
        let (server, client, _clock) = setup(RetryPolicy::new()).await;
        server.stub("POST", "/pets", StubResponse::status(status));
        let err = client.create_pet(new_pet()).await.unwrap_err();
        assert_eq!(err.attempts(), 1);
        assert_eq!(server.received().len(), 1, "POST after {status} is not resent");
    }
}

#[tokio::test]
async fn a_post_is_retried_after_a_429_because_the_server_did_not_process_it() {
    let (server, client, _clock) = setup(RetryPolicy::new()).await;
    server.stub("POST", "/pets", StubResponse::status(429).header("retry-after", "1"));
    server.stub("POST", "/pets", StubResponse::json(201, &pet()));
    client.create_pet(new_pet()).await.unwrap();
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn the_calls_idempotency_header_wins_and_a_bad_name_is_refused() {
    let server = MockServer::start().await.unwrap();
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .idempotency_header("Idempotency-Key")
        .clock(Arc::new(clock()))
        .build()
        .unwrap();
    server.stub("POST", "/pets", StubResponse::json(201, &pet()));
    client
        .create_pet(new_pet())
        .idempotency_key("X-Request-Key", "key-2")
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received[0].header("x-request-key"), Some("key-2"));
    assert_eq!(received[0].header("idempotency-key"), None);

    let err = client
        .create_pet(new_pet())
        .idempotency_key("not a header", "key-3")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encode);
    assert!(err.to_string().contains("not a header"), "{err}");
    assert_eq!(server.received().len(), 1, "nothing was sent");
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_sends_the_same_key_on_every_attempt() {
    // A key per call, given by the caller.
    let (server, client, _clock) = setup(RetryPolicy::new()).await;
    server.stub("POST", "/pets", StubResponse::status(503));
    server.stub("POST", "/pets", StubResponse::status(502));
    server.stub("POST", "/pets", StubResponse::json(201, &pet()));
    client
        .create_pet(new_pet())
        .idempotency_key("Idempotency-Key", "key-1")
        .await
        .unwrap();
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|r| r.header("idempotency-key") == Some("key-1")));

    // A generated key per call, from the builder: the same on each attempt, new per call.
    let server = MockServer::start().await.unwrap();
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .idempotency_header("Idempotency-Key")
        .clock(Arc::new(clock()))
        .build()
        .unwrap();
    server.stub("POST", "/pets", StubResponse::status(500));
    server.stub("POST", "/pets", StubResponse::json(201, &pet()));
    client.create_pet(new_pet()).await.unwrap();
    client.create_pet(new_pet()).await.unwrap();
    let keys: Vec<String> = server
        .received()
        .iter()
        .map(|r| r.header("idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys[0], keys[1], "the retry carries the same key");
    assert_ne!(keys[1], keys[2], "the next call has its own key");
}

#[tokio::test]
async fn a_connection_refused_is_retried_then_reported_as_connect() {
    // Bind a port, then close it: nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let clock = clock();
    let client = petstore::Client::builder()
        .base_url(format!("http://{address}"))
        .api_key("k")
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    // Even a POST: the server never saw it.
    let err = client.create_pet(new_pet()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connect);
    assert_eq!(err.attempts(), 3);
}

/// A server that answers every connection with these raw bytes.
async fn raw_server(response: &'static [u8]) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 4096];
                let _ = socket.read(&mut buffer).await;
                let _ = socket.write_all(response).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_malformed_response_header_is_a_typed_transport_error() {
    let base = raw_server(b"HTTP/1.1 200 OK\r\nthis is not a header\r\ncontent-length: 2\r\n\r\n{}").await;
    let client = petstore::Client::builder()
        .base_url(base)
        .api_key("k")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
}

#[tokio::test]
async fn odd_but_valid_header_bytes_are_ignored_safely() {
    let base = raw_server(
        b"HTTP/1.1 503 Service Unavailable\r\nretry-after: \xff\xfe\r\nx-ratelimit-remaining: \xc3\xa9\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
    )
    .await;
    let clock = clock();
    let client = petstore::Client::builder()
        .base_url(base)
        .api_key("k")
        .retry(RetryPolicy::new().max_attempts(2).backoff(ms(10), ms(10)))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.attempts(), 2);
    assert!(clock.sleeps().iter().all(|s| *s <= ms(10)));
}
