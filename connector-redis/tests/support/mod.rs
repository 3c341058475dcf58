//! Finding the test Redis server, and running workers on separate runtimes.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use connector_redis::RedisBackend;

/// The port `.ci/run` starts `redis-server` on, tried when `CONDUCTOR_REDIS_URL` is not set.
pub const DEFAULT_PORT: u16 = 6390;

/// The URL of the test Redis server: `CONDUCTOR_REDIS_URL`, else `127.0.0.1:6390` if a server
/// answers there. `None` (and a message saying the test was skipped) when there is none.
pub fn redis_url(test: &str) -> Option<String> {
    if let Ok(url) = std::env::var("CONDUCTOR_REDIS_URL") {
        return Some(url);
    }
    let address = SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT));
    if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
        return Some(format!("redis://127.0.0.1:{DEFAULT_PORT}"));
    }
    eprintln!(
        "SKIPPED {test}: no Redis server (set CONDUCTOR_REDIS_URL, or start redis-server on \
         127.0.0.1:{DEFAULT_PORT} as .ci/run does)"
    );
    None
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
