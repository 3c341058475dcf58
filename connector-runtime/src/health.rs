//! Per-client health counters, per operation: calls, outcomes by error kind, retries, time
//! spent waiting for the rate limiter, and latency. Read them with
//! [`crate::Client::health`].

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use crate::error::ErrorKind;
use crate::spec::OperationSpec;

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
///
/// A call finds its operation's counters by the operation's index, without a lock, and then
/// only adds to atomics.
#[derive(Debug, Default)]
pub(crate) struct Health {
    /// By [`OperationSpec::index`]: each operation's counters, made on its first call.
    by_index: Box<[OnceLock<Box<Named>>]>,
    /// Operations the table cannot hold: an index beyond it, or one another operation holds
    /// (a description written by hand rather than generated).
    others: RwLock<BTreeMap<&'static str, Arc<Counters>>>,
}

/// An operation's counters beside its id, in [`Health`]'s table.
#[derive(Debug)]
struct Named {
    operation: &'static str,
    counters: Counters,
}

/// The counters a call adds to, borrowed from the table or shared from the map.
pub(crate) enum CountersRef<'h> {
    Table(&'h Counters),
    Shared(Arc<Counters>),
}

impl std::ops::Deref for CountersRef<'_> {
    type Target = Counters;

    fn deref(&self) -> &Counters {
        match self {
            Self::Table(counters) => counters,
            Self::Shared(counters) => counters,
        }
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

    fn snapshot(&self) -> OperationHealth {
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

impl Health {
    /// Counters for an API of `operation_count` operations.
    pub(crate) fn new(operation_count: usize) -> Self {
        Self {
            by_index: (0..operation_count).map(|_| OnceLock::new()).collect(),
            others: RwLock::default(),
        }
    }

    /// The counters of `spec`'s operation, created on its first call.
    pub(crate) fn counters(&self, spec: &'static OperationSpec) -> CountersRef<'_> {
        if let Some(slot) = self.by_index.get(spec.index) {
            let named = slot.get_or_init(|| {
                Box::new(Named {
                    operation: spec.id,
                    counters: Counters::default(),
                })
            });
            if named.operation == spec.id {
                return CountersRef::Table(&named.counters);
            }
        }
        CountersRef::Shared(self.other(spec.id))
    }

    #[cold]
    fn other(&self, operation: &'static str) -> Arc<Counters> {
        let known = self
            .others
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(operation)
            .cloned();
        known.unwrap_or_else(|| {
            let mut others = self.others.write().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(others.entry(operation).or_default())
        })
    }

    /// A copy of every operation's counters. Counters of calls still running may be
    /// part-way updated (an attempt counted, the call not yet).
    pub(crate) fn snapshot(&self) -> HealthSnapshot {
        let table = self
            .by_index
            .iter()
            .filter_map(OnceLock::get)
            .map(|named| (named.operation, named.counters.snapshot()));
        let others = self.others.read().unwrap_or_else(PoisonError::into_inner);
        HealthSnapshot {
            operations: table
                .chain(
                    others
                        .iter()
                        .map(|(operation, counters)| (*operation, counters.snapshot())),
                )
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static API: crate::ApiSpec = crate::ApiSpec {
        title: "t",
        version: "1",
        default_server: None,
        security: &[],
        schemes: &[],
        envelope: None,
        operation_count: 1,
    };

    const fn spec(id: &'static str, index: usize) -> OperationSpec {
        OperationSpec {
            id,
            method: crate::HttpMethod::Get,
            path: "/",
            security: None,
            api: &API,
            index,
        }
    }

    static A: OperationSpec = spec("a", 0);
    /// Claims `a`'s slot: counted apart, in the map.
    static B: OperationSpec = spec("b", 0);
    /// Beyond the table.
    static C: OperationSpec = spec("c", 5);

    #[test]
    fn counts_by_operation_and_kind() {
        let health = Health::new(1);
        let a = health.counters(&A);
        assert!(matches!(a, CountersRef::Table(_)));
        a.attempt(false, Duration::from_millis(5));
        a.attempt(true, Duration::ZERO);
        a.finished(Ok(()), Duration::from_millis(10));
        let again = health.counters(&A);
        again.attempt(false, Duration::ZERO);
        again.finished(Err(ErrorKind::Status), Duration::from_millis(30));
        let snapshot = health.snapshot();
        let a = snapshot.operation("a").unwrap();
        assert_eq!((a.calls, a.attempts, a.successes, a.retries), (2, 3, 1, 1));
        assert_eq!(a.errors.get(&ErrorKind::Status), Some(&1));
        assert_eq!(a.errors.len(), 1, "only kinds that happened");
        assert_eq!(a.failures(), 1);
        assert_eq!(a.rate_limit_wait, Duration::from_millis(5));
        assert_eq!(a.mean_latency(), Some(Duration::from_millis(20)));
        assert_eq!(a.max_latency, Duration::from_millis(30));
        assert!(snapshot.operation("b").is_none());
    }

    #[test]
    fn operations_outside_the_table_are_counted_apart() {
        let health = Health::new(1);
        health.counters(&A).finished(Ok(()), Duration::ZERO);
        for spec in [&B, &B, &C] {
            let counters = health.counters(spec);
            assert!(matches!(counters, CountersRef::Shared(_)));
            counters.finished(Ok(()), Duration::ZERO);
        }
        let snapshot = health.snapshot();
        let calls = |id| snapshot.operation(id).map(|o| o.calls);
        assert_eq!((calls("a"), calls("b"), calls("c")), (Some(1), Some(2), Some(1)));
    }
}
