//! [`RedisTokenStore`]: OAuth tokens kept in Redis, with a lock so one process at a time
//! refreshes them.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use connector_runtime::{MemoryTokenStore, RefreshLock, StoreFuture, TokenError, TokenErrorKind, TokenSet, TokenStore};
use redis::Script;
use secrecy::ExposeSecret as _;

use crate::backend::{BackendError, FailureMode, RedisBackend};

/// Deletes the lock only if it still holds our token: a holder whose lock expired and was
/// taken by another process must not release the other's.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// A [`TokenStore`] in Redis, shared by every process that uses the same key: the token set
/// is a JSON value at `{key}`, and the refresh lock is `{key}:lock`.
///
/// With it, a [`connector_runtime::TokenManager`] in each process refreshes at most once per
/// expiry across all of them: the manager takes the lock (`SET NX PX` with a random token),
/// loads the store again, and either uses the token another process saved meanwhile or
/// refreshes and saves; then it releases the lock with a compare-and-delete script. A holder
/// that dies leaves the lock to expire after [`RedisTokenStore::lock_ttl`] (default 10 s; keep
/// it above the token endpoint's timeout). The others poll for it every 25 ms for at most
/// [`RedisTokenStore::lock_wait`].
///
/// When Redis fails: with [`FailureMode::Closed`] every operation fails with a
/// [`TokenErrorKind::Store`] error; with [`FailureMode::Open`] (the default) the store keeps
/// tokens in memory and refreshes without the lock (each process for itself) until Redis is
/// back.
///
/// The tokens are stored as they are: protect the Redis server (a password, TLS, a private
/// network) as you would the secrets.
pub struct RedisTokenStore {
    backend: Arc<RedisBackend>,
    key: String,
    lock_key: String,
    lock_ttl: Duration,
    lock_wait: Duration,
    on_failure: FailureMode,
    memory: MemoryTokenStore,
    release: Arc<Script>,
}

impl std::fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("backend", &self.backend)
            .field("key", &self.key)
            .field("lock_ttl", &self.lock_ttl)
            .field("on_failure", &self.on_failure)
            .finish_non_exhaustive()
    }
}

impl RedisTokenStore {
    /// A store at `key` (e.g. `conductor:github:<client id>:tokens`) on `backend`.
    pub fn new(backend: Arc<RedisBackend>, key: impl Into<String>) -> Self {
        let key = key.into();
        Self {
            backend,
            lock_key: format!("{key}:lock"),
            key,
            lock_ttl: Duration::from_secs(10),
            lock_wait: Duration::from_secs(15),
            on_failure: FailureMode::Open,
            memory: MemoryTokenStore::new(),
            release: Arc::new(Script::new(RELEASE)),
        }
    }

    /// How long the refresh lock lasts if its holder never releases it (default 10 s).
    #[must_use]
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl.max(Duration::from_millis(1));
        self
    }

    /// How long to wait for the lock before failing the token request (default 15 s; keep it
    /// above the lock's TTL so a dead holder's lock expires first).
    #[must_use]
    pub fn lock_wait(mut self, wait: Duration) -> Self {
        self.lock_wait = wait;
        self
    }

    /// What to do when Redis fails (default [`FailureMode::Open`]).
    #[must_use]
    pub fn on_failure(mut self, mode: FailureMode) -> Self {
        self.on_failure = mode;
        self
    }

    /// The key of the refresh lock.
    pub fn lock_key(&self) -> &str {
        &self.lock_key
    }

    fn store_error(&self, what: &str, err: &BackendError) -> TokenError {
        TokenError::new(
            TokenErrorKind::Store,
            format!("cannot {what} the tokens in Redis at {}: {err}", self.backend.address()),
        )
    }

    async fn read(&self) -> Result<Option<TokenSet>, TokenError> {
        let text: Result<Option<String>, _> = self.backend.query(redis::cmd("GET").arg(&self.key)).await;
        match text {
            Ok(text) => {
                let tokens = text.as_deref().and_then(from_json);
                if let Some(tokens) = &tokens {
                    // Kept for a Redis outage in fail-open mode.
                    self.memory.save(tokens).await?;
                }
                Ok(tokens)
            }
            Err(err) => match self.on_failure {
                FailureMode::Open => self.memory.load().await,
                FailureMode::Closed => Err(self.store_error("read", &err)),
            },
        }
    }

    async fn write(&self, tokens: &TokenSet) -> Result<(), TokenError> {
        self.memory.save(tokens).await?;
        let json = to_json(tokens);
        let written: Result<(), _> = self.backend.query(redis::cmd("SET").arg(&self.key).arg(json)).await;
        match written {
            Ok(()) => Ok(()),
            Err(_) if self.on_failure == FailureMode::Open => Ok(()),
            Err(err) => Err(self.store_error("save", &err)),
        }
    }

    async fn lock(&self) -> Result<Option<RefreshLock>, TokenError> {
        let token = format!(
            "{:016x}{:016x}-{}",
            fastrand::u64(..),
            fastrand::u64(..),
            std::process::id()
        );
        let ttl_ms = u64::try_from(self.lock_ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let deadline = tokio::time::Instant::now() + self.lock_wait;
        loop {
            let command = redis::cmd("SET")
                .arg(&self.lock_key)
                .arg(&token)
                .arg("NX")
                .arg("PX")
                .arg(ttl_ms)
                .clone();
            let taken: Result<Option<String>, _> = self.backend.query(&command).await;
            match taken {
                Ok(Some(_)) => break,
                Ok(None) => {}
                Err(err) => {
                    return match self.on_failure {
                        FailureMode::Open => Ok(None),
                        FailureMode::Closed => Err(self.store_error("lock", &err)),
                    }
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(TokenError::new(
                    TokenErrorKind::Store,
                    format!(
                        "another process held the token refresh lock {} for more than {:?}",
                        self.lock_key, self.lock_wait
                    ),
                ));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let backend = Arc::clone(&self.backend);
        let script = Arc::clone(&self.release);
        let key = self.lock_key.clone();
        let address = self.backend.address().to_owned();
        Ok(Some(RefreshLock::new(Box::pin(async move {
            let released: Result<i64, _> = backend.eval(&script, &[&key], &[&token]).await;
            released.map(drop).map_err(|err| {
                TokenError::new(
                    TokenErrorKind::Store,
                    format!("cannot release the token refresh lock at {address}: {err}"),
                )
            })
        }))))
    }
}

impl TokenStore for RedisTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        Box::pin(self.read())
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        Box::pin(self.write(tokens))
    }

    fn lock_refresh(&self) -> StoreFuture<'_, Option<RefreshLock>> {
        Box::pin(self.lock())
    }
}

/// The stored form. Exposes the secrets: only for writing to Redis.
fn to_json(tokens: &TokenSet) -> String {
    let epoch = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    serde_json::json!({
        "access_token": tokens.access_token.expose_secret(),
        "refresh_token": tokens.refresh_token.as_ref().map(|t| t.expose_secret().to_owned()),
        "expires_at": tokens.expires_at.map(epoch),
        "scopes": tokens.scopes,
    })
    .to_string()
}

fn from_json(text: &str) -> Option<TokenSet> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut tokens = TokenSet::new(value.get("access_token")?.as_str()?);
    if let Some(refresh) = value.get("refresh_token").and_then(|t| t.as_str()) {
        tokens = tokens.with_refresh_token(refresh);
    }
    if let Some(at) = value
        .get("expires_at")
        .and_then(serde_json::Value::as_u64)
        .and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
    {
        tokens = tokens.expires_at(at);
    }
    tokens.scopes = value
        .get("scopes")
        .and_then(|s| s.as_array())
        .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    Some(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_json() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut tokens = TokenSet::new("a").with_refresh_token("r").expires_at(at);
        tokens.scopes = vec!["read".to_owned()];
        let back = from_json(&to_json(&tokens)).unwrap_or_else(|| TokenSet::new("wrong"));
        assert_eq!(back.access_token.expose_secret(), "a");
        assert_eq!(
            back.refresh_token.as_ref().map(|t| t.expose_secret().to_owned()),
            Some("r".to_owned())
        );
        assert_eq!(back.expires_at, Some(at));
        assert_eq!(back.scopes, vec!["read".to_owned()]);
        assert!(from_json("not json").is_none());
        assert!(from_json("{}").is_none());
    }
}
