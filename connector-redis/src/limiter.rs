//! [`RedisRateLimiter`]: GCRA kept in Redis, so every process configured with the same key
//! prefix draws on one budget.
//!
//! Each bucket (the default one and one per named group) is a Redis hash at
//! `{prefix}:bucket:{name}` holding the theoretical arrival time of the next request (`tat`)
//! and, when a server said its budget is spent, the time until which every worker holds its
//! requests (`paused`), both in microseconds of the Redis server's clock — so the workers'
//! own clocks never disagree about the budget. One Lua script reads, decides and books a slot
//! atomically; a request that would wait longer than the maximum is refused without booking.
//! The hash expires once it no longer matters. The scripts read `TIME` before writing, so they
//! replicate their effects (the default from Redis 5; asked for explicitly for 3.2 and 4).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use connector_runtime::{
    AcquireFuture, Clock, LimitError, LimitKey, LocalRateLimiter, Permit, Quota, RateLimiter, SystemClock,
};
use redis::Script;
use reqwest::header::HeaderMap;

use crate::backend::{FailureMode, RedisBackend};

/// Books the next slot of a bucket. KEYS[1]: the bucket. ARGV: interval, tolerance and the
/// longest wait allowed, in µs. Returns `{1, wait_us}` when booked, `{0, wait_us}` when the
/// wait is too long (nothing booked).
const ACQUIRE: &str = r"
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tat', 'paused')
local tat = tonumber(state[1]) or 0
local paused = tonumber(state[2]) or 0
local start = math.max(now, paused)
local ready = start
local next_tat = tat
if interval > 0 then
  local base = math.max(tat, start)
  ready = math.max(base - tolerance, start)
  next_tat = base + interval
end
local wait = ready - now
if wait > max_wait then
  return {0, wait}
end
if interval > 0 then
  redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', next_tat))
  local last = math.max(next_tat, paused)
  redis.call('PEXPIRE', KEYS[1], math.ceil((last - now) / 1000) + 1000)
end
return {1, wait}
";

/// Holds a bucket: KEYS[1]: the bucket; ARGV[1]: for how long, in µs. Never shortens a
/// pause already set.
const PAUSE: &str = r"
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pause_end = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
if pause_end > paused then
  redis.call('HSET', KEYS[1], 'paused', string.format('%.0f', pause_end))
  local need = math.ceil((pause_end - now) / 1000) + 1000
  if redis.call('PTTL', KEYS[1]) < need then
    redis.call('PEXPIRE', KEYS[1], need)
  end
end
return 1
";

/// Reads how long a bucket is paused for, in µs (0 when it is not).
const PAUSED_FOR: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = tonumber(redis.call('HGET', KEYS[1], 'paused')) or 0
return math.max(0, paused - now)
";

/// The longest pause a server's headers can set (longer ones are cut to this; they fail calls
/// as too long a wait anyway).
const LONGEST_PAUSE: Duration = Duration::from_secs(86_400);

#[derive(Debug, Clone)]
struct Bucket {
    key: String,
    /// `(interval, tolerance)`; `None`: no quota, only the server's pauses.
    gcra: Option<(Duration, Duration)>,
}

impl Bucket {
    fn new(prefix: &str, name: &str, quota: Option<Quota>) -> Self {
        Self {
            key: format!("{prefix}:bucket:{name}"),
            gcra: quota.map(|quota| {
                let interval = quota.interval();
                (interval, interval.saturating_mul(quota.burst.max(1) - 1))
            }),
        }
    }
}

/// A [`RateLimiter`] whose budget lives in Redis: every limiter (in any process, on any
/// machine) built with the same backend server and key prefix shares it.
///
/// - **GCRA** per bucket, booked by one atomic script: the default bucket and one per named
///   group, as with [`LocalRateLimiter`]; an unknown group uses the default bucket. Every
///   worker must configure the same quotas for a prefix (the script uses the caller's).
/// - **Adaptive**: when a response says the server's budget is spent (`X-RateLimit-Remaining:
///   0` with a reset, `RateLimit: r=0`, a 429 or a 403 with `Retry-After`), the pause is
///   written to the shared bucket, so every worker holds its requests until the reset, not
///   only the one that saw it. The write is made in the background: a request another task
///   sends in the same instant may still go.
/// - **Failures**: every Redis command is bounded by the backend's timeout. With
///   [`FailureMode::Open`] (the default) a request then goes through the in-process fallback
///   limiter (by default the same quotas, enforced per process); with
///   [`FailureMode::Closed`] it fails with [`LimitError::Backend`].
///
/// Not shared through Redis: the in-flight bound and quotas announced by `RateLimit-Policy`
/// (the fallback limiter applies them when it is in use).
pub struct RedisRateLimiter {
    backend: Arc<RedisBackend>,
    prefix: String,
    default: Bucket,
    groups: BTreeMap<String, Bucket>,
    max_wait: Duration,
    adaptive: bool,
    on_failure: FailureMode,
    fallback: LocalRateLimiter,
    clock: Arc<dyn Clock>,
    acquire: Arc<Script>,
    pause: Arc<Script>,
}

impl std::fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("backend", &self.backend)
            .field("prefix", &self.prefix)
            .field("groups", &self.groups.keys().collect::<Vec<_>>())
            .field("max_wait", &self.max_wait)
            .field("on_failure", &self.on_failure)
            .finish_non_exhaustive()
    }
}

impl RedisRateLimiter {
    /// A limiter on `backend` whose buckets are kept under `prefix` (e.g.
    /// `conductor:github:<account>`), with no quota: it only follows the server's headers,
    /// shared, until [`RedisRateLimiter::quota`] or [`RedisRateLimiter::group`]. Waits longer
    /// than 60 s are refused; Redis failures fail open.
    pub fn new(backend: Arc<RedisBackend>, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        Self {
            backend,
            default: Bucket::new(&prefix, "default", None),
            prefix,
            groups: BTreeMap::new(),
            max_wait: Duration::from_secs(60),
            adaptive: true,
            on_failure: FailureMode::Open,
            fallback: LocalRateLimiter::new(),
            clock: Arc::new(SystemClock),
            acquire: Arc::new(Script::new(ACQUIRE)),
            pause: Arc::new(Script::new(PAUSE)),
        }
    }

    fn with_fallback(mut self, change: impl FnOnce(LocalRateLimiter) -> LocalRateLimiter) -> Self {
        self.fallback = change(std::mem::take(&mut self.fallback));
        self
    }

    /// Limits requests outside any group to `quota`, shared by every worker.
    #[must_use]
    pub fn quota(mut self, quota: Quota) -> Self {
        self.default = Bucket::new(&self.prefix, "default", Some(quota));
        self.with_fallback(|local| local.quota(quota))
    }

    /// Gives the group `name` its own shared quota; its requests do not count against the
    /// default quota, and the server's signals on its responses pause only the group.
    #[must_use]
    pub fn group(mut self, name: impl Into<String>, quota: Quota) -> Self {
        let name = name.into();
        let bucket = Bucket::new(&self.prefix, &format!("group:{name}"), Some(quota));
        self.groups.insert(name.clone(), bucket);
        self.with_fallback(|local| local.group(name, quota))
    }

    /// The longest a request may be held (default 60 s); a longer wait fails the call with a
    /// rate-limited error carrying the wait.
    #[must_use]
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = max;
        self.with_fallback(|local| local.max_wait(max))
    }

    /// Whether to follow the server's rate-limit headers (default: yes).
    #[must_use]
    pub fn adaptive(mut self, adaptive: bool) -> Self {
        self.adaptive = adaptive;
        self.with_fallback(|local| local.adaptive(adaptive))
    }

    /// What to do when Redis fails (default [`FailureMode::Open`]).
    #[must_use]
    pub fn on_failure(mut self, mode: FailureMode) -> Self {
        self.on_failure = mode;
        self
    }

    /// The in-process limiter used while Redis fails in [`FailureMode::Open`]; by default one
    /// with the same quotas, groups and maximum wait, so N processes may then send up to N
    /// times the quota. Give one with a share of the quota (`quota / N`) to stay within it.
    /// Quotas and groups set afterwards are added to it.
    #[must_use]
    pub fn fallback(mut self, local: LocalRateLimiter) -> Self {
        self.fallback = local.clock(Arc::clone(&self.clock));
        self
    }

    /// Sleeps through this clock (the budget itself follows the Redis server's clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Arc::clone(&clock);
        self.with_fallback(|local| local.clock(clock))
    }

    fn bucket(&self, key: &LimitKey<'_>) -> &Bucket {
        key.group
            .and_then(|group| self.groups.get(group))
            .unwrap_or(&self.default)
    }

    /// How long the shared bucket of `group` (`None`: the default bucket) is paused for by a
    /// server's signal, as Redis sees it now.
    ///
    /// # Errors
    ///
    /// When Redis fails.
    pub async fn paused_for(&self, group: Option<&str>) -> Result<Duration, crate::BackendError> {
        let bucket = self.bucket(&LimitKey::new("", "", group));
        let micros: i64 = self.backend.eval(&Script::new(PAUSED_FOR), &[&bucket.key], &[]).await?;
        Ok(Duration::from_micros(u64::try_from(micros).unwrap_or(0)))
    }

    async fn acquire_shared(&self, key: LimitKey<'_>) -> Result<Permit, LimitError> {
        let bucket = self.bucket(&key);
        let (interval, tolerance) = bucket.gcra.unwrap_or_default();
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX).to_string();
        let args = [micros(interval), micros(tolerance), micros(self.max_wait)];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let booked: Result<(i64, i64), _> = self.backend.eval(&self.acquire, &[&bucket.key], &args).await;
        match booked {
            Ok((booked, wait)) => {
                let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(0));
                if booked != 1 {
                    return Err(LimitError::WaitTooLong(wait));
                }
                if !wait.is_zero() {
                    self.clock.sleep(wait).await;
                }
                Ok(Permit::new(wait, None))
            }
            Err(err) => match self.on_failure {
                FailureMode::Open => self.fallback.acquire(key).await,
                FailureMode::Closed => Err(LimitError::Backend(format!(
                    "the shared rate limit at {} is unavailable: {err}",
                    self.backend.address()
                ))),
            },
        }
    }
}

impl RateLimiter for RedisRateLimiter {
    fn acquire<'a>(&'a self, key: LimitKey<'a>) -> AcquireFuture<'a> {
        Box::pin(self.acquire_shared(key))
    }

    fn observe(&self, key: LimitKey<'_>, status: u16, headers: &HeaderMap) {
        if !self.adaptive {
            return;
        }
        // The fallback learns too, so it is ready if Redis fails.
        self.fallback.observe(key, status, headers);
        let Some(hold) = connector_runtime::server_hold(status, headers, self.clock.system_now()) else {
            return;
        };
        let hold = hold.min(LONGEST_PAUSE);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::debug!("no tokio runtime: the server's pause is kept locally only");
            return;
        };
        tracing::debug!(
            operation = key.operation,
            group = key.group,
            hold_ms = u64::try_from(hold.as_millis()).unwrap_or(u64::MAX),
            "the server's rate limit is spent; holding every worker's requests"
        );
        let backend = Arc::clone(&self.backend);
        let script = Arc::clone(&self.pause);
        let bucket = self.bucket(&key).key.clone();
        runtime.spawn(async move {
            let micros = hold.as_micros().to_string();
            let written: Result<i64, _> = backend.eval(&script, &[&bucket], &[&micros]).await;
            if let Err(err) = written {
                tracing::debug!(error = %err, "the server's pause could not be shared");
            }
        });
    }
}
