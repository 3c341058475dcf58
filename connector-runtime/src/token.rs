//! Access tokens: the token set, where it is kept ([`TokenStore`]), and the
//! [`TokenManager`] that hands a valid token to every request.
//!
//! The manager reuses a token until shortly before it expires, refreshes it ahead of expiry
//! (one caller refreshes while the others keep using the still-valid token), and refreshes
//! **single-flight**: however many calls find the token expired, one token request is made
//! and they all wait for it. A 401 on a token it issued makes the client call
//! [`TokenManager::invalidate`] and retry once with a fresh token. Rotated refresh tokens
//! replace the old one in the store.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use secrecy::{ExposeSecret, SecretString};

use crate::clock::{Clock, SystemClock};
use crate::oauth::OAuth2Config;

/// What kind of failure a [`TokenError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenErrorKind {
    /// The OAuth configuration is incomplete or invalid.
    Config,
    /// The token endpoint could not be reached.
    Transport,
    /// The token endpoint refused (`invalid_client`, `invalid_grant`, ...).
    Rejected,
    /// The token endpoint answered with something that is not a token response.
    InvalidResponse,
    /// The token store failed.
    Store,
}

/// Why no access token could be had. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenError {
    kind: TokenErrorKind,
    message: String,
}

impl TokenError {
    /// An error of `kind`; `message` must not contain a secret. For [`TokenStore`]
    /// implementations outside this crate.
    pub fn new(kind: TokenErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> TokenErrorKind {
        self.kind
    }

    /// What went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TokenError {}

/// An access token, the refresh token that renews it, and when it expires.
#[derive(Clone)]
#[non_exhaustive]
pub struct TokenSet {
    /// The access token.
    pub access_token: SecretString,
    /// The refresh token, if the server issued one.
    pub refresh_token: Option<SecretString>,
    /// When the access token expires; `None` if the server did not say.
    pub expires_at: Option<SystemTime>,
    /// The scopes granted, when the server listed them.
    pub scopes: Vec<String>,
}

impl TokenSet {
    /// A token set with `access_token` and no expiry.
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: SecretString::from(access_token.into()),
            refresh_token: None,
            expires_at: None,
            scopes: Vec::new(),
        }
    }

    /// Sets the refresh token.
    #[must_use]
    pub fn with_refresh_token(mut self, token: impl Into<String>) -> Self {
        self.refresh_token = Some(SecretString::from(token.into()));
        self
    }

    /// Sets the expiry.
    #[must_use]
    pub fn expires_at(mut self, at: SystemTime) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Only a refresh token: the access token must be fetched first.
    fn from_refresh_token(token: SecretString) -> Self {
        Self {
            access_token: SecretString::from(String::new()),
            refresh_token: Some(token),
            expires_at: Some(SystemTime::UNIX_EPOCH),
            scopes: Vec::new(),
        }
    }

    fn usable(&self) -> bool {
        !self.access_token.expose_secret().is_empty()
    }

    /// JSON for the file store. Exposes the secrets: only for writing the store's file.
    fn to_json(&self) -> serde_json::Value {
        let epoch = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        serde_json::json!({
            "access_token": self.access_token.expose_secret(),
            "refresh_token": self.refresh_token.as_ref().map(|t| t.expose_secret().to_owned()),
            "expires_at": self.expires_at.map(epoch),
            "scopes": self.scopes,
        })
    }

    fn from_json(value: &serde_json::Value) -> Option<Self> {
        let access = value.get("access_token")?.as_str()?;
        Some(Self {
            access_token: SecretString::from(access.to_owned()),
            refresh_token: value
                .get("refresh_token")
                .and_then(|t| t.as_str())
                .map(|t| SecretString::from(t.to_owned())),
            expires_at: value
                .get("expires_at")
                .and_then(serde_json::Value::as_u64)
                .and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs))),
            scopes: value
                .get("scopes")
                .and_then(|s| s.as_array())
                .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                .unwrap_or_default(),
        })
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// The future a [`TokenStore`] returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, TokenError>> + Send + 'a>>;

/// Where a token manager keeps its tokens, so they survive restarts or are shared.
pub trait TokenStore: Send + Sync + 'static {
    /// The stored token set, if any.
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>>;

    /// Replaces the stored token set.
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()>;

    /// For a store shared by several processes: waits for the store's refresh lock, so one
    /// process at a time refreshes. The [`TokenManager`] takes it before refreshing, then
    /// loads the store again and uses what another process saved meanwhile if it is still
    /// valid (its refresh token too, which may have been rotated), else refreshes and saves;
    /// then it releases the lock. The lock should expire by itself if its holder dies.
    ///
    /// `Ok(None)`, the default, means the store is not shared: the manager's in-process
    /// single flight is enough.
    ///
    /// # Errors
    ///
    /// When the lock cannot be had (the store failed, or waiting for it took too long); the
    /// manager then fails the token request without refreshing.
    fn lock_refresh(&self) -> StoreFuture<'_, Option<RefreshLock>> {
        Box::pin(std::future::ready(Ok(None)))
    }
}

/// A shared store's refresh lock, held by one process while it refreshes; see
/// [`TokenStore::lock_refresh`]. Dropping it without [`RefreshLock::release`] leaves the lock
/// to expire in the store.
#[must_use = "release the lock once the refreshed tokens are saved"]
pub struct RefreshLock {
    release: StoreFuture<'static, ()>,
}

impl RefreshLock {
    /// A lock released by running `release` (a future that does nothing until awaited).
    pub fn new(release: StoreFuture<'static, ()>) -> Self {
        Self { release }
    }

    /// Releases the lock.
    ///
    /// # Errors
    ///
    /// When the store fails; the lock then expires by itself.
    pub async fn release(self) -> Result<(), TokenError> {
        self.release.await
    }
}

impl fmt::Debug for RefreshLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshLock { .. }")
    }
}

/// Keeps tokens in memory (the default).
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<TokenSet>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemoryTokenStore { .. }")
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner).clone();
        Box::pin(std::future::ready(Ok(tokens)))
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        *self.tokens.lock().unwrap_or_else(PoisonError::into_inner) = Some(tokens.clone());
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Keeps tokens in a JSON file readable only by its owner (mode 0600 on Unix), written
/// atomically (a temporary file renamed over it).
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store in the file `path`; the file need not exist yet.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, what: &str, err: &std::io::Error) -> TokenError {
        TokenError::new(
            TokenErrorKind::Store,
            format!("cannot {what} the token file {}: {err}", self.path.display()),
        )
    }

    fn read(&self) -> Result<Option<TokenSet>, TokenError> {
        let text = match std::fs::read(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(self.error("read", &err)),
        };
        let value: serde_json::Value = serde_json::from_slice(&text).map_err(|_| {
            TokenError::new(
                TokenErrorKind::Store,
                format!("the token file {} is not valid JSON", self.path.display()),
            )
        })?;
        Ok(TokenSet::from_json(&value))
    }

    fn write(&self, tokens: &TokenSet) -> Result<(), TokenError> {
        use std::io::Write as _;
        let mut temporary = self.path.clone().into_os_string();
        temporary.push(".tmp");
        let temporary = PathBuf::from(temporary);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&temporary).map_err(|e| self.error("create", &e))?;
        #[cfg(unix)]
        {
            // `mode` applies only when the file is created; make sure of it anyway.
            use std::os::unix::fs::PermissionsExt as _;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(|e| self.error("protect", &e))?;
        }
        file.write_all(tokens.to_json().to_string().as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|e| self.error("write", &e))?;
        std::fs::rename(&temporary, &self.path).map_err(|e| self.error("replace", &e))
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
        Box::pin(std::future::ready(self.read()))
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
        Box::pin(std::future::ready(self.write(tokens)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    /// Client credentials; refresh tokens are used when the server issues them.
    ClientCredentials,
    /// Refresh tokens only (after an authorization code exchange, or a given refresh token).
    RefreshOnly,
}

/// Hands out valid access tokens: caches, refreshes ahead of expiry and single-flight,
/// persists to a [`TokenStore`].
///
/// Share one manager (it is used through an `Arc`) between every client that uses the same
/// OAuth client and grant.
///
/// # Examples
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// use connector_runtime::{connector, FileTokenStore, OAuth2Config, TokenManager};
///
/// #[connector(spec = "../specs/petstore.yaml", operations = ["deletePet"])]
/// mod petstore {}
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// // The client credentials grant against the spec's token URL; tokens survive restarts in a
/// // file (mode 0600) and are renewed a minute before they expire.
/// let config = OAuth2Config::new("my-client-id", "http://petstore.example.com/oauth/token")
///     .client_secret(std::env::var("PETSTORE_CLIENT_SECRET")?)
///     .scope("write:pets");
/// let tokens = Arc::new(
///     TokenManager::client_credentials(config)
///         .store(FileTokenStore::new(".tokens.json"))
///         .refresh_ahead(Duration::from_secs(60)),
/// );
///
/// let client = petstore::Client::builder().token_manager(Arc::clone(&tokens)).build()?;
/// client.delete_pet(7).await?;
/// println!("{} token request(s) so far", tokens.token_requests());
/// # Ok(())
/// # }
/// ```
pub struct TokenManager {
    config: OAuth2Config,
    grant: Grant,
    store: Arc<dyn TokenStore>,
    /// The clock set with [`TokenManager::clock`]; without one, the clock of the client that
    /// asks for a token (the system clock when asked directly).
    clock: Option<Arc<dyn Clock>>,
    refresh_ahead: Duration,
    /// The cached tokens; `None` until loaded from the store or fetched.
    current: Mutex<Option<TokenSet>>,
    /// Held while loading or fetching: the single flight.
    flight: tokio::sync::Mutex<bool>,
    initial: Mutex<Option<TokenSet>>,
    /// The access token last refused with a 401, so one found in a shared store is not reused.
    refused: Mutex<Option<SecretString>>,
    requests: AtomicU64,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("config", &self.config)
            .field("grant", &self.grant)
            .field("refresh_ahead", &self.refresh_ahead)
            .field("token_requests", &self.token_requests())
            .finish_non_exhaustive()
    }
}

enum Freshness {
    Fresh,
    /// Valid, but within the refresh-ahead margin.
    Stale,
    Expired,
}

impl TokenManager {
    fn with_grant(config: OAuth2Config, grant: Grant, initial: Option<TokenSet>) -> Self {
        Self {
            config,
            grant,
            store: Arc::new(MemoryTokenStore::new()),
            clock: None,
            refresh_ahead: Duration::from_secs(60),
            current: Mutex::new(None),
            flight: tokio::sync::Mutex::new(false),
            initial: Mutex::new(initial),
            refused: Mutex::new(None),
            requests: AtomicU64::new(0),
        }
    }

    /// Tokens from the client credentials grant.
    pub fn client_credentials(config: OAuth2Config) -> Self {
        Self::with_grant(config, Grant::ClientCredentials, None)
    }

    /// Tokens from a refresh token obtained elsewhere (e.g. read from the environment).
    pub fn refresh_token(config: OAuth2Config, refresh_token: impl Into<String>) -> Self {
        let tokens = TokenSet::from_refresh_token(SecretString::from(refresh_token.into()));
        Self::with_grant(config, Grant::RefreshOnly, Some(tokens))
    }

    /// Tokens from an authorization code exchange ([`OAuth2Config::exchange_code`]), renewed
    /// with their refresh token.
    pub fn from_tokens(config: OAuth2Config, tokens: TokenSet) -> Self {
        Self::with_grant(config, Grant::RefreshOnly, Some(tokens))
    }

    /// Keeps tokens in `store`. What the store holds is used before anything given to the
    /// constructor, so tokens survive restarts.
    #[must_use]
    pub fn store(mut self, store: impl TokenStore) -> Self {
        self.store = Arc::new(store);
        self
    }

    /// Refreshes this long before expiry (default 60 s).
    #[must_use]
    pub fn refresh_ahead(mut self, margin: Duration) -> Self {
        self.refresh_ahead = margin;
        self
    }

    /// Uses this clock to judge expiry, whichever client asks for a token.
    ///
    /// Without it, a manager follows the clock of the client that asks it for a token (see
    /// [`crate::ClientBuilder::clock`]), and the system clock when
    /// [`TokenManager::access_token`] is called directly.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How many token requests this manager has made.
    pub fn token_requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    fn cached(&self) -> Option<TokenSet> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn freshness(&self, tokens: &TokenSet, clock: &dyn Clock) -> Freshness {
        if !tokens.usable() {
            return Freshness::Expired;
        }
        let Some(expires_at) = tokens.expires_at else {
            return Freshness::Fresh;
        };
        let now = clock.system_now();
        match expires_at.duration_since(now) {
            Ok(left) if left > self.refresh_ahead => Freshness::Fresh,
            Ok(left) if !left.is_zero() => Freshness::Stale,
            _ => Freshness::Expired,
        }
    }

    /// A valid access token: the cached one, or a new one. Expiry is judged by the
    /// manager's own clock, if it was given one, else by the system clock.
    ///
    /// # Errors
    ///
    /// When no token can be had (see [`TokenErrorKind`]).
    pub async fn access_token(&self) -> Result<SecretString, TokenError> {
        self.access_token_by(&SystemClock).await
    }

    /// [`TokenManager::access_token`] for a client whose clock is `client_clock`: the
    /// manager's own clock wins, if it was given one.
    pub(crate) async fn access_token_by(&self, client_clock: &dyn Clock) -> Result<SecretString, TokenError> {
        let clock = self.clock.as_deref().unwrap_or(client_clock);
        let cached = {
            let current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
            current
                .as_ref()
                .map(|tokens| (tokens.access_token.clone(), self.freshness(tokens, clock)))
        };
        if let Some((access_token, freshness)) = cached {
            match freshness {
                Freshness::Fresh => return Ok(access_token),
                Freshness::Stale => {
                    // One caller refreshes ahead of expiry; the others use the valid token.
                    let Ok(mut loaded) = self.flight.try_lock() else {
                        return Ok(access_token);
                    };
                    return match self.fetch(&mut loaded, clock).await {
                        Ok(fresh) => Ok(fresh),
                        Err(err) => {
                            tracing::warn!(error = %err, "refreshing the token ahead of expiry failed");
                            Ok(access_token)
                        }
                    };
                }
                Freshness::Expired => {}
            }
        }
        let mut loaded = self.flight.lock().await;
        if let Some(tokens) = self.cached() {
            if !matches!(self.freshness(&tokens, clock), Freshness::Expired) {
                return Ok(tokens.access_token);
            }
        }
        self.fetch(&mut loaded, clock).await
    }

    /// Loads from the store once, then fetches unless what was loaded is usable. Called with
    /// the flight lock held.
    async fn fetch(&self, loaded: &mut bool, clock: &dyn Clock) -> Result<SecretString, TokenError> {
        if !*loaded {
            *loaded = true;
            let stored = self.store.load().await?;
            let initial = self.initial.lock().unwrap_or_else(PoisonError::into_inner).take();
            let start = stored.or(initial);
            if let Some(tokens) = &start {
                if matches!(self.freshness(tokens, clock), Freshness::Fresh) {
                    *self.current.lock().unwrap_or_else(PoisonError::into_inner) = start.clone();
                    return Ok(tokens.access_token.clone());
                }
            }
            *self.current.lock().unwrap_or_else(PoisonError::into_inner) = start;
        }
        // A shared store: one process at a time refreshes (the others wait here).
        let lock = self.store.lock_refresh().await?;
        let result = self.refresh_and_save(lock.is_some(), clock).await;
        if let Some(lock) = lock {
            if let Err(err) = lock.release().await {
                tracing::warn!(error = %err, "releasing the token store's refresh lock failed; it will expire");
            }
        }
        result
    }

    /// Refreshes and saves. With `shared`, first adopts what another process saved meanwhile,
    /// if it is valid and not the token refused last.
    async fn refresh_and_save(&self, shared: bool, clock: &dyn Clock) -> Result<SecretString, TokenError> {
        if shared {
            if let Some(stored) = self.store.load().await? {
                let refused = self.refused.lock().unwrap_or_else(PoisonError::into_inner).clone();
                let was_refused = refused.is_some_and(|r| r.expose_secret() == stored.access_token.expose_secret());
                let fresh = matches!(self.freshness(&stored, clock), Freshness::Fresh);
                let access = stored.access_token.clone();
                *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(stored);
                if fresh && !was_refused {
                    return Ok(access);
                }
            }
        }
        let previous = self.cached();
        let refresh = previous.as_ref().and_then(|t| t.refresh_token.clone());
        let now = clock.system_now();
        self.requests.fetch_add(1, Ordering::Relaxed);
        let result = match (&refresh, self.grant) {
            (Some(refresh), Grant::ClientCredentials) => match self.config.refresh_at(refresh, now).await {
                Err(err) if err.kind() == TokenErrorKind::Rejected => {
                    tracing::debug!(error = %err, "the refresh token was refused; requesting a new token");
                    self.requests.fetch_add(1, Ordering::Relaxed);
                    self.config.client_credentials_at(now).await
                }
                other => other,
            },
            (Some(refresh), Grant::RefreshOnly) => self.config.refresh_at(refresh, now).await,
            (None, Grant::ClientCredentials) => self.config.client_credentials_at(now).await,
            (None, Grant::RefreshOnly) => Err(TokenError::new(
                TokenErrorKind::Config,
                "no refresh token: the authorization must be done again",
            )),
        };
        let tokens = result?;
        tracing::debug!(
            token_url = self.config.token_url(),
            expires_in_s = tokens
                .expires_at
                .and_then(|at| at.duration_since(now).ok())
                .map(|d| d.as_secs()),
            "obtained an access token"
        );
        self.store.save(&tokens).await?;
        let access = tokens.access_token.clone();
        *self.current.lock().unwrap_or_else(PoisonError::into_inner) = Some(tokens);
        Ok(access)
    }

    /// Marks `used` as refused by the server (a 401), so the next [`access_token`] fetches a
    /// new token. A token other than the current one is ignored: another call has already
    /// replaced it.
    ///
    /// [`access_token`]: TokenManager::access_token
    pub fn invalidate(&self, used: &SecretString) {
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tokens) = current.as_mut() {
            if tokens.access_token.expose_secret() == used.expose_secret() {
                tokens.access_token = SecretString::from(String::new());
                *self.refused.lock().unwrap_or_else(PoisonError::into_inner) = Some(used.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store shared with an imaginary other process, which saved `fresh` while this one
    /// waited for the lock.
    struct Shared {
        loads: Mutex<Vec<TokenSet>>,
        locks: AtomicU64,
        released: Arc<AtomicU64>,
    }

    impl TokenStore for Shared {
        fn load(&self) -> StoreFuture<'_, Option<TokenSet>> {
            let mut loads = self.loads.lock().unwrap_or_else(PoisonError::into_inner);
            let next = if loads.len() > 1 {
                loads.remove(0)
            } else {
                loads[0].clone()
            };
            Box::pin(std::future::ready(Ok(Some(next))))
        }

        fn save<'a>(&'a self, _tokens: &'a TokenSet) -> StoreFuture<'a, ()> {
            Box::pin(std::future::ready(Ok(())))
        }

        fn lock_refresh(&self) -> StoreFuture<'_, Option<RefreshLock>> {
            self.locks.fetch_add(1, Ordering::Relaxed);
            let released = Arc::clone(&self.released);
            let lock = RefreshLock::new(Box::pin(async move {
                released.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }));
            Box::pin(std::future::ready(Ok(Some(lock))))
        }
    }

    fn expiring_in(secs: i64) -> SystemTime {
        let now = SystemTime::now();
        if secs >= 0 {
            now + Duration::from_secs(secs.unsigned_abs())
        } else {
            now - Duration::from_secs(secs.unsigned_abs())
        }
    }

    #[tokio::test]
    async fn a_shared_store_is_reloaded_under_its_lock_and_a_refused_token_not_reused() {
        let expired = TokenSet::new("old").expires_at(expiring_in(-60));
        let fresh = TokenSet::new("saved-by-another").expires_at(expiring_in(3600));
        let released = Arc::new(AtomicU64::new(0));
        let store = Shared {
            loads: Mutex::new(vec![expired, fresh]),
            locks: AtomicU64::new(0),
            released: Arc::clone(&released),
        };
        // Nothing listens there: any token request fails with a transport error.
        let config = OAuth2Config::new("id", "http://127.0.0.1:9/token");
        let manager = TokenManager::client_credentials(config).store(store);
        let token = manager.access_token().await.unwrap();
        assert_eq!(token.expose_secret(), "saved-by-another");
        assert_eq!(manager.token_requests(), 0);
        assert_eq!(released.load(Ordering::Relaxed), 1);

        // A 401 on it: the store still holds it, but it must not be used again.
        manager.invalidate(&token);
        let err = manager.access_token().await.unwrap_err();
        assert_eq!(err.kind(), TokenErrorKind::Transport, "{err}");
        assert_eq!(manager.token_requests(), 1);
        assert_eq!(
            released.load(Ordering::Relaxed),
            2,
            "released after a failed refresh too"
        );
    }
}
