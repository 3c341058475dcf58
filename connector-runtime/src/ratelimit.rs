//! Client-side rate limiting: an async [`RateLimiter`] trait (so a shared backend such as
//! Redis can implement it), and [`LocalRateLimiter`], the in-process default every clone of a
//! client shares.
//!
//! The local limiter runs GCRA (the generic cell rate algorithm) per bucket: the client's
//! default bucket and one per named group (GitHub's search API allows 30 requests a minute,
//! beside the core quota). It also bounds the number of requests in flight, and adapts to the
//! server: when a response says the budget is spent (`X-RateLimit-Remaining: 0`,
//! `RateLimit: r=0`, a 429 or GitHub's 403 with `Retry-After`) further requests of that bucket
//! are held until the reset; when the server announces a stricter quota
//! (`RateLimit-Policy: 30;w=60`) the bucket adopts it. All waiting goes through the
//! injected [`Clock`], so tests need no real time.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;

use crate::clock::{Clock, SystemClock};

/// A quota: `requests` per `period`, in bursts of at most `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quota {
    /// Requests allowed per period.
    pub requests: u32,
    /// The period.
    pub period: Duration,
    /// The largest burst sent at once (at least 1); by default 1, i.e. requests are spread
    /// evenly over the period.
    pub burst: u32,
}

impl Quota {
    /// `requests` per `period`, evenly spread (burst 1). Zero requests means one.
    pub fn new(requests: u32, period: Duration) -> Self {
        Self {
            requests: requests.max(1),
            period,
            burst: 1,
        }
    }

    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(1))
    }

    /// `requests` per minute.
    pub fn per_minute(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(60))
    }

    /// `requests` per hour.
    pub fn per_hour(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(3600))
    }

    /// Allows bursts of up to `burst` requests at once.
    #[must_use]
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }

    /// The time between two requests at the sustained rate.
    pub fn interval(&self) -> Duration {
        self.period / self.requests.max(1)
    }
}

/// The request a limiter is asked about.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LimitKey<'a> {
    /// The `operationId`.
    pub operation: &'a str,
    /// The path template.
    pub path: &'a str,
    /// The group the client assigned the operation to, if any.
    pub group: Option<&'a str>,
}

impl<'a> LimitKey<'a> {
    /// A key for `operation` at `path` in `group`.
    pub fn new(operation: &'a str, path: &'a str, group: Option<&'a str>) -> Self {
        Self { operation, path, group }
    }
}

/// Leave to send one request; hold it until the response has been read.
#[must_use = "dropping the permit ends the request's slot at once"]
pub struct Permit {
    waited: Duration,
    _guard: Option<Box<dyn Send + Sync>>,
}

impl Permit {
    /// A permit granted after waiting `waited`, holding `guard` (e.g. a semaphore permit or a
    /// lease in a shared store) until it is dropped.
    pub fn new(waited: Duration, guard: Option<Box<dyn Send + Sync>>) -> Self {
        Self { waited, _guard: guard }
    }

    /// How long the request waited for the limiter.
    pub fn waited(&self) -> Duration {
        self.waited
    }
}

impl std::fmt::Debug for Permit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Permit")
            .field("waited", &self.waited)
            .finish_non_exhaustive()
    }
}

/// Why a limiter refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitError {
    /// The request would have to wait this long, more than the limiter allows.
    WaitTooLong(Duration),
    /// The limiter's backend failed.
    Backend(String),
}

impl std::fmt::Display for LimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::WaitTooLong(wait) => write!(f, "the rate limit would hold the request for {wait:?}"),
            Self::Backend(message) => write!(f, "the rate limiter failed: {message}"),
        }
    }
}

impl std::error::Error for LimitError {}

/// The future [`RateLimiter::acquire`] returns.
pub type AcquireFuture<'a> = Pin<Box<dyn Future<Output = Result<Permit, LimitError>> + Send + 'a>>;

/// A rate limiter the client asks before each attempt and tells about each response.
pub trait RateLimiter: Send + Sync + 'static {
    /// Waits until the request may be sent.
    ///
    /// # Errors
    ///
    /// When the request would wait too long, or the backend fails; the call then fails with
    /// [`crate::ErrorKind::RateLimited`] and nothing is sent.
    fn acquire<'a>(&'a self, key: LimitKey<'a>) -> AcquireFuture<'a>;

    /// A permit granted at once, when the limiter can tell without waiting or booking
    /// anything that the request may go (e.g. it has no quota and the server has not asked
    /// it to hold requests); the client then does not call [`RateLimiter::acquire`]. `None`
    /// (the default) sends the request through `acquire`.
    fn permit_now(&self, key: LimitKey<'_>) -> Option<Permit> {
        let _ = key;
        None
    }

    /// Learns from a response's status and headers (remaining budget, reset, policy).
    fn observe(&self, key: LimitKey<'_>, status: u16, headers: &HeaderMap);
}

/// GCRA state: the theoretical arrival time of the next request.
#[derive(Debug, Clone, Copy)]
struct Gcra {
    interval: Duration,
    /// How far ahead of schedule a request may go: `interval × (burst − 1)`.
    tolerance: Duration,
    tat: Option<Instant>,
}

impl Gcra {
    fn new(quota: Quota) -> Self {
        let interval = quota.interval();
        Self {
            interval,
            tolerance: interval.saturating_mul(quota.burst.max(1) - 1),
            tat: None,
        }
    }

    /// When a request arriving at `now` may go; `commit` books it.
    fn ready_at(&self, now: Instant) -> (Instant, Instant) {
        let tat = self.tat.map_or(now, |tat| tat.max(now));
        let allowed = tat.checked_sub(self.tolerance).unwrap_or(now).max(now);
        (allowed, tat + self.interval)
    }
}

#[derive(Debug, Default)]
struct Bucket {
    gcra: Option<Gcra>,
    paused_until: Option<Instant>,
    /// The quota the server announced and we adopted, to avoid re-adopting it each response.
    adopted: Option<(u64, Duration)>,
}

/// The in-process rate limiter: GCRA per bucket, a bound on requests in flight, and adaptive
/// pauses from the server's headers. Build it with the client builder's rate-limit methods,
/// or directly to share one limiter between clients.
pub struct LocalRateLimiter {
    clock: Arc<dyn Clock>,
    default: Mutex<Bucket>,
    groups: BTreeMap<String, Mutex<Bucket>>,
    in_flight: Option<Arc<tokio::sync::Semaphore>>,
    adaptive: bool,
    max_wait: Duration,
    /// Whether any request may have to wait: a quota or an in-flight bound is configured, or
    /// the server's headers paused a bucket or announced a quota. Until then every request
    /// goes at once and the buckets are not locked.
    engaged: AtomicBool,
}

impl std::fmt::Debug for LocalRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalRateLimiter")
            .field("groups", &self.groups.keys().collect::<Vec<_>>())
            .field("adaptive", &self.adaptive)
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

impl Default for LocalRateLimiter {
    fn default() -> Self {
        Self::new()
    }
}

impl LocalRateLimiter {
    /// A limiter with no quota and no in-flight bound that only adapts to the server; waits
    /// longer than 60 s are refused.
    pub fn new() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            default: Mutex::default(),
            groups: BTreeMap::new(),
            in_flight: None,
            adaptive: true,
            max_wait: Duration::from_secs(60),
            engaged: AtomicBool::new(false),
        }
    }

    /// Limits requests outside any group to `quota`.
    #[must_use]
    pub fn quota(mut self, quota: Quota) -> Self {
        lock(&self.default).gcra = Some(Gcra::new(quota));
        *self.engaged.get_mut() = true;
        self
    }

    /// Gives the group `name` its own quota; its requests do not count against the default
    /// quota, and the server's signals on its responses pause only the group.
    #[must_use]
    pub fn group(mut self, name: impl Into<String>, quota: Quota) -> Self {
        let bucket = Bucket {
            gcra: Some(Gcra::new(quota)),
            ..Bucket::default()
        };
        self.groups.insert(name.into(), Mutex::new(bucket));
        *self.engaged.get_mut() = true;
        self
    }

    /// Allows at most `max` requests in flight at once.
    #[must_use]
    pub fn max_in_flight(mut self, max: usize) -> Self {
        self.in_flight = Some(Arc::new(tokio::sync::Semaphore::new(max.max(1))));
        *self.engaged.get_mut() = true;
        self
    }

    /// Whether to follow the server's rate-limit headers (default: yes).
    #[must_use]
    pub fn adaptive(mut self, adaptive: bool) -> Self {
        self.adaptive = adaptive;
        self
    }

    /// The longest a request may be held (default 60 s); a longer wait fails the call with a
    /// rate-limited error carrying the wait.
    #[must_use]
    pub fn max_wait(mut self, max: Duration) -> Self {
        self.max_wait = max;
        self
    }

    /// Uses this clock for waiting (tests use [`crate::ManualClock`]).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn bucket(&self, key: &LimitKey<'_>) -> &Mutex<Bucket> {
        key.group
            .and_then(|group| self.groups.get(group))
            .unwrap_or(&self.default)
    }

    /// Books the next slot of the key's bucket, or refuses it without booking.
    /// `None` when the request may go at once without booking anything.
    fn reserve(&self, key: &LimitKey<'_>) -> Result<Option<(Instant, Instant)>, LimitError> {
        let mut bucket = lock(self.bucket(key));
        if bucket.gcra.is_none() && bucket.paused_until.is_none() {
            return Ok(None);
        }
        let now = self.clock.now();
        if bucket.paused_until.is_some_and(|until| until <= now) {
            bucket.paused_until = None;
        }
        let start = bucket.paused_until.map_or(now, |until| until.max(now));
        let (ready, next_tat) = match &bucket.gcra {
            Some(gcra) => gcra.ready_at(start),
            None => (start, start),
        };
        let wait = ready.saturating_duration_since(now);
        if wait > self.max_wait {
            return Err(LimitError::WaitTooLong(wait));
        }
        if let Some(gcra) = &mut bucket.gcra {
            gcra.tat = Some(next_tat);
        }
        Ok(Some((now, ready)))
    }
}

fn lock(bucket: &Mutex<Bucket>) -> std::sync::MutexGuard<'_, Bucket> {
    bucket.lock().unwrap_or_else(PoisonError::into_inner)
}

impl RateLimiter for LocalRateLimiter {
    fn acquire<'a>(&'a self, key: LimitKey<'a>) -> AcquireFuture<'a> {
        Box::pin(async move {
            let mut waited = Duration::ZERO;
            if let Some((asked, ready)) = self.reserve(&key)? {
                waited = ready.saturating_duration_since(asked);
                if ready > asked {
                    self.clock.sleep_until(ready).await;
                }
            }
            let guard: Option<Box<dyn Send + Sync>> = match &self.in_flight {
                Some(semaphore) => {
                    let queued = self.clock.now();
                    let permit = Arc::clone(semaphore)
                        .acquire_owned()
                        .await
                        .map_err(|_| LimitError::Backend("the in-flight limit was closed".to_owned()))?;
                    waited += self.clock.now().saturating_duration_since(queued);
                    Some(Box::new(permit))
                }
                None => None,
            };
            Ok(Permit::new(waited, guard))
        })
    }

    fn permit_now(&self, _key: LimitKey<'_>) -> Option<Permit> {
        (!self.engaged.load(Ordering::Acquire)).then(|| Permit::new(Duration::ZERO, None))
    }

    fn observe(&self, key: LimitKey<'_>, status: u16, headers: &HeaderMap) {
        if !self.adaptive {
            return;
        }
        // Most responses carry none of the headers read here: skip the clock and the lock.
        let relevant = matches!(status, 403 | 429) || crate::limit_headers::has_budget_header(headers);
        if !relevant {
            return;
        }
        let budget = crate::limit_headers::read(status, headers, self.clock.system_now());
        let now = self.clock.now();
        let mut bucket = lock(self.bucket(&key));
        if let Some(hold) = budget.hold() {
            // A day bounds absurd values (they fail the call as too long a wait anyway) and
            // keeps the addition from overflowing.
            let until = now + hold.min(Duration::from_secs(86_400));
            if bucket.paused_until.is_none_or(|current| current < until) {
                tracing::debug!(
                    operation = key.operation,
                    group = key.group,
                    hold_ms = hold.as_millis() as u64,
                    "the server's rate limit is spent; holding requests"
                );
                bucket.paused_until = Some(until);
                self.engaged.store(true, Ordering::Release);
            }
        }
        if let Some((requests, window)) = budget.policy {
            if bucket.adopted == Some((requests, window)) {
                return;
            }
            let announced = Gcra::new(Quota {
                requests: u32::try_from(requests).unwrap_or(u32::MAX),
                period: window,
                burst: u32::try_from(requests).unwrap_or(u32::MAX),
            });
            let stricter = bucket.gcra.is_none_or(|current| announced.interval > current.interval);
            if stricter {
                let tat = bucket.gcra.and_then(|g| g.tat);
                bucket.gcra = Some(Gcra { tat, ..announced });
                self.engaged.store(true, Ordering::Release);
            }
            bucket.adopted = Some((requests, window));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use reqwest::header::HeaderValue;

    fn key(group: Option<&str>) -> LimitKey<'_> {
        LimitKey::new("op", "/p", group)
    }

    #[tokio::test]
    async fn gcra_allows_the_burst_then_spaces_requests() {
        let clock = ManualClock::new();
        let limiter = LocalRateLimiter::new()
            .clock(Arc::new(clock.clone()))
            .quota(Quota::per_second(2).burst(3));
        for _ in 0..7 {
            let _permit = limiter.acquire(key(None)).await.unwrap();
        }
        let ms = |v: u64| Duration::from_millis(v);
        assert_eq!(clock.wakeups(), vec![ms(500), ms(1000), ms(1500), ms(2000)]);
    }

    #[tokio::test]
    async fn groups_have_their_own_quota() {
        let clock = ManualClock::new();
        let limiter = LocalRateLimiter::new()
            .clock(Arc::new(clock.clone()))
            .quota(Quota::per_second(100).burst(100))
            .group("search", Quota::per_minute(30));
        let _a = limiter.acquire(key(Some("search"))).await.unwrap();
        let _b = limiter.acquire(key(None)).await.unwrap();
        let _c = limiter.acquire(key(Some("search"))).await.unwrap();
        assert_eq!(clock.wakeups(), vec![Duration::from_secs(2)]);
        // An unknown group falls back to the default bucket.
        let _d = limiter.acquire(key(Some("nope"))).await.unwrap();
        assert_eq!(clock.wakeups().len(), 1);
    }

    #[tokio::test]
    async fn spent_budget_holds_the_bucket_until_reset() {
        let clock = ManualClock::new();
        let limiter = LocalRateLimiter::new().clock(Arc::new(clock.clone()));
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("5"));
        limiter.observe(key(None), 200, &headers);
        let permit = limiter.acquire(key(Some("other"))).await.unwrap();
        assert_eq!(permit.waited(), Duration::from_secs(5));
        // Once the reset has passed, requests flow again.
        let permit = limiter.acquire(key(None)).await.unwrap();
        assert_eq!(permit.waited(), Duration::ZERO);
    }

    #[tokio::test]
    async fn permits_at_once_only_until_something_can_make_a_request_wait() {
        let clock = ManualClock::new();
        let limiter = LocalRateLimiter::new().clock(Arc::new(clock.clone()));
        assert!(limiter.permit_now(key(None)).is_some(), "no quota, nothing observed");
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("7"));
        limiter.observe(key(None), 200, &headers);
        assert!(limiter.permit_now(key(None)).is_some(), "budget left: nothing to hold");
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("5"));
        limiter.observe(key(None), 200, &headers);
        assert!(limiter.permit_now(key(None)).is_none(), "a pause goes through acquire");
        assert_eq!(
            limiter.acquire(key(None)).await.unwrap().waited(),
            Duration::from_secs(5)
        );

        let mut policy = HeaderMap::new();
        policy.insert("ratelimit-policy", HeaderValue::from_static("10;w=60"));
        let adopting = LocalRateLimiter::new().clock(Arc::new(ManualClock::new()));
        adopting.observe(key(None), 200, &policy);
        assert!(adopting.permit_now(key(None)).is_none(), "an adopted quota");
        for configured in [
            LocalRateLimiter::new().quota(Quota::per_second(1)),
            LocalRateLimiter::new().group("search", Quota::per_minute(30)),
            LocalRateLimiter::new().max_in_flight(4),
        ] {
            assert!(configured.permit_now(key(None)).is_none(), "{configured:?}");
        }
    }

    #[tokio::test]
    async fn a_wait_beyond_the_maximum_is_refused_without_booking() {
        let clock = ManualClock::new();
        let limiter = LocalRateLimiter::new()
            .clock(Arc::new(clock.clone()))
            .max_wait(Duration::from_secs(10));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("3600"));
        limiter.observe(key(None), 429, &headers);
        let err = limiter.acquire(key(None)).await.unwrap_err();
        assert_eq!(err, LimitError::WaitTooLong(Duration::from_secs(3600)));
        assert!(clock.sleeps().is_empty());
    }

    #[tokio::test]
    async fn absurd_waits_do_not_overflow() {
        let limiter = LocalRateLimiter::new().clock(Arc::new(ManualClock::new()));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("18446744073709551615"));
        headers.insert("x-ratelimit-remaining", HeaderValue::from_static("0"));
        headers.insert("x-ratelimit-reset", HeaderValue::from_static("18446744073709551615"));
        limiter.observe(key(None), 429, &headers);
        let err = limiter.acquire(key(None)).await.unwrap_err();
        assert_eq!(err, LimitError::WaitTooLong(Duration::from_secs(86_400)));
    }

    #[tokio::test]
    async fn adopts_a_stricter_announced_policy() {
        let clock = ManualClock::new();
        let limiter = LocalRateLimiter::new()
            .clock(Arc::new(clock.clone()))
            .quota(Quota::per_second(10).burst(1));
        let mut headers = HeaderMap::new();
        headers.insert("ratelimit-policy", HeaderValue::from_static("2;w=1"));
        limiter.observe(key(None), 200, &headers);
        for _ in 0..4 {
            let _permit = limiter.acquire(key(None)).await.unwrap();
        }
        // Burst of 2 (the announced window), then one every 500 ms.
        let ms = |v: u64| Duration::from_millis(v);
        assert_eq!(clock.wakeups(), vec![ms(500), ms(1000)]);
    }

    #[tokio::test]
    async fn bounds_requests_in_flight() {
        let limiter = LocalRateLimiter::new().max_in_flight(1);
        let first = limiter.acquire(key(None)).await.unwrap();
        let second = limiter.acquire(key(None));
        tokio::pin!(second);
        assert!(futures_util::FutureExt::now_or_never(second.as_mut()).is_none());
        drop(first);
        assert!(second.await.is_ok());
    }
}
