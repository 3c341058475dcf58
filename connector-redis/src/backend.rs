//! The connection to Redis shared by the limiter and the token store: connected lazily,
//! every command bounded by a timeout, and after a failure left alone for a while so an
//! outage costs one failed attempt per `retry_after`, not one per request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, FromRedisValue, Script};

/// What to do when Redis cannot be reached, or does not answer within the timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FailureMode {
    /// Carry on without Redis: the limiter falls back to its in-process
    /// [`connector_runtime::LocalRateLimiter`] and the token store to memory (with no lock
    /// between processes), so each process enforces the quota on its own until Redis is back.
    /// The outage is logged once (a `warn`), and its end once (an `info`). The default.
    #[default]
    Open,
    /// Fail: the limiter refuses the request with [`connector_runtime::LimitError::Backend`]
    /// (the call fails as rate limited, nothing is sent) and the token store fails with a
    /// [`connector_runtime::TokenErrorKind::Store`] error.
    Closed,
}

/// Why a Redis command failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// The URL given to [`RedisBackend::new`] is not a Redis URL.
    #[error("invalid Redis URL: {0}")]
    Config(String),
    /// Redis did not answer (or accept the connection) within the timeout.
    #[error("Redis did not answer within {0:?}")]
    Timeout(Duration),
    /// Redis could not be reached; after a failure it is not tried again for a while.
    #[error("Redis is unreachable: {0}")]
    Unavailable(String),
    /// Redis answered with an error (a script error, a wrong type at a key).
    #[error("Redis refused the command: {0}")]
    Command(String),
}

impl BackendError {
    /// Whether Redis was too slow.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout(_))
    }
}

/// A connection to one Redis server, shared (through an `Arc`) by every
/// [`crate::RedisRateLimiter`] and [`crate::RedisTokenStore`] of a process.
///
/// It connects on first use, bounds every command (connecting included) by
/// [`RedisBackend::timeout`], and after a failure does not try again for
/// [`RedisBackend::retry_after`]: meanwhile commands fail at once with
/// [`BackendError::Unavailable`], so callers fall back (or fail) without waiting.
pub struct RedisBackend {
    client: redis::Client,
    address: String,
    connection: Mutex<Option<MultiplexedConnection>>,
    /// Serialises connection attempts, so a burst of requests makes one.
    connecting: tokio::sync::Mutex<()>,
    timeout: Duration,
    retry_after: Duration,
    down_until: Mutex<Option<Instant>>,
    failing: AtomicBool,
}

impl std::fmt::Debug for RedisBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBackend")
            .field("address", &self.address)
            .field("timeout", &self.timeout)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl RedisBackend {
    /// A backend for the server at `url` (`redis://127.0.0.1:6379/0`, with
    /// `redis://:password@host` for a password). Nothing is connected yet. Commands time out
    /// after 200 ms; after a failure Redis is tried again after 1 s.
    ///
    /// # Errors
    ///
    /// [`BackendError::Config`] when `url` is not a Redis URL.
    pub fn new(url: &str) -> Result<Self, BackendError> {
        let client = redis::Client::open(url).map_err(|e| BackendError::Config(e.to_string()))?;
        let address = client.get_connection_info().addr().to_string();
        Ok(Self {
            client,
            address,
            connection: Mutex::new(None),
            connecting: tokio::sync::Mutex::new(()),
            timeout: Duration::from_millis(200),
            retry_after: Duration::from_secs(1),
            down_until: Mutex::new(None),
            failing: AtomicBool::new(false),
        })
    }

    /// The longest any command may take, connecting included (default 200 ms). A request
    /// never waits longer than this for Redis, whatever the failure mode.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long to leave Redis alone after a failure (default 1 s).
    #[must_use]
    pub fn retry_after(mut self, pause: Duration) -> Self {
        self.retry_after = pause;
        self
    }

    /// The server's address (without credentials).
    pub fn address(&self) -> &str {
        &self.address
    }

    /// Runs `script` with `keys` and `args`.
    pub(crate) async fn eval<T: FromRedisValue>(
        &self,
        script: &Script,
        keys: &[&str],
        args: &[&str],
    ) -> Result<T, BackendError> {
        let mut invocation = script.prepare_invoke();
        for key in keys {
            invocation.key(*key);
        }
        for arg in args {
            invocation.arg(*arg);
        }
        let deadline = self.deadline();
        let mut connection = self.connection(deadline).await?;
        let result = tokio::time::timeout_at(deadline, invocation.invoke_async(&mut connection)).await;
        self.settle(result)
    }

    /// Runs `command`.
    pub(crate) async fn query<T: FromRedisValue>(&self, command: &redis::Cmd) -> Result<T, BackendError> {
        let deadline = self.deadline();
        let mut connection = self.connection(deadline).await?;
        let result = tokio::time::timeout_at(deadline, command.query_async(&mut connection)).await;
        self.settle(result)
    }

    /// When a command started now must be done: one timeout for connecting and the command
    /// together, so a slow connection leaves the command only what is left of it.
    fn deadline(&self) -> tokio::time::Instant {
        tokio::time::Instant::now() + self.timeout
    }

    fn settle<T>(&self, result: Result<redis::RedisResult<T>, tokio::time::error::Elapsed>) -> Result<T, BackendError> {
        match result {
            Ok(Ok(value)) => {
                self.recovered();
                Ok(value)
            }
            Err(_) => Err(self.failed(BackendError::Timeout(self.timeout))),
            Ok(Err(err)) if is_connection_error(&err) => Err(self.failed(BackendError::Unavailable(err.to_string()))),
            Ok(Err(err)) => Err(BackendError::Command(err.to_string())),
        }
    }

    /// The shared connection, connecting first if there is none, by `deadline`.
    async fn connection(&self, deadline: tokio::time::Instant) -> Result<MultiplexedConnection, BackendError> {
        if let Some(connection) = self.cached() {
            return Ok(connection);
        }
        self.check_down()?;
        let Ok(_connecting) = tokio::time::timeout_at(deadline, self.connecting.lock()).await else {
            return Err(BackendError::Timeout(self.timeout));
        };
        // Another request may have connected (or failed) while this one waited.
        if let Some(connection) = self.cached() {
            return Ok(connection);
        }
        self.check_down()?;
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(left))
            .set_response_timeout(Some(self.timeout));
        let attempt = self.client.get_multiplexed_async_connection_with_config(&config);
        match tokio::time::timeout_at(deadline, attempt).await {
            Ok(Ok(connection)) => {
                *lock(&self.connection) = Some(connection.clone());
                Ok(connection)
            }
            Ok(Err(err)) => Err(self.failed(BackendError::Unavailable(err.to_string()))),
            Err(_) => Err(self.failed(BackendError::Timeout(self.timeout))),
        }
    }

    fn cached(&self) -> Option<MultiplexedConnection> {
        lock(&self.connection).clone()
    }

    fn check_down(&self) -> Result<(), BackendError> {
        match *lock(&self.down_until) {
            Some(until) if Instant::now() < until => Err(BackendError::Unavailable(format!(
                "{} failed recently; trying again in {:?}",
                self.address,
                until.saturating_duration_since(Instant::now())
            ))),
            _ => Ok(()),
        }
    }

    /// Records a failure: drops the connection, leaves Redis alone for a while, logs once.
    fn failed(&self, err: BackendError) -> BackendError {
        *lock(&self.connection) = None;
        *lock(&self.down_until) = Some(Instant::now() + self.retry_after);
        if !self.failing.swap(true, Ordering::AcqRel) {
            tracing::warn!(
                address = %self.address,
                error = %err,
                "Redis is unreachable; shared rate limits and tokens follow their failure mode until it is back"
            );
        }
        err
    }

    fn recovered(&self) {
        if self.failing.swap(false, Ordering::AcqRel) {
            tracing::info!(address = %self.address, "Redis is reachable again");
        }
    }

    /// Whether the last command failed to reach Redis.
    pub fn is_failing(&self) -> bool {
        self.failing.load(Ordering::Acquire)
    }
}

fn is_connection_error(err: &redis::RedisError) -> bool {
    err.is_io_error()
        || err.is_timeout()
        || err.is_connection_dropped()
        || err.is_connection_refusal()
        || err.is_unrecoverable_error()
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
