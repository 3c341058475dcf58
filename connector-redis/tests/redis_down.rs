//! Redis down (a closed port) or slow (a listener that never answers), in each failure mode:
//! fail-open falls back to the in-process limiter and tokens in memory, fail-closed fails with
//! a typed error; neither waits past the backend's timeout, connecting included. These tests
//! need no Redis. Their time bounds are the timeout plus slack (always under twice the
//! timeout), so they hold on a loaded machine yet fail if connecting and the command each get
//! a whole timeout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use conductor_mock::{MockServer, StubResponse};
use connector_redis::{FailureMode, RedisBackend, RedisRateLimiter, RedisTokenStore};
use connector_runtime::{
    connector, ErrorKind, LimitError, LimitKey, OAuth2Config, Quota, RateLimiter, TokenErrorKind, TokenManager,
};
use secrecy::ExposeSecret as _;
use serde_json::json;

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

const TIMEOUT: Duration = Duration::from_millis(400);

/// The longest an operation that costs one timeout may take here: the timeout plus slack for
/// a loaded machine, below twice the timeout.
const BOUND: Duration = Duration::from_millis(750);

fn down() -> Arc<RedisBackend> {
    let url = format!("redis://127.0.0.1:{}", support::closed_port());
    Arc::new(RedisBackend::new(&url).unwrap().timeout(TIMEOUT))
}

/// A server that accepts connections and never answers; the backend pointed at it.
async fn slow() -> (tokio::task::JoinHandle<()>, Arc<RedisBackend>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let backend = RedisBackend::new(&format!("redis://127.0.0.1:{port}"))
        .unwrap()
        .timeout(TIMEOUT);
    (task, Arc::new(backend))
}

fn key() -> LimitKey<'static> {
    LimitKey::new("getPetById", "/pets/{petId}", None)
}

#[tokio::test]
async fn fail_open_falls_back_to_the_local_limiter() {
    for (name, backend) in [("down", down()), ("slow", slow().await.1)] {
        let limiter = RedisRateLimiter::new(backend, "t")
            .quota(Quota::per_hour(2).burst(2))
            .max_wait(Duration::from_secs(1))
            .on_failure(FailureMode::Open);
        let started = Instant::now();
        let _a = limiter.acquire(key()).await.unwrap();
        let _b = limiter.acquire(key()).await.unwrap();
        // The fallback enforces the same quota in-process.
        let third = limiter.acquire(key()).await.unwrap_err();
        assert!(matches!(third, LimitError::WaitTooLong(_)), "{name}: {third:?}");
        // One timeout in all: after the failure Redis is left alone and the fallback answers.
        assert!(started.elapsed() < BOUND, "{name}: {:?}", started.elapsed());
    }
}

#[tokio::test]
async fn fail_closed_refuses_with_a_typed_error_in_bounded_time() {
    for (name, backend) in [("down", down()), ("slow", slow().await.1)] {
        let limiter = RedisRateLimiter::new(Arc::clone(&backend), "t")
            .quota(Quota::per_second(100))
            .on_failure(FailureMode::Closed);
        for _ in 0..3 {
            let started = Instant::now();
            let err = limiter.acquire(key()).await.unwrap_err();
            assert!(matches!(err, LimitError::Backend(_)), "{name}: {err:?}");
            assert!(started.elapsed() < BOUND, "{name}: {:?}", started.elapsed());
        }
        assert!(backend.is_failing());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_closed_calls_fail_as_rate_limited_without_being_sent() {
    let server = MockServer::start().await.unwrap();
    server.stub(
        "GET",
        "/pets/1",
        StubResponse::json(200, &json!({"id": 1, "name": "a"})),
    );
    let limiter = RedisRateLimiter::new(down(), "t").on_failure(FailureMode::Closed);
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .rate_limiter(Arc::new(limiter))
        .build()
        .unwrap();
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited, "{err}");
    assert!(err.to_string().contains("unavailable"), "{err}");
    assert!(server.received().is_empty());

    let open = RedisRateLimiter::new(down(), "t").on_failure(FailureMode::Open);
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .rate_limiter(Arc::new(open))
        .build()
        .unwrap();
    client.get_pet_by_id(1).await.unwrap();
    assert_eq!(server.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_store_in_each_failure_mode() {
    for name in ["down", "slow"] {
        let backend = if name == "down" { down() } else { slow().await.1 };
        let server = MockServer::start().await.unwrap();
        let config = OAuth2Config::new(
            "client-1",
            format!("{}{}", server.base_url(), server.oauth().token_path()),
        )
        .client_secret("secret");
        let closed = TokenManager::client_credentials(config.clone())
            .store(RedisTokenStore::new(Arc::clone(&backend), "t").on_failure(FailureMode::Closed));
        let started = Instant::now();
        let err = closed.access_token().await.unwrap_err();
        assert_eq!(err.kind(), TokenErrorKind::Store, "{name}: {err}");
        assert!(started.elapsed() < BOUND, "{name}: {:?}", started.elapsed());
        assert_eq!(server.oauth().token_requests(), 0, "{name}: nothing fetched");

        let open = TokenManager::client_credentials(config)
            .store(RedisTokenStore::new(backend, "t").on_failure(FailureMode::Open));
        let token = open.access_token().await.unwrap();
        assert!(server.oauth().is_live(token.expose_secret()), "{name}");
        open.access_token().await.unwrap();
        assert_eq!(
            server.oauth().token_requests(),
            1,
            "{name}: fetched once, then from memory"
        );
    }
}

/// What a client sent a server after its connection handshake.
type AfterHandshake = Arc<std::sync::Mutex<Vec<u8>>>;

/// A server that answers the client's connection handshake (its pipelined `CLIENT SETINFO`
/// commands) only after `delay`, then never answers again; the backend pointed at it.
async fn slow_to_connect(delay: Duration, timeout: Duration) -> (AfterHandshake, Arc<RedisBackend>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let after = AfterHandshake::default();
    let sent = Arc::clone(&after);
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 1024];
        while complete_commands(&received) < 2 {
            let read = socket.read(&mut buffer).await.unwrap();
            assert!(read > 0, "the client hung up during the handshake");
            received.extend_from_slice(&buffer[..read]);
        }
        tokio::time::sleep(delay).await;
        socket.write_all(b"+OK\r\n+OK\r\n").await.unwrap();
        // Silent from now on, recording what arrives.
        while let Ok(read @ 1..) = socket.read(&mut buffer).await {
            sent.lock().unwrap().extend_from_slice(&buffer[..read]);
        }
    });
    let backend = RedisBackend::new(&format!("redis://127.0.0.1:{port}"))
        .unwrap()
        .timeout(timeout);
    (after, Arc::new(backend))
}

/// How many whole RESP commands (`*N` arrays of `$len` bulk strings) `bytes` holds.
fn complete_commands(bytes: &[u8]) -> usize {
    fn line(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
        let end = at + bytes.get(at..)?.windows(2).position(|w| w == b"\r\n")?;
        let number = std::str::from_utf8(&bytes[at + 1..end]).ok()?.parse().ok()?;
        Some((number, end + 2))
    }
    let mut count = 0;
    let mut at = 0;
    'commands: while let Some((args, mut next)) = line(bytes, at) {
        for _ in 0..args {
            let Some((len, data)) = line(bytes, next) else {
                break 'commands;
            };
            next = data + len + 2;
            if next > bytes.len() {
                break 'commands;
            }
        }
        count += 1;
        at = next;
    }
    count
}

#[tokio::test]
async fn connecting_and_the_command_share_one_timeout() {
    // Connecting takes 80% of the timeout; the command then gets only the 20% left, so the
    // call fails after one timeout, not 1.8 of them.
    let timeout = Duration::from_secs(1);
    let (after_handshake, backend) = slow_to_connect(Duration::from_millis(800), timeout).await;
    let limiter = RedisRateLimiter::new(Arc::clone(&backend), "t")
        .quota(Quota::per_second(100))
        .on_failure(FailureMode::Closed);
    let started = Instant::now();
    let err = limiter.acquire(key()).await.unwrap_err();
    let elapsed = started.elapsed();
    let sent = String::from_utf8_lossy(&after_handshake.lock().unwrap()).into_owned();
    assert!(sent.contains("EVALSHA"), "connected, then sent the script: {sent:?}");
    assert!(elapsed < timeout * 14 / 10, "{elapsed:?}: {err:?}");
    let LimitError::Backend(message) = err else {
        panic!("{err:?}")
    };
    assert!(message.contains("did not answer within 1s"), "{message}");
    assert!(backend.is_failing());
}

#[test]
fn without_a_server_the_shared_tests_skip_unless_redis_is_required() {
    let port = support::closed_port();
    let lookup = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    };
    let url = |vars: &'static [(&'static str, &'static str)]| {
        let env = lookup(vars);
        std::panic::catch_unwind(|| support::redis_url_from("a_test", &env, port))
            .map_err(|panic| panic.downcast_ref::<String>().cloned().unwrap_or_default())
    };
    assert_eq!(url(&[]), Ok(None), "skipped");
    assert_eq!(url(&[("CI", "false"), ("CONDUCTOR_REDIS_REQUIRED", "0")]), Ok(None));
    let failure = url(&[("CONDUCTOR_REDIS_REQUIRED", "1")]).unwrap_err();
    assert!(
        failure.contains("no Redis server for a_test") && failure.ends_with("required: CONDUCTOR_REDIS_REQUIRED=1"),
        "{failure}"
    );
    let failure = url(&[("CI", "true")]).unwrap_err();
    assert!(failure.ends_with("required: CI is set"), "{failure}");
    assert_eq!(
        url(&[("CI", "true"), ("CONDUCTOR_REDIS_URL", "redis://127.0.0.1:1")]),
        Ok(Some("redis://127.0.0.1:1".to_owned())),
        "a server named is used, not looked for"
    );
}

/// A `MakeWriter` collecting log output.
#[derive(Clone, Default)]
struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_outage_is_logged_once() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::WARN)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            // Retried at every request, failing every time.
            let url = format!("redis://127.0.0.1:{}", support::closed_port());
            let backend = RedisBackend::new(&url)
                .unwrap()
                .timeout(TIMEOUT)
                .retry_after(Duration::ZERO);
            let limiter = RedisRateLimiter::new(Arc::new(backend), "t").on_failure(FailureMode::Open);
            for _ in 0..5 {
                let _permit = limiter.acquire(key()).await.unwrap();
            }
        });
    });
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(log.matches("follow their failure mode").count(), 1, "{log}");
}
