//! Benchmarks of the Redis backend, against the mock server and a Redis on loopback:
//!
//! 1. utilisation: several clients, each on its own runtime and thread (as separate
//!    processes), with more demand than the shared quota allows, for a few seconds; the share
//!    of the quota the mock server received by the end (target ≥ 90 %);
//! 2. latency: what the Redis limiter adds per request — one `acquire` alone, and a whole
//!    call with the Redis limiter against the same call with the in-process one.
//!
//! ```sh
//! CONDUCTOR_REDIS_URL=redis://127.0.0.1:6390 cargo bench -p connector-redis --bench redis
//! ```
//!
//! Prints a report; asserts nothing (see BENCHMARKS.md for recorded results).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use conductor_mock::{MockServer, Recording, StubResponse};
use connector_redis::{RedisBackend, RedisRateLimiter};
use connector_runtime::{connector, LimitKey, LocalRateLimiter, Quota, RateLimiter};
use serde_json::json;

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

const CLIENTS: usize = 4;
const TASKS_PER_CLIENT: usize = 8;
const QUOTA_PER_SECOND: u32 = 200;
const BURST: u32 = 10;
const SECONDS: u64 = 5;
const LATENCY_CALLS: usize = 2000;
const COUNTER: u64 = 1_000_000_000;

fn main() {
    let url = std::env::var("CONDUCTOR_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6390".to_owned());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(MockServer::start()).unwrap();
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::json(200, &json!({"id": 1, "name": "a"})),
    );
    let probe = runtime.block_on(async {
        let backend = RedisBackend::new(&url).unwrap();
        let limiter =
            RedisRateLimiter::new(Arc::new(backend), "bench:probe").on_failure(connector_redis::FailureMode::Closed);
        limiter.acquire(LimitKey::new("probe", "/", None)).await.map(drop)
    });
    if let Err(err) = probe {
        eprintln!("no Redis at {url} ({err}); start one (see .ci/run) or set CONDUCTOR_REDIS_URL");
        return;
    }
    println!("Redis: {url}");
    utilisation(&server, &url);
    server.rate_limit().disable();
    latency(&runtime, &server, &url);
}

fn utilisation(server: &MockServer, url: &str) {
    // The mock's counted budget as a counter: large enough never to run out.
    server.set_recording(Recording::Off);
    server.rate_limit().budget(COUNTER, 1);
    let prefix = format!("bench:utilisation:{}", std::process::id());
    let quota = Quota::per_second(QUOTA_PER_SECOND).burst(BURST);
    let start = Instant::now();
    let end = start + Duration::from_secs(SECONDS);
    let base_url = server.base_url();
    let received_at_end = std::thread::scope(|scope| {
        for _ in 0..CLIENTS {
            let (prefix, base_url) = (prefix.clone(), base_url.clone());
            scope.spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let backend = Arc::new(RedisBackend::new(url).unwrap().timeout(Duration::from_secs(1)));
                    let limiter = RedisRateLimiter::new(backend, prefix).quota(quota);
                    let client = petstore::Client::builder()
                        .base_url(base_url)
                        .api_key("k")
                        .rate_limiter(Arc::new(limiter))
                        .build()
                        .unwrap();
                    let mut tasks = tokio::task::JoinSet::new();
                    for _ in 0..TASKS_PER_CLIENT {
                        let client = client.clone();
                        tasks.spawn(async move {
                            while Instant::now() < end {
                                let _ = client.get_pet_by_id(1).await;
                            }
                        });
                    }
                    while tasks.join_next().await.is_some() {}
                });
            });
        }
        std::thread::sleep(end.saturating_duration_since(Instant::now()));
        COUNTER - server.rate_limit().remaining()
    });
    let allowed = f64::from(QUOTA_PER_SECOND) * SECONDS as f64 + f64::from(BURST);
    println!(
        "utilisation: {CLIENTS} clients × {TASKS_PER_CLIENT} tasks, quota {QUOTA_PER_SECOND}/s burst {BURST}, \
         {SECONDS} s: {received_at_end} requests received of {allowed} allowed = {:.1} %",
        100.0 * received_at_end as f64 / allowed
    );
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    let mean = samples.iter().sum::<Duration>() / samples.len() as u32;
    (mean, at(0.5), at(0.99))
}

fn latency(runtime: &tokio::runtime::Runtime, server: &MockServer, url: &str) {
    let prefix = format!("bench:latency:{}", std::process::id());
    let roomy = Quota::per_second(1_000_000).burst(1_000_000);
    runtime.block_on(async {
        let backend = Arc::new(RedisBackend::new(url).unwrap().timeout(Duration::from_secs(1)));
        let redis: Arc<dyn RateLimiter> = Arc::new(RedisRateLimiter::new(backend, prefix).quota(roomy));
        let local: Arc<dyn RateLimiter> = Arc::new(LocalRateLimiter::new().quota(roomy));
        let key = LimitKey::new("getPetById", "/pets/{petId}", None);
        let mut acquire = Vec::with_capacity(LATENCY_CALLS);
        for _ in 0..LATENCY_CALLS {
            let started = Instant::now();
            let _permit = redis.acquire(key).await.unwrap();
            acquire.push(started.elapsed());
        }
        let (mean, p50, p99) = percentiles(acquire);
        println!("acquire alone (Redis, loopback): mean {mean:?}, p50 {p50:?}, p99 {p99:?}");
        let mut results = Vec::new();
        for (name, limiter) in [
            ("local", &local),
            ("redis", &redis),
            ("local", &local),
            ("redis", &redis),
        ] {
            let client = petstore::Client::builder()
                .base_url(server.base_url())
                .api_key("k")
                .rate_limiter(Arc::clone(limiter))
                .build()
                .unwrap();
            let mut calls = Vec::with_capacity(LATENCY_CALLS);
            for _ in 0..LATENCY_CALLS {
                let started = Instant::now();
                client.get_pet_by_id(1).await.unwrap();
                calls.push(started.elapsed());
            }
            results.push((name, percentiles(calls)));
        }
        for (name, (mean, p50, p99)) in &results[2..] {
            println!("whole call, {name} limiter: mean {mean:?}, p50 {p50:?}, p99 {p99:?}");
        }
        let (local_mean, redis_mean) = ((results[2].1).0, (results[3].1).0);
        println!(
            "added per request by Redis (mean, second round): {:?}",
            redis_mean.saturating_sub(local_mean)
        );
    });
}
