//! Finding the test Redis server, and running workers on separate runtimes.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use connector_redis::RedisBackend;

/// The port tried when `CONDUCTOR_REDIS_URL` is not set (`.ci/run` sets it).
pub const DEFAULT_PORT: u16 = 6390;

/// The URL of the test Redis server: `CONDUCTOR_REDIS_URL`, else `127.0.0.1:6390` if a server
/// answers there. Without one the test is skipped (`None`, with a message saying so) — unless
/// Redis is required (`CONDUCTOR_REDIS_REQUIRED=1`, as `.ci/run` sets, or `CI` set), when it
/// fails instead.
pub fn redis_url(test: &str) -> Option<String> {
    redis_url_from(test, &|name| std::env::var(name).ok(), DEFAULT_PORT)
}

/// [`redis_url`] with the environment read through `env` and the fallback on `port`.
///
/// # Panics
///
/// When there is no server and Redis is required.
pub fn redis_url_from(test: &str, env: &dyn Fn(&str) -> Option<String>, port: u16) -> Option<String> {
    if let Some(url) = env("CONDUCTOR_REDIS_URL") {
        return Some(url);
    }
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
        return Some(format!("redis://127.0.0.1:{port}"));
    }
    let missing = format!(
        "no Redis server for {test} (set CONDUCTOR_REDIS_URL, or start redis-server on \
         127.0.0.1:{port} as .ci/run does)"
    );
    if let Some(why) = required_because(env) {
        panic!("{missing}, and Redis is required: {why}");
    }
    eprintln!("SKIPPED {test}: {missing}");
    None
}

/// Why a missing Redis fails the tests rather than skipping them, if it does.
fn required_because(env: &dyn Fn(&str) -> Option<String>) -> Option<&'static str> {
    if env("CONDUCTOR_REDIS_REQUIRED").as_deref() == Some("1") {
        return Some("CONDUCTOR_REDIS_REQUIRED=1");
    }
    match env("CI").as_deref() {
        None | Some("" | "0" | "false") => None,
        Some(_) => Some("CI is set"),
    }
}

/// A backend for `url` with a timeout generous enough for a loaded machine.
pub fn backend(url: &str) -> Arc<RedisBackend> {
    Arc::new(RedisBackend::new(url).unwrap().timeout(Duration::from_secs(2)))
}

/// A key prefix no other test (or earlier run) uses.
pub fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("conductor-test:{test}:{}:{nanos}", std::process::id())
}

/// Runs `work(i)` for each of `n` workers, each on its own thread and its own tokio runtime,
/// as separate processes would; their results in order.
pub fn workers<T, F, Fut>(n: usize, work: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> Fut + Sync,
    Fut: Future<Output = T>,
{
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let work = &work;
                scope.spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(work(i))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

/// A runtime for the mock server, which keeps serving while the test thread waits for workers.
pub fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A loopback port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
