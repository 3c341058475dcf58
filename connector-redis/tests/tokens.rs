//! OAuth tokens shared through Redis: many workers (each its own runtime and token manager,
//! as separate processes) find an expired token, and the mock's token endpoint sees exactly
//! one request; a worker that died holding the refresh lock delays the others only until the
//! lock expires.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Barrier;
use std::time::{Duration, Instant, SystemTime};

use conductor_mock::MockServer;
use connector_redis::RedisTokenStore;
use connector_runtime::{OAuth2Config, TokenManager, TokenSet, TokenStore as _};
use secrecy::ExposeSecret as _;

const WORKERS: usize = 8;

fn config(server: &MockServer) -> OAuth2Config {
    OAuth2Config::new(
        "client-1",
        format!("{}{}", server.base_url(), server.oauth().token_path()),
    )
    .client_secret("secret")
}

/// Seeds the shared store with a token that expired a minute ago.
fn seed_expired(url: &str, key: &str) {
    let runtime = support::server_runtime();
    runtime.block_on(async {
        let store = RedisTokenStore::new(support::backend(url), key);
        let expired = TokenSet::new("expired").expires_at(SystemTime::now() - Duration::from_secs(60));
        store.save(&expired).await.unwrap();
    });
}

/// Every worker asks for a token at the same moment; the tokens they got.
fn ask_all(url: &str, key: &str, server: &MockServer, lock_ttl: Duration) -> Vec<String> {
    let start = Barrier::new(WORKERS);
    support::workers(WORKERS, |_| {
        let store = RedisTokenStore::new(support::backend(url), key)
            .lock_ttl(lock_ttl)
            .lock_wait(lock_ttl + Duration::from_secs(5));
        let manager = TokenManager::client_credentials(config(server)).store(store);
        start.wait();
        async move { manager.access_token().await.unwrap().expose_secret().to_owned() }
    })
}

#[test]
fn many_workers_one_refresh() {
    let Some(url) = support::redis_url("many_workers_one_refresh") else {
        return;
    };
    let runtime = support::server_runtime();
    let server = runtime.block_on(MockServer::start()).unwrap();
    let key = support::prefix("tokens");
    seed_expired(&url, &key);
    let tokens = ask_all(&url, &key, &server, Duration::from_secs(10));
    assert_eq!(server.oauth().token_requests(), 1, "exactly one worker refreshed");
    assert!(tokens.iter().all(|t| t == &tokens[0]), "{tokens:?}");
    assert_ne!(tokens[0], "expired");
    assert!(server.oauth().is_live(&tokens[0]));
}

#[test]
fn a_dead_lock_holder_delays_the_others_only_until_the_lock_expires() {
    let Some(url) = support::redis_url("a_dead_lock_holder_delays_the_others_only_until_the_lock_expires") else {
        return;
    };
    let runtime = support::server_runtime();
    let server = runtime.block_on(MockServer::start()).unwrap();
    let key = support::prefix("dead-holder");
    seed_expired(&url, &key);
    let ttl = Duration::from_millis(1500);
    // A worker took the lock and died: nobody will release it.
    runtime.block_on(async {
        let client = redis::Client::open(url.as_str()).unwrap();
        let mut connection = client.get_multiplexed_async_connection().await.unwrap();
        let taken: Option<String> = redis::cmd("SET")
            .arg(format!("{key}:lock"))
            .arg("a-worker-that-died")
            .arg("NX")
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query_async(&mut connection)
            .await
            .unwrap();
        assert!(taken.is_some());
    });
    let started = Instant::now();
    let tokens = ask_all(&url, &key, &server, Duration::from_secs(10));
    let took = started.elapsed();
    assert_eq!(server.oauth().token_requests(), 1);
    assert!(tokens.iter().all(|t| t == &tokens[0]), "{tokens:?}");
    // Blocked until the dead holder's lock expired (1.5 s), and not much past it: bounds
    // generous enough for a loaded machine, on a wait that the lock's TTL decides.
    assert!(took >= Duration::from_millis(1000), "{took:?}");
    assert!(took < ttl + Duration::from_secs(5), "{took:?}");
}
