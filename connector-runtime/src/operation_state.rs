//! What a client keeps for each operation: its health counters and, once worked out, the
//! headers the client's credentials add to its requests.
//!
//! A call finds its operation's state by [`OperationSpec::index`], without a lock.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use reqwest::header::{HeaderName, HeaderValue};

use crate::health::{Counters, HealthSnapshot};
use crate::spec::OperationSpec;

/// Header names and values, in the order they are sent.
pub(crate) type Headers = Box<[(HeaderName, HeaderValue)]>;

/// The state of one operation in one client (shared by its clones).
#[derive(Debug)]
pub(crate) struct OperationState {
    operation: &'static str,
    /// What its calls did.
    pub(crate) counters: Counters,
    /// The headers the client's credentials add to every request of this operation, worked out
    /// on its first call; `None` when they cannot be fixed in advance (a custom scheme, an OAuth
    /// token, an API key in the query or a cookie, a missing or invalid credential).
    pub(crate) credential_headers: OnceLock<Option<Headers>>,
}

impl OperationState {
    fn new(operation: &'static str) -> Self {
        Self {
            operation,
            counters: Counters::default(),
            credential_headers: OnceLock::new(),
        }
    }
}

/// Every operation's state, by index.
#[derive(Debug, Default)]
pub(crate) struct OperationTable {
    /// By [`OperationSpec::index`], made on the operation's first call.
    by_index: Box<[OnceLock<Box<OperationState>>]>,
    /// Operations the table cannot hold: an index beyond it, or one another operation holds
    /// (a description written by hand rather than generated).
    others: RwLock<BTreeMap<&'static str, Arc<OperationState>>>,
}

/// An operation's state, borrowed from the table or shared from the map.
pub(crate) enum StateRef<'t> {
    Table(&'t OperationState),
    Shared(Arc<OperationState>),
}

impl std::ops::Deref for StateRef<'_> {
    type Target = OperationState;

    fn deref(&self) -> &OperationState {
        match self {
            Self::Table(state) => state,
            Self::Shared(state) => state,
        }
    }
}

impl OperationTable {
    /// A table for an API of `operation_count` operations.
    pub(crate) fn new(operation_count: usize) -> Self {
        Self {
            by_index: (0..operation_count).map(|_| OnceLock::new()).collect(),
            others: RwLock::default(),
        }
    }

    /// The state of `spec`'s operation, made on its first call.
    pub(crate) fn get(&self, spec: &'static OperationSpec) -> StateRef<'_> {
        if let Some(slot) = self.by_index.get(spec.index) {
            let state = slot.get_or_init(|| Box::new(OperationState::new(spec.id)));
            if state.operation == spec.id {
                return StateRef::Table(state);
            }
        }
        StateRef::Shared(self.other(spec.id))
    }

    #[cold]
    fn other(&self, operation: &'static str) -> Arc<OperationState> {
        let known = self
            .others
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(operation)
            .cloned();
        known.unwrap_or_else(|| {
            let mut others = self.others.write().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(
                others
                    .entry(operation)
                    .or_insert_with(|| Arc::new(OperationState::new(operation))),
            )
        })
    }

    /// A copy of every operation's counters. Counters of calls still running may be
    /// part-way updated (an attempt counted, the call not yet).
    pub(crate) fn health(&self) -> HealthSnapshot {
        let table = self
            .by_index
            .iter()
            .filter_map(OnceLock::get)
            .map(|state| (state.operation, state.counters.snapshot()));
        let others = self.others.read().unwrap_or_else(PoisonError::into_inner);
        HealthSnapshot {
            operations: table
                .chain(
                    others
                        .iter()
                        .map(|(operation, state)| (*operation, state.counters.snapshot())),
                )
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    use crate::spec::fixtures::get;

    static A: OperationSpec = get("a", "/", 0);
    /// Claims `a`'s slot: kept apart, in the map.
    static B: OperationSpec = get("b", "/", 0);
    /// Beyond the table.
    static C: OperationSpec = get("c", "/", 5);

    #[test]
    fn each_operation_has_its_own_state_in_or_beside_the_table() {
        let table = OperationTable::new(1);
        assert!(matches!(table.get(&A), StateRef::Table(_)));
        table.get(&A).counters.finished(Ok(()), Duration::ZERO);
        table.get(&A).counters.finished(Ok(()), Duration::ZERO);
        for spec in [&B, &B, &C] {
            let state = table.get(spec);
            assert!(matches!(state, StateRef::Shared(_)));
            state.counters.finished(Ok(()), Duration::ZERO);
        }
        let health = table.health();
        let calls = |id| health.operation(id).map(|o| o.calls);
        assert_eq!((calls("a"), calls("b"), calls("c")), (Some(2), Some(2), Some(1)));
        assert!(health.operation("d").is_none());
    }
}
