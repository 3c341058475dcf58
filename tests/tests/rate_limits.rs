//! Client-side rate limiting of a generated client: a burst of concurrent calls held to the
//! configured rate, groups by path prefix and operation id, the in-flight bound, adaptive
//! pauses on a spent budget, GitHub's secondary limits, and a pluggable limiter. Waiting goes
//! through a `ManualClock`; assertions are on the waits asked for, never on elapsed time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{connector, AcquireFuture, ErrorKind, LimitKey, ManualClock, Permit, Quota, RateLimiter};
use serde_json::json;

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

const EPOCH: u64 = 1_800_000_000;

fn clock() -> ManualClock {
    ManualClock::at(SystemTime::UNIX_EPOCH + Duration::from_secs(EPOCH))
}

fn ms(v: u64) -> Duration {
    Duration::from_millis(v)
}

fn pet() -> StubResponse {
    StubResponse::json(200, &json!({"id": 1, "name": "a"}))
}

fn builder(server: &MockServer, clock: &ManualClock) -> connector_runtime::ClientBuilder<petstore::Client> {
    petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .clock(Arc::new(clock.clone()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_concurrent_calls_is_held_to_the_configured_rate() {
    let server = MockServer::start().await.unwrap();
    server.stub("GET", "/pets/1", pet());
    let clock = clock();
    let client = builder(&server, &clock)
        .rate_limit(Quota::per_second(2).burst(2))
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let client = client.clone();
        tasks.spawn(async move { client.get_pet_by_id(1).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(server.received().len(), 10);
    // Two go at once (the burst), then one every 500 ms: eight waits ending at 0.5 s … 4 s.
    let mut wakeups = clock.wakeups();
    wakeups.sort();
    let expected: Vec<Duration> = (1..=8).map(|i| ms(500 * i)).collect();
    assert_eq!(wakeups, expected);
    // How long each call waited depends on which task reserved when; the total is bounded.
    let waited = client
        .runtime()
        .health()
        .operation("getPetById")
        .unwrap()
        .rate_limit_wait;
    assert!(
        waited > Duration::ZERO && waited <= (1..=8).map(|i| ms(500 * i)).sum(),
        "{waited:?}"
    );
}

#[tokio::test]
async fn groups_by_path_prefix_and_operation_have_their_own_quota() {
    let server = MockServer::start().await.unwrap();
    server.stub("GET", "/store/inventory", StubResponse::json(200, &json!({})));
    server.stub("GET", "/pets", StubResponse::json(200, &json!([])));
    server.stub("GET", "/pets/1", pet());
    let clock = clock();
    let client = builder(&server, &clock)
        .rate_limit_group("store", Quota::per_minute(30))
        .rate_limit_path_prefix("store", "/store/")
        .rate_limit_group("listing", Quota::per_second(1))
        .rate_limit_operation("listing", "listPets")
        .build()
        .unwrap();
    client.get_inventory().await.unwrap();
    client.get_pet_by_id(1).await.unwrap();
    client.get_inventory().await.unwrap();
    assert_eq!(clock.wakeups(), vec![Duration::from_secs(2)], "30/min: one every 2 s");
    client.list_pets().await.unwrap();
    client.list_pets().await.unwrap();
    // The clock stands at 2 s; the second listing waits 1 s after the first.
    assert_eq!(clock.wakeups(), vec![Duration::from_secs(2), Duration::from_secs(3)]);
    // Operations outside any group were never held.
    client.get_pet_by_id(1).await.unwrap();
    assert_eq!(clock.wakeups().len(), 2);
    let health = client.runtime().health();
    assert_eq!(
        health.operation("getInventory").unwrap().rate_limit_wait,
        Duration::from_secs(2)
    );
    assert_eq!(
        health.operation("listPets").unwrap().rate_limit_wait,
        Duration::from_secs(1)
    );
    assert_eq!(health.operation("getPetById").unwrap().rate_limit_wait, Duration::ZERO);
}

/// A server that counts the requests it is handling at once.
async fn counting_server(current: Arc<AtomicUsize>, peak: Arc<AtomicUsize>) -> String {
    use axum::routing::get;
    let app = axum::Router::new().route(
        "/pets/{id}",
        get(move || {
            let current = Arc::clone(&current);
            let peak = Arc::clone(&peak);
            async move {
                let now = current.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                // Holds the request open so calls overlap; nothing asserts on time.
                tokio::time::sleep(Duration::from_millis(20)).await;
                current.fetch_sub(1, Ordering::SeqCst);
                (
                    [("content-type", "application/json")],
                    json!({"id": 1, "name": "a"}).to_string(),
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{address}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_the_configured_number_of_requests_are_in_flight() {
    let current = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let base = counting_server(Arc::clone(&current), Arc::clone(&peak)).await;
    let client = petstore::Client::builder()
        .base_url(base)
        .api_key("k")
        .max_in_flight(2)
        .build()
        .unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let client = client.clone();
        tasks.spawn(async move { client.get_pet_by_id(1).await });
    }
    while let Some(result) = tasks.join_next().await {
        result.unwrap().unwrap();
    }
    assert!(peak.load(Ordering::SeqCst) <= 2, "peak {}", peak.load(Ordering::SeqCst));
    assert_eq!(client.runtime().health().operation("getPetById").unwrap().successes, 12);
}

#[tokio::test]
async fn a_spent_budget_pauses_further_requests_until_the_reset() {
    let reset = (EPOCH + 30).to_string();
    for headers in [
        vec![
            ("x-ratelimit-limit", "60"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", reset.as_str()),
        ],
        vec![
            ("ratelimit-limit", "60"),
            ("ratelimit-remaining", "0"),
            ("ratelimit-reset", "30"),
        ],
        vec![("ratelimit", "\"default\";r=0;t=30")],
    ] {
        let server = MockServer::start().await.unwrap();
        let mut last = pet();
        for (name, value) in &headers {
            last = last.header(name, value);
        }
        server.stub("GET", "/pets/1", last);
        server.stub("GET", "/pets/1", pet());
        let clock = clock();
        let client = builder(&server, &clock).build().unwrap();
        client.get_pet_by_id(1).await.unwrap();
        assert!(clock.sleeps().is_empty());
        client.get_pet_by_id(1).await.unwrap();
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(30)], "{headers:?}");
        // The budget is back: no more waiting.
        client.get_pet_by_id(1).await.unwrap();
        assert_eq!(clock.sleeps().len(), 1);
    }
}

#[tokio::test]
async fn remaining_budget_does_not_pause() {
    let server = MockServer::start().await.unwrap();
    server.stub(
        "GET",
        "/pets/1",
        pet()
            .header("x-ratelimit-remaining", "1")
            .header("x-ratelimit-reset", "30"),
    );
    let clock = clock();
    let client = builder(&server, &clock).build().unwrap();
    client.get_pet_by_id(1).await.unwrap();
    client.get_pet_by_id(1).await.unwrap();
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn github_secondary_limit_403_with_retry_after_waits_then_retries() {
    let server = MockServer::start().await.unwrap();
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::json(403, &json!({"message": "You have exceeded a secondary rate limit"}))
            .header("retry-after", "60"),
    );
    server.stub("GET", "/pets/1", pet());
    let clock = clock();
    let client = builder(&server, &clock).build().unwrap();
    client.get_pet_by_id(1).await.unwrap();
    assert_eq!(server.received().len(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(60)], "one wait, not two");
}

#[tokio::test]
async fn a_pause_longer_than_allowed_fails_fast_without_sending() {
    let server = MockServer::start().await.unwrap();
    let reset = (EPOCH + 3600).to_string();
    server.stub(
        "GET",
        "/pets/1",
        pet()
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", &reset),
    );
    let clock = clock();
    let client = builder(&server, &clock)
        .max_rate_limit_wait(Duration::from_secs(60))
        .build()
        .unwrap();
    client.get_pet_by_id(1).await.unwrap();
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(err.attempts(), 0);
    assert_eq!(server.received().len(), 1);
    assert!(clock.sleeps().is_empty());
}

/// A limiter that records what it was asked and told, as a shared backend would see it.
#[derive(Default)]
struct Recording {
    acquired: Mutex<Vec<(String, Option<String>)>>,
    observed: Mutex<Vec<u16>>,
}

impl RateLimiter for Recording {
    fn acquire<'a>(&'a self, key: LimitKey<'a>) -> AcquireFuture<'a> {
        self.acquired
            .lock()
            .unwrap()
            .push((key.operation.to_owned(), key.group.map(str::to_owned)));
        Box::pin(async { Ok(Permit::new(Duration::ZERO, None)) })
    }

    fn observe(&self, _key: LimitKey<'_>, status: u16, _headers: &reqwest::header::HeaderMap) {
        self.observed.lock().unwrap().push(status);
    }
}

#[tokio::test]
async fn a_custom_limiter_sees_every_attempt_and_response() {
    let server = MockServer::start().await.unwrap();
    server.stub("GET", "/store/inventory", StubResponse::status(503));
    server.stub("GET", "/store/inventory", StubResponse::json(200, &json!({})));
    let limiter = Arc::new(Recording::default());
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .clock(Arc::new(clock()))
        .rate_limiter(limiter.clone())
        .rate_limit_path_prefix("store", "/store/")
        .build()
        .unwrap();
    client.get_inventory().await.unwrap();
    let acquired = limiter.acquired.lock().unwrap().clone();
    assert_eq!(acquired, vec![("getInventory".to_owned(), Some("store".to_owned())); 2]);
    assert_eq!(*limiter.observed.lock().unwrap(), vec![503, 200]);
}
