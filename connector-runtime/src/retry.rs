//! Retries as a policy: which failures are retried, how long to wait, and when to stop.
//!
//! [`RetryPolicy::decide`] is a pure function of the attempt's outcome, so every rule is
//! testable without a clock. Writes are never duplicated: a request whose method is not
//! idempotent is retried only when it carries an idempotency key, or when the server provably
//! did not process it (the connection failed before the request was sent, or a 429).

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// Statuses retried by default.
const DEFAULT_RETRY_STATUSES: &[u16] = &[408, 425, 429, 500, 502, 503, 504];

pub(crate) fn is_retryable_status(status: u16) -> bool {
    DEFAULT_RETRY_STATUSES.contains(&status)
}

/// How a client retries failed attempts.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_elapsed: Duration,
    max_server_wait: Duration,
    statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
            max_server_wait: Duration::from_secs(60),
            statuses: DEFAULT_RETRY_STATUSES.to_vec(),
        }
    }
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The connection failed before the request was written: the server never saw it.
    NotSent,
    /// The attempt timed out; the server may have processed it.
    Timeout,
    /// The connection broke after the request was written; the server may have processed it.
    Interrupted,
    /// The server answered with this status, possibly with a hint of how long to wait.
    Status(u16, Option<Duration>),
}

/// The policy's verdict on a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Stop and report the failure.
    GiveUp,
    /// The server asked for a wait longer than the policy allows: stop and report it.
    WaitTooLong(Duration),
}

impl RetryPolicy {
    /// The default policy: 3 attempts, backoff from 200 ms up to 10 s with full jitter, at most
    /// 60 s in all, server hints honoured up to 60 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the maximum number of attempts, the first included (at least 1).
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff's first delay and its cap.
    #[must_use]
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = cap.max(base);
        self
    }

    /// Sets the longest time a call may spend, waits included, before it stops retrying.
    #[must_use]
    pub fn max_elapsed(mut self, limit: Duration) -> Self {
        self.max_elapsed = limit;
        self
    }

    /// Sets the longest server-requested wait (`Retry-After` and friends) that is honoured;
    /// a longer hint ends the call with a rate-limited error carrying the wait.
    #[must_use]
    pub fn max_server_wait(mut self, limit: Duration) -> Self {
        self.max_server_wait = limit;
        self
    }

    /// Replaces the set of statuses that are retried.
    #[must_use]
    pub fn retry_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// The maximum number of attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before attempt `retry + 1` (`retry` counts from 0), for a uniform random
    /// `jitter` in `[0, 1)`: "full jitter" over `min(cap, base × 2^retry)`.
    pub fn backoff_delay(&self, retry: u32, jitter: f64) -> Duration {
        let exponential = self.base_delay.saturating_mul(2u32.saturating_pow(retry.min(30)));
        let ceiling = exponential.min(self.max_delay);
        ceiling.mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// Decides what to do after attempt number `attempt` (1-based) failed with `outcome`.
    ///
    /// `replayable` says whether a retry would not duplicate a write: the method is
    /// idempotent or the request carries an idempotency key, and its body can be sent again.
    pub fn decide(&self, attempt: u32, outcome: Outcome, replayable: bool, elapsed: Duration, jitter: f64) -> Decision {
        let (retryable, hint) = match outcome {
            Outcome::NotSent => (true, None),
            Outcome::Timeout | Outcome::Interrupted => (replayable, None),
            // GitHub's secondary rate limits answer 403 with a wait: a refusal like a 429.
            Outcome::Status(403, Some(hint)) => (self.statuses.contains(&429), Some(hint)),
            Outcome::Status(status, hint) => {
                let listed = self.statuses.contains(&status);
                // A 429 says the server did not process the request.
                let safe = replayable || status == 429;
                (listed && safe, hint)
            }
        };
        if !retryable {
            return Decision::GiveUp;
        }
        if let Some(hint) = hint {
            if hint > self.max_server_wait {
                return Decision::WaitTooLong(hint);
            }
        }
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        let wait = hint.unwrap_or_else(|| self.backoff_delay(attempt - 1, jitter));
        if elapsed.saturating_add(wait) > self.max_elapsed {
            return Decision::GiveUp;
        }
        Decision::Retry(wait)
    }
}

/// Reads the server's hint of how long to wait: `retry-after-ms`, `Retry-After` (seconds or
/// an HTTP date), or — when the remaining budget is 0 — `X-RateLimit-Reset` /
/// `RateLimit-Reset` / `RateLimit: r=0;t=..` (epoch seconds or seconds from now).
/// Unparseable values are ignored.
pub fn server_wait_hint(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    crate::limit_headers::retry_after(headers, now).or_else(|| {
        let budget = crate::limit_headers::read(0, headers, now);
        match (budget.remaining, budget.reset) {
            (Some(0), Some(reset)) => Some(reset),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let policy = RetryPolicy::new().backoff(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(policy.backoff_delay(0, 1.0), Duration::from_millis(100));
        assert_eq!(policy.backoff_delay(2, 1.0), Duration::from_millis(400));
        assert_eq!(policy.backoff_delay(10, 1.0), Duration::from_secs(1));
        assert_eq!(policy.backoff_delay(3, 0.5), Duration::from_millis(400));
        assert_eq!(policy.backoff_delay(3, 0.0), Duration::ZERO);
        assert_eq!(policy.backoff_delay(u32::MAX, 1.0), Duration::from_secs(1));
    }

    #[test]
    fn writes_are_not_retried_without_a_key() {
        let policy = RetryPolicy::new();
        let elapsed = Duration::ZERO;
        assert_eq!(
            policy.decide(1, Outcome::Status(503, None), false, elapsed, 1.0),
            Decision::GiveUp
        );
        assert_eq!(
            policy.decide(1, Outcome::Timeout, false, elapsed, 1.0),
            Decision::GiveUp
        );
        assert!(matches!(
            policy.decide(1, Outcome::Status(503, None), true, elapsed, 1.0),
            Decision::Retry(_)
        ));
        // The server did not process these, whatever the method.
        assert!(matches!(
            policy.decide(1, Outcome::NotSent, false, elapsed, 1.0),
            Decision::Retry(_)
        ));
        assert!(matches!(
            policy.decide(1, Outcome::Status(429, None), false, elapsed, 1.0),
            Decision::Retry(_)
        ));
    }

    #[test]
    fn statuses_retried_by_default() {
        let policy = RetryPolicy::new();
        for status in [408, 425, 429, 500, 502, 503, 504] {
            assert!(
                matches!(
                    policy.decide(1, Outcome::Status(status, None), true, Duration::ZERO, 0.5),
                    Decision::Retry(_)
                ),
                "{status}"
            );
        }
        // A 403 with a wait is GitHub's secondary rate limit; without one it is final.
        assert_eq!(
            policy.decide(
                1,
                Outcome::Status(403, Some(Duration::from_secs(1))),
                false,
                Duration::ZERO,
                0.5
            ),
            Decision::Retry(Duration::from_secs(1))
        );
        for status in [400, 401, 403, 404, 409, 422, 501] {
            assert_eq!(
                policy.decide(1, Outcome::Status(status, None), true, Duration::ZERO, 0.5),
                Decision::GiveUp,
                "{status}"
            );
        }
    }

    #[test]
    fn attempts_elapsed_and_hints_bound_retries() {
        let policy = RetryPolicy::new()
            .max_attempts(2)
            .max_server_wait(Duration::from_secs(30));
        assert_eq!(
            policy.decide(2, Outcome::Status(503, None), true, Duration::ZERO, 1.0),
            Decision::GiveUp
        );
        let hint = Some(Duration::from_secs(5));
        assert_eq!(
            policy.decide(1, Outcome::Status(429, hint), true, Duration::ZERO, 1.0),
            Decision::Retry(Duration::from_secs(5))
        );
        let long = Some(Duration::from_secs(3600));
        assert_eq!(
            policy.decide(1, Outcome::Status(429, long), true, Duration::ZERO, 1.0),
            Decision::WaitTooLong(Duration::from_secs(3600))
        );
        assert_eq!(
            policy.decide(1, Outcome::Status(503, hint), true, Duration::from_secs(58), 1.0),
            Decision::GiveUp
        );
    }

    #[test]
    fn reads_every_hint_form() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            server_wait_hint(&headers(&[("retry-after", "7")]), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            server_wait_hint(&headers(&[("retry-after-ms", "1500")]), now),
            Some(Duration::from_millis(1500))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            server_wait_hint(&headers(&[("retry-after", &date)]), now),
            Some(Duration::from_secs(30))
        );
        let reset = (1_700_000_000u64 + 42).to_string();
        assert_eq!(
            server_wait_hint(
                &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &reset)]),
                now
            ),
            Some(Duration::from_secs(42))
        );
        assert_eq!(
            server_wait_hint(
                &headers(&[("ratelimit-remaining", "0"), ("ratelimit-reset", "12")]),
                now
            ),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            server_wait_hint(
                &headers(&[("x-ratelimit-remaining", "5"), ("x-ratelimit-reset", &reset)]),
                now
            ),
            None
        );
        assert_eq!(server_wait_hint(&headers(&[("retry-after", "soon")]), now), None);
        assert_eq!(server_wait_hint(&headers(&[("retry-after-ms", "-4")]), now), None);
    }
}
