//! Per-client health counters, per operation: calls, outcomes by error kind, retries, time
//! spent waiting for the rate limiter, and latency. Read them with
//! [`crate::Client::health`].

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};
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

/// The live counters; one per client, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct Health {
    operations: Mutex<BTreeMap<&'static str, OperationHealth>>,
}

impl Health {
    fn update(&self, operation: &'static str, f: impl FnOnce(&mut OperationHealth)) {
        let mut operations = self.operations.lock().unwrap_or_else(PoisonError::into_inner);
        f(operations.entry(operation).or_default());
    }

    pub(crate) fn attempt(&self, operation: &'static str, retry: bool, waited: Duration) {
        self.update(operation, |h| {
            h.attempts += 1;
            h.retries += u64::from(retry);
            h.rate_limit_wait += waited;
        });
    }

    pub(crate) fn finished(&self, operation: &'static str, outcome: Result<(), ErrorKind>, latency: Duration) {
        self.update(operation, |h| {
            h.calls += 1;
            match outcome {
                Ok(()) => h.successes += 1,
                Err(kind) => *h.errors.entry(kind).or_default() += 1,
            }
            h.total_latency += latency;
            h.max_latency = h.max_latency.max(latency);
        });
    }

    pub(crate) fn snapshot(&self) -> HealthSnapshot {
        HealthSnapshot {
            operations: self.operations.lock().unwrap_or_else(PoisonError::into_inner).clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_operation_and_kind() {
        let health = Health::default();
        health.attempt("a", false, Duration::from_millis(5));
        health.attempt("a", true, Duration::ZERO);
        health.finished("a", Ok(()), Duration::from_millis(10));
        health.attempt("a", false, Duration::ZERO);
        health.finished("a", Err(ErrorKind::Status), Duration::from_millis(30));
        let snapshot = health.snapshot();
        let a = snapshot.operation("a").unwrap();
        assert_eq!((a.calls, a.attempts, a.successes, a.retries), (2, 3, 1, 1));
        assert_eq!(a.errors.get(&ErrorKind::Status), Some(&1));
        assert_eq!(a.failures(), 1);
        assert_eq!(a.rate_limit_wait, Duration::from_millis(5));
        assert_eq!(a.mean_latency(), Some(Duration::from_millis(20)));
        assert_eq!(a.max_latency, Duration::from_millis(30));
        assert!(snapshot.operation("b").is_none());
    }
}
