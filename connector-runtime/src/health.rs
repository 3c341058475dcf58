//! Per-client health counters, per operation: calls, outcomes by error kind, retries, time
//! spent waiting for the rate limiter, and latency. Read them with
//! [`crate::Client::health`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::ErrorKind;

/// The counters of one operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OperationHealth {
    /// Calls that finished (successfully or not).
    pub calls: u64,
    /// Requests sent, retries included.
    pub attempts: u64,
    /// Calls that returned a success.
    pub successes: u64,
    /// Failed calls, by kind of error.
    pub errors: BTreeMap<ErrorKind, u64>,
    /// Attempts that were retries (after a failure, or a 401 answered by a new token).
    pub retries: u64,
    /// Time spent waiting for the rate limiter.
    pub rate_limit_wait: Duration,
    /// The sum of the calls' latencies (first attempt to decoded result, waits included).
    pub total_latency: Duration,
    /// The longest call.
    pub max_latency: Duration,
}

impl OperationHealth {
    /// The mean latency of a call, if any call finished.
    pub fn mean_latency(&self) -> Option<Duration> {
        u32::try_from(self.calls)
            .ok()
            .filter(|calls| *calls > 0)
            .map(|calls| self.total_latency / calls)
    }

    /// The number of failed calls.
    pub fn failures(&self) -> u64 {
        self.errors.values().sum()
    }
}

/// A copy of a client's counters at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HealthSnapshot {
    /// Counters by `operationId`.
    pub operations: BTreeMap<&'static str, OperationHealth>,
}

impl HealthSnapshot {
    /// The counters of `operation`, if it was called.
    pub fn operation(&self, operation: &str) -> Option<&OperationHealth> {
        self.operations.get(operation)
    }
}

/// The live counters of one operation.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    calls: AtomicU64,
    attempts: AtomicU64,
    successes: AtomicU64,
    /// By [`kind_index`].
    errors: [AtomicU64; ERROR_KINDS.len()],
    retries: AtomicU64,
    rate_limit_wait_ns: AtomicU64,
    total_latency_ns: AtomicU64,
    max_latency_ns: AtomicU64,
}

/// Every error kind, in the order of [`Counters::errors`].
const ERROR_KINDS: [ErrorKind; 12] = [
    ErrorKind::Encode,
    ErrorKind::MissingCredentials,
    ErrorKind::Auth,
    ErrorKind::Connect,
    ErrorKind::Timeout,
    ErrorKind::Transport,
    ErrorKind::Status,
    ErrorKind::RateLimited,
    ErrorKind::Decode,
    ErrorKind::Config,
    ErrorKind::Pagination,
    ErrorKind::Envelope,
];

fn kind_index(kind: ErrorKind) -> usize {
    match kind {
        ErrorKind::Encode => 0,
        ErrorKind::MissingCredentials => 1,
        ErrorKind::Auth => 2,
        ErrorKind::Connect => 3,
        ErrorKind::Timeout => 4,
        ErrorKind::Transport => 5,
        ErrorKind::Status => 6,
        ErrorKind::RateLimited => 7,
        ErrorKind::Decode => 8,
        ErrorKind::Config => 9,
        ErrorKind::Pagination => 10,
        ErrorKind::Envelope => 11,
    }
}

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

impl Counters {
    pub(crate) fn attempt(&self, retry: bool, waited: Duration) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        if retry {
            self.retries.fetch_add(1, Ordering::Relaxed);
        }
        if !waited.is_zero() {
            self.rate_limit_wait_ns.fetch_add(nanos(waited), Ordering::Relaxed);
        }
    }

    pub(crate) fn finished(&self, outcome: Result<(), ErrorKind>, latency: Duration) {
        match outcome {
            Ok(()) => self.successes.fetch_add(1, Ordering::Relaxed),
            Err(kind) => self.errors[kind_index(kind)].fetch_add(1, Ordering::Relaxed),
        };
        let latency = nanos(latency);
        self.total_latency_ns.fetch_add(latency, Ordering::Relaxed);
        self.max_latency_ns.fetch_max(latency, Ordering::Relaxed);
        // Last, so a snapshot that sees the call also sees its outcome (Release/Acquire).
        self.calls.fetch_add(1, Ordering::Release);
    }

    pub(crate) fn snapshot(&self) -> OperationHealth {
        let calls = self.calls.load(Ordering::Acquire);
        let read = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        OperationHealth {
            calls,
            attempts: read(&self.attempts),
            successes: read(&self.successes),
            errors: ERROR_KINDS
                .iter()
                .zip(&self.errors)
                .filter_map(|(kind, count)| Some((*kind, read(count))).filter(|(_, n)| *n > 0))
                .collect(),
            retries: read(&self.retries),
            rate_limit_wait: Duration::from_nanos(read(&self.rate_limit_wait_ns)),
            total_latency: Duration::from_nanos(read(&self.total_latency_ns)),
            max_latency: Duration::from_nanos(read(&self.max_latency_ns)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_outcomes_by_kind() {
        let counters = Counters::default();
        counters.attempt(false, Duration::from_millis(5));
        counters.attempt(true, Duration::ZERO);
        counters.finished(Ok(()), Duration::from_millis(10));
        counters.attempt(false, Duration::ZERO);
        counters.finished(Err(ErrorKind::Status), Duration::from_millis(30));
        let a = counters.snapshot();
        assert_eq!((a.calls, a.attempts, a.successes, a.retries), (2, 3, 1, 1));
        assert_eq!(a.errors.get(&ErrorKind::Status), Some(&1));
        assert_eq!(a.errors.len(), 1, "only kinds that happened");
        assert_eq!(a.failures(), 1);
        assert_eq!(a.rate_limit_wait, Duration::from_millis(5));
        assert_eq!(a.mean_latency(), Some(Duration::from_millis(20)));
        assert_eq!(a.max_latency, Duration::from_millis(30));
    }
}
