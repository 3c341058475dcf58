//! Shared rate-limit budgets and OAuth tokens on Redis, for a connector that runs in many
//! processes on many machines against one API quota.
//!
//! - [`RedisRateLimiter`] implements the runtime's [`connector_runtime::RateLimiter`] with
//!   GCRA kept in Redis and updated by an atomic Lua script: every limiter built with the same
//!   key prefix draws on one budget, named groups have their own, and a response saying the
//!   server's budget is spent pauses every worker.
//! - [`RedisTokenStore`] implements [`connector_runtime::TokenStore`] with a lock around
//!   refresh (`SET NX PX` with a random token, released by compare-and-delete, expiring if its
//!   holder dies), so exactly one worker refreshes an expiring token and the others use it.
//! - Both share a [`RedisBackend`]: one lazily made connection, every command bounded by a
//!   timeout, and a [`FailureMode`] for when Redis is down or slow — fail open (the in-process
//!   limiter, tokens in memory; logged once) or fail closed (a typed error). Nothing here
//!   waits for Redis beyond the timeout, and nothing panics.
//!
//! ```no_run
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use connector_redis::{FailureMode, RedisBackend, RedisRateLimiter, RedisTokenStore};
//! use connector_runtime::{OAuth2Config, Quota, TokenManager};
//!
//! let redis = Arc::new(RedisBackend::new("redis://127.0.0.1:6379")?.timeout(Duration::from_millis(100)));
//! let limiter = RedisRateLimiter::new(Arc::clone(&redis), "conductor:github:acme")
//!     .quota(Quota::per_hour(5000).burst(100))
//!     .group("search", Quota::per_minute(30))
//!     .on_failure(FailureMode::Open);
//! let tokens = TokenManager::client_credentials(OAuth2Config::new("id", "https://example.com/token"))
//!     .store(RedisTokenStore::new(Arc::clone(&redis), "conductor:github:acme:tokens"));
//! // client builder: .rate_limiter(Arc::new(limiter)).token_manager(tokens)
//! # let _ = (limiter, tokens);
//! # Ok(())
//! # }
//! ```

mod backend;
mod limiter;
mod token;

pub use backend::{BackendError, FailureMode, RedisBackend};
pub use limiter::RedisRateLimiter;
pub use token::RedisTokenStore;
