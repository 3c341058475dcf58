//! Time, injected: the retry loop, the rate limiter and the token manager read the time and
//! sleep through a [`Clock`], so tests drive them with a [`ManualClock`] instead of waiting.
//!
//! reqwest's timeouts run on tokio's timer and are not affected by the clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

/// A boxed future that borrows nothing.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A source of time and of waiting.
pub trait Clock: Send + Sync + 'static {
    /// The monotonic time now.
    fn now(&self) -> Instant;

    /// The wall-clock time now (for `Retry-After` dates, reset timestamps and token expiry).
    fn system_now(&self) -> SystemTime;

    /// A future that completes at `deadline`.
    fn sleep_until(&self, deadline: Instant) -> Sleep;

    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Sleep {
        // Over a century away is as good as never; it also keeps the addition in range.
        let duration = duration.min(Duration::from_secs(100 * 365 * 86_400));
        self.sleep_until(self.now() + duration)
    }
}

/// The real clock: `Instant::now()`, `SystemTime::now()` and `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn system_now(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        Box::pin(tokio::time::sleep_until(deadline.into()))
    }
}

/// A clock for tests: time stands still until a sleep or [`ManualClock::advance`] moves it.
///
/// A sleep completes at once and moves the clock forward to its deadline if that is later
/// than the current time, so concurrent sleeps end together at the latest of their deadlines,
/// as real ones would. Sleeps are recorded, so a test can assert exactly which waits
/// happened: [`ManualClock::wakeups`] lists the deadline of every `sleep_until` (and every
/// non-zero `sleep`), [`ManualClock::sleeps`] how far each moved the clock.
#[derive(Debug, Clone)]
pub struct ManualClock {
    state: Arc<Mutex<ManualState>>,
}

#[derive(Debug)]
struct ManualState {
    start: Instant,
    start_system: SystemTime,
    offset: Duration,
    sleeps: Vec<Duration>,
    wakeups: Vec<Duration>,
}

impl ManualClock {
    /// A clock standing at the real time of its creation.
    pub fn new() -> Self {
        Self::at(SystemTime::now())
    }

    /// A clock whose wall-clock time starts at `system` (e.g. a fixed epoch second).
    pub fn at(system: SystemTime) -> Self {
        Self {
            state: Arc::new(Mutex::new(ManualState {
                start: Instant::now(),
                start_system: system,
                offset: Duration::ZERO,
                sleeps: Vec::new(),
                wakeups: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ManualState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let mut state = self.lock();
        state.offset = state.offset.saturating_add(by);
    }

    /// How far the clock has moved since it was created.
    pub fn elapsed(&self) -> Duration {
        self.lock().offset
    }

    /// How far each sleep moved the clock, for those that moved it, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.lock().sleeps.clone()
    }

    /// The deadline of every `sleep_until` and every non-zero `sleep` so far, as an offset from
    /// the clock's start, in the order they were asked for (also those already passed).
    pub fn wakeups(&self) -> Vec<Duration> {
        self.lock().wakeups.clone()
    }

    /// The sum of the sleeps asked for so far.
    pub fn total_slept(&self) -> Duration {
        self.lock().sleeps.iter().sum()
    }
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        let state = self.lock();
        state.start + state.offset
    }

    fn system_now(&self) -> SystemTime {
        let state = self.lock();
        state.start_system + state.offset
    }

    fn sleep_until(&self, deadline: Instant) -> Sleep {
        let mut state = self.lock();
        let target = deadline.saturating_duration_since(state.start);
        state.wakeups.push(target);
        if target > state.offset {
            let length = target - state.offset;
            state.sleeps.push(length);
            state.offset = target;
        }
        Box::pin(std::future::ready(()))
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        if duration.is_zero() {
            return Box::pin(std::future::ready(()));
        }
        let deadline = self.now() + duration.min(Duration::from_secs(100 * 365 * 86_400));
        self.sleep_until(deadline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_moves_only_when_asked() {
        let clock = ManualClock::at(SystemTime::UNIX_EPOCH + Duration::from_secs(100));
        let t0 = clock.now();
        clock.sleep(Duration::from_secs(2)).await;
        clock.sleep(Duration::ZERO).await;
        assert_eq!(clock.now() - t0, Duration::from_secs(2));
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.system_now(), SystemTime::UNIX_EPOCH + Duration::from_secs(103));
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
        // A deadline already passed does not move the clock, but is recorded.
        clock.sleep_until(t0 + Duration::from_secs(1)).await;
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
        assert_eq!(clock.wakeups(), vec![Duration::from_secs(2), Duration::from_secs(1)]);
        assert_eq!(clock.total_slept(), Duration::from_secs(2));
    }
}
