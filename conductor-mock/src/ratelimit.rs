//! Rate-limit emulation: a budget of requests per window, counted rather than timed so tests
//! are deterministic. Every response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
//! `X-RateLimit-Reset` (seconds until the window resets, as configured); a request over the
//! budget gets `429` with `Retry-After`. The window only resets when a test says so.

use std::sync::{Mutex, MutexGuard};

use crate::stub::StubResponse;

#[derive(Debug, Default)]
struct Budget {
    enabled: bool,
    limit: u64,
    remaining: u64,
    reset_after: u64,
    rejected: u64,
}

/// The server's rate-limit state.
#[derive(Debug, Default)]
pub(crate) struct Limits {
    budget: Mutex<Budget>,
}

impl Limits {
    fn lock(&self) -> MutexGuard<'_, Budget> {
        self.budget.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Spends one request: the headers to add, or the 429 to answer instead.
    pub(crate) fn consume(&self) -> Result<Vec<(&'static str, String)>, Box<StubResponse>> {
        let mut budget = self.lock();
        if !budget.enabled {
            return Ok(Vec::new());
        }
        let allowed = budget.remaining > 0;
        budget.remaining = budget.remaining.saturating_sub(1);
        let headers = vec![
            ("x-ratelimit-limit", budget.limit.to_string()),
            ("x-ratelimit-remaining", budget.remaining.to_string()),
            ("x-ratelimit-reset", budget.reset_after.to_string()),
        ];
        if allowed {
            return Ok(headers);
        }
        budget.rejected += 1;
        let mut response = StubResponse::rate_limited(budget.reset_after);
        for (name, value) in headers {
            response = response.header(name, &value);
        }
        Err(Box::new(response))
    }
}

/// Controls the rate-limit emulation of a [`crate::MockServer`]; see
/// [`crate::MockServer::rate_limit`].
#[derive(Debug, Clone, Copy)]
pub struct RateLimit<'a> {
    pub(crate) limits: &'a Limits,
}

impl RateLimit<'_> {
    /// Allows `limit` requests per window; once spent, requests get `429` with
    /// `Retry-After: reset_after_seconds` until [`RateLimit::advance_window`]. Starts a new
    /// window. OAuth endpoints are not counted.
    pub fn budget(&self, limit: u64, reset_after_seconds: u64) -> Self {
        let mut budget = self.limits.lock();
        budget.enabled = true;
        budget.limit = limit;
        budget.remaining = limit;
        budget.reset_after = reset_after_seconds;
        *self
    }

    /// Starts the next window: the whole budget is available again.
    pub fn advance_window(&self) -> Self {
        let mut budget = self.limits.lock();
        budget.remaining = budget.limit;
        *self
    }

    /// Turns the emulation off (no headers, no 429s).
    pub fn disable(&self) -> Self {
        self.limits.lock().enabled = false;
        *self
    }

    /// Requests left in the current window.
    pub fn remaining(&self) -> u64 {
        self.limits.lock().remaining
    }

    /// How many requests were answered 429 by the emulation so far.
    pub fn rejected(&self) -> u64 {
        self.limits.lock().rejected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_rejects_and_resets() {
        let limits = Limits::default();
        assert_eq!(limits.consume().map(|h| h.len()).ok(), Some(0));
        let handle = RateLimit { limits: &limits };
        handle.budget(2, 7);
        assert!(limits.consume().is_ok());
        let second = limits.consume().ok().unwrap_or_default();
        assert!(second.contains(&("x-ratelimit-remaining", "0".to_owned())));
        let rejected = limits.consume().err().map(|r| (r.status, r.headers));
        let (status, headers) = rejected.unwrap_or_default();
        assert_eq!(status, 429);
        assert!(headers.contains(&("retry-after".to_owned(), "7".to_owned())));
        assert_eq!(handle.rejected(), 1);
        handle.advance_window();
        assert_eq!(handle.remaining(), 2);
    }
}
