//! Several clients, each on its own tokio runtime as separate processes would be, sharing one
//! Redis budget against the mock server: the mock counts what it admits (its budget is
//! counted, never timed), so the assertions are on counts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use conductor_mock::{MockServer, StubResponse};
use connector_redis::RedisRateLimiter;
use connector_runtime::{connector, ErrorKind, LocalRateLimiter, Quota, RateLimiter};
use serde_json::json;

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

const QUOTA: u32 = 24;
const WORKERS: usize = 4;
const CALLS: usize = 15;

fn client(server: &str, limiter: Arc<dyn RateLimiter>) -> petstore::Client {
    petstore::Client::builder()
        .base_url(server)
        .api_key("k")
        .rate_limiter(limiter)
        .build()
        .unwrap()
}

fn pet() -> StubResponse {
    StubResponse::json(200, &json!({"id": 1, "name": "a"}))
}

/// Every worker calls `CALLS` times; how many calls succeeded, how many the limiter held back
/// (failed as rate limited without being sent) and how many the server refused (429), over
/// all workers.
fn hammer(base_url: &str, limiter: impl Fn() -> Arc<dyn RateLimiter> + Sync) -> (usize, usize, usize) {
    let outcomes = support::workers(WORKERS, |_| {
        let client = client(base_url, limiter());
        async move {
            let (mut ok, mut held, mut refused) = (0, 0, 0);
            for _ in 0..CALLS {
                match client.get_pet_by_id(1).await {
                    Ok(_) => ok += 1,
                    Err(err) if err.kind() == ErrorKind::RateLimited && err.status().is_none() => held += 1,
                    Err(err) if err.status().map(|s| s.as_u16()) == Some(429) => refused += 1,
                    Err(err) => panic!("unexpected error: {err}"),
                }
            }
            (ok, held, refused)
        }
    });
    outcomes.into_iter().fold((0, 0, 0), |(ok, held, refused), (o, h, r)| {
        (ok + o, held + h, refused + r)
    })
}

#[test]
fn several_clients_never_exceed_the_shared_quota() {
    let Some(url) = support::redis_url("several_clients_never_exceed_the_shared_quota") else {
        return;
    };
    let runtime = support::server_runtime();
    let server = runtime.block_on(MockServer::start()).unwrap();
    server.stub("GET", "/pets/1", pet());
    // The server's window: QUOTA requests, then 429s (it resets only when told to).
    server.rate_limit().budget(u64::from(QUOTA), 3600);
    let prefix = support::prefix("quota");
    // The whole quota may go at once; the next request would wait ~150 s, far past max_wait.
    let (ok, held, refused) = hammer(&server.base_url(), || {
        Arc::new(
            RedisRateLimiter::new(support::backend(&url), prefix.clone())
                .quota(Quota::per_hour(QUOTA).burst(QUOTA))
                .max_wait(Duration::from_secs(1))
                .adaptive(false),
        )
    });
    assert_eq!(server.rate_limit().rejected(), 0, "the server never refused a request");
    assert_eq!(
        server.received().len(),
        QUOTA as usize,
        "exactly the quota reached the server"
    );
    assert_eq!(
        (ok, held, refused),
        (QUOTA as usize, WORKERS * CALLS - QUOTA as usize, 0)
    );
}

#[test]
fn per_process_limiters_overrun_the_same_quota() {
    // The problem the shared budget solves, for contrast: each worker keeps its own budget.
    let runtime = support::server_runtime();
    let server = runtime.block_on(MockServer::start()).unwrap();
    server.stub("GET", "/pets/1", pet());
    server.rate_limit().budget(u64::from(QUOTA), 3600);
    let (ok, _, refused) = hammer(&server.base_url(), || {
        Arc::new(
            LocalRateLimiter::new()
                .quota(Quota::per_hour(QUOTA).burst(QUOTA))
                .max_wait(Duration::from_secs(1))
                .adaptive(false),
        )
    });
    // Each worker sends its own CALLS (< QUOTA): all reach the server, which refuses the excess.
    assert_eq!(server.received().len(), WORKERS * CALLS);
    assert_eq!(refused, WORKERS * CALLS - QUOTA as usize);
    assert_eq!(ok, QUOTA as usize);
}

#[test]
fn groups_have_their_own_shared_quota() {
    let Some(url) = support::redis_url("groups_have_their_own_shared_quota") else {
        return;
    };
    let runtime = support::server_runtime();
    let server = runtime.block_on(MockServer::start()).unwrap();
    server.stub("GET", "/pets/1", pet());
    server.stub("GET", "/store/inventory", StubResponse::json(200, &json!({})));
    let prefix = support::prefix("groups");
    let counts = support::workers(3, |_| {
        let limiter = RedisRateLimiter::new(support::backend(&url), prefix.clone())
            .quota(Quota::per_hour(5).burst(5))
            .group("store", Quota::per_hour(2).burst(2))
            .max_wait(Duration::from_millis(500));
        let client = petstore::Client::builder()
            .base_url(server.base_url())
            .api_key("k")
            .rate_limiter(Arc::new(limiter))
            .rate_limit_path_prefix("store", "/store")
            .build()
            .unwrap();
        async move {
            let mut sent = (0, 0);
            for _ in 0..4 {
                sent.0 += usize::from(client.get_pet_by_id(1).await.is_ok());
                sent.1 += usize::from(client.get_inventory().await.is_ok());
            }
            sent
        }
    });
    let pets: usize = counts.iter().map(|c| c.0).sum();
    let store: usize = counts.iter().map(|c| c.1).sum();
    assert_eq!((pets, store), (5, 2));
    assert_eq!(server.received().len(), 7);
}

#[test]
fn a_spent_budget_seen_by_one_worker_pauses_every_worker() {
    let Some(url) = support::redis_url("a_spent_budget_seen_by_one_worker_pauses_every_worker") else {
        return;
    };
    let runtime = support::server_runtime();
    let server = runtime.block_on(MockServer::start()).unwrap();
    server.stub("GET", "/pets/1", pet());
    // Three requests, then `X-RateLimit-Remaining: 0` says to wait 30 s for the reset.
    server.rate_limit().budget(3, 30);
    let prefix = support::prefix("adaptive");
    let limiter = || {
        // No quota of our own: only the server's signals, shared.
        RedisRateLimiter::new(support::backend(&url), prefix.clone()).max_wait(Duration::from_secs(5))
    };
    let first = support::workers(1, |_| {
        let limiter = Arc::new(limiter());
        let client = client(&server.base_url(), Arc::clone(&limiter) as Arc<dyn RateLimiter>);
        async move {
            for _ in 0..3 {
                client.get_pet_by_id(1).await.unwrap();
            }
            // The pause is written in the background; wait until Redis has it.
            for _ in 0..200 {
                if limiter.paused_for(None).await.unwrap() > Duration::ZERO {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            limiter.paused_for(None).await.unwrap()
        }
    });
    assert!(first[0] > Duration::from_secs(20), "{:?}", first[0]);
    // Other workers, which saw nothing themselves, hold their requests too: the wait (~30 s)
    // is past their maximum, so the calls fail without being sent.
    let others = support::workers(3, |_| {
        let client = client(&server.base_url(), Arc::new(limiter()));
        async move { client.get_pet_by_id(1).await.unwrap_err() }
    });
    for err in others {
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
        assert!(err.status().is_none(), "held, not sent: {err}");
    }
    assert_eq!(server.received().len(), 3);
    assert_eq!(server.rate_limit().rejected(), 0);
}
