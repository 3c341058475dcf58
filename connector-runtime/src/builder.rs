//! [`ClientBuilder`]: every setting of a client, checked when it is built.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::{Credential, Credentials};
use crate::client::{Client, ClientInner, GroupRule};
use crate::clock::{Clock, SystemClock};
use crate::hooks::Hook;
use crate::operation_state::OperationTable;
use crate::ratelimit::{LocalRateLimiter, Quota, RateLimiter};
use crate::retry::RetryPolicy;
use crate::spec::ApiSpec;
use crate::token::TokenManager;

/// Why a client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    message: String,
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot build the client: {}", self.message)
    }
}

impl std::error::Error for BuildError {}

/// Builds a client. Methods take and return the builder; mistakes are kept and reported by
/// [`ClientBuilder::build`].
///
/// `C` is the generated client type the builder produces; a generated `Client::builder()`
/// returns one.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// use connector_runtime::{connector, AttemptInfo, Hook, HookResponse, Quota, RetryPolicy};
///
/// #[connector(spec = "../specs/petstore.yaml", operations = ["listPets", "getPetById"])]
/// mod petstore {}
///
/// /// Logs every response.
/// struct Log;
///
/// impl Hook for Log {
///     fn after_response(&self, attempt: &AttemptInfo<'_>, response: &HookResponse) {
///         println!("{} -> {}", attempt.operation, response.status);
///     }
/// }
///
/// # fn main() -> Result<(), connector_runtime::BuildError> {
/// let client = petstore::Client::builder()
///     .base_url("https://staging.petstore.example.com/v1")
///     // Auth: the spec's API key scheme (see also `credential`, `bearer_token`,
///     // `basic_auth` and `token_manager`).
///     .api_key("demo-key")
///     // Retry: idempotent requests only, 4 attempts, backoff from 200 ms up to 5 s.
///     .retry(RetryPolicy::new().max_attempts(4).backoff(Duration::from_millis(200), Duration::from_secs(5)))
///     // Timeouts: per attempt, to connect, and for the whole call with its retries.
///     .timeout(Some(Duration::from_secs(10)))
///     .connect_timeout(Some(Duration::from_secs(3)))
///     .total_timeout(Some(Duration::from_secs(60)))
///     // Rate limits: 10 requests a second, bursts of 5, at most 4 in flight.
///     .rate_limit(Quota::per_second(10).burst(5))
///     .max_in_flight(4)
///     .hook(Log)
///     .build()?;
/// # let _ = client;
///
/// // Mistakes are collected and reported by `build`.
/// let err = petstore::Client::builder().base_url("not a url").build();
/// assert!(err.is_err());
/// # Ok(())
/// # }
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder<C> {
    api: &'static ApiSpec,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    credentials: Credentials,
    default_headers: HeaderMap,
    user_agent: Option<String>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    idempotency_header: Option<HeaderName>,
    proxy: Option<reqwest::Proxy>,
    root_certificates: Vec<reqwest::Certificate>,
    only_given_roots: bool,
    clock: Arc<dyn Clock>,
    limiter: LocalRateLimiter,
    custom_limiter: Option<Arc<dyn RateLimiter>>,
    groups: Vec<GroupRule>,
    hooks: Vec<Arc<dyn Hook>>,
    server_urls: Vec<(String, reqwest::Url)>,
    servers_to_base_url: bool,
    errors: Vec<String>,
    target: PhantomData<fn() -> C>,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for a client of `api`.
    pub fn new(api: &'static ApiSpec) -> Self {
        Self {
            api,
            base_url: None,
            http: None,
            credentials: Credentials::new(),
            default_headers: HeaderMap::new(),
            user_agent: None,
            retry: RetryPolicy::default(),
            timeout: Some(Duration::from_secs(30)),
            connect_timeout: Some(Duration::from_secs(10)),
            total_timeout: None,
            idempotency_header: None,
            proxy: None,
            root_certificates: Vec::new(),
            only_given_roots: false,
            clock: Arc::new(SystemClock),
            limiter: LocalRateLimiter::new(),
            custom_limiter: None,
            groups: Vec::new(),
            hooks: Vec::new(),
            server_urls: Vec::new(),
            servers_to_base_url: false,
            errors: Vec::new(),
            target: PhantomData,
        }
    }

    /// The base URL requests go to; defaults to the spec's first server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends the operations the spec gives their own server `spec_url` (an operation- or
    /// path-level `servers` entry, like GitHub's `https://uploads.github.com`) to `url` instead.
    /// A trailing `/` does not matter: Stripe's `https://files.stripe.com/` matches either way.
    pub fn server_url(mut self, spec_url: &str, url: &str) -> Self {
        match reqwest::Url::parse(url.trim_end_matches('/')) {
            Ok(parsed) if !parsed.cannot_be_a_base() => {
                self.server_urls
                    .push((spec_url.trim_end_matches('/').to_owned(), parsed));
            }
            _ => self
                .errors
                .push(format!("the server URL `{url}` is not an absolute URL")),
        }
        self
    }

    /// Sends every operation to the base URL, including those the spec gives a server of their
    /// own: what a mock server or a recording proxy in front of the whole API needs.
    pub fn all_servers_to_base_url(mut self) -> Self {
        self.servers_to_base_url = true;
        self
    }

    /// Uses this `reqwest::Client` (its proxy, TLS and pool settings) instead of building one;
    /// the connect timeout, user agent, proxy and certificates set here then do not apply.
    /// Call [`crate::install_crypto_provider`] before building it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sends every request through this proxy (`http://`, `https://` or `socks5://` URL;
    /// credentials may be part of it and are never printed).
    pub fn proxy(mut self, url: &str) -> Self {
        match reqwest::Proxy::all(url) {
            Ok(proxy) => self.proxy = Some(proxy),
            Err(_) => self.errors.push("invalid proxy URL".to_owned()),
        }
        self
    }

    /// Trusts the certificate authorities in this PEM data (one or more certificates) beside
    /// the built-in roots.
    pub fn root_certificates_pem(mut self, pem: &[u8]) -> Self {
        match reqwest::Certificate::from_pem_bundle(pem) {
            Ok(certificates) if !certificates.is_empty() => self.root_certificates.extend(certificates),
            _ => self
                .errors
                .push("no valid PEM certificate in the root certificates".to_owned()),
        }
        self
    }

    /// Trusts only the certificates given with [`ClientBuilder::root_certificates_pem`].
    pub fn only_given_roots(mut self, only: bool) -> Self {
        self.only_given_roots = only;
        self
    }

    /// Sends this header with every request.
    pub fn default_header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => {
                self.default_headers.append(name, value);
            }
            _ => self.errors.push(format!("invalid default header `{name}`")),
        }
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = Some(agent.into());
        self
    }

    /// Sets the credential for the security scheme named `scheme` in the spec.
    pub fn credential(mut self, scheme: &str, credential: Credential) -> Self {
        if self.api.scheme(scheme).is_none() {
            let known: Vec<&str> = self.api.schemes.iter().map(|s| s.name).collect();
            self.errors.push(format!(
                "the spec has no security scheme `{scheme}` (it has: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ));
        }
        self.credentials.set(scheme, credential);
        self
    }

    /// Uses this bearer token for every bearer, OAuth 2.0 and OpenID Connect scheme.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials.set_bearer(token);
        self
    }

    /// Uses tokens from `manager` for every bearer, OAuth 2.0 and OpenID Connect scheme; a 401
    /// on one of its tokens gets a new token and one more attempt.
    pub fn token_manager(mut self, manager: impl Into<Arc<TokenManager>>) -> Self {
        self.credentials.set_oauth2(manager);
        self
    }

    /// Uses this key for every API key scheme.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials.set_api_key(key);
        self
    }

    /// Uses these credentials for every HTTP basic scheme.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials.set_basic(username, password);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the timeout of each attempt (default 30 s); `None` for none.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets a limit on a whole call, retries and waits included.
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// Adds a fresh idempotency key in this header to every POST and PATCH (Stripe uses
    /// `Idempotency-Key`); the same key is sent on every attempt, so such writes are retried.
    pub fn idempotency_header(mut self, name: &str) -> Self {
        match HeaderName::try_from(name) {
            Ok(name) => self.idempotency_header = Some(name),
            Err(_) => self.errors.push(format!("invalid idempotency header name `{name}`")),
        }
        self
    }

    /// Uses this clock for retry waits, rate limiting and token expiry (tests use
    /// [`crate::ManualClock`]): token managers without a clock of their own
    /// ([`TokenManager::clock`]) judge expiry and refresh-ahead by it. Timeouts always run on
    /// real time.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Limits requests outside any group to `quota` (shared by every clone of the client).
    pub fn rate_limit(mut self, quota: Quota) -> Self {
        self.limiter = self.limiter.quota(quota);
        self
    }

    /// Gives the group `name` its own quota. Assign operations to it with
    /// [`ClientBuilder::rate_limit_operation`] or [`ClientBuilder::rate_limit_path_prefix`].
    pub fn rate_limit_group(mut self, name: &str, quota: Quota) -> Self {
        self.limiter = self.limiter.group(name, quota);
        self
    }

    /// Puts the operation `operation_id` in the group `group`.
    pub fn rate_limit_operation(mut self, group: &str, operation_id: &str) -> Self {
        self.groups.push(GroupRule::Operation {
            group: group.to_owned(),
            operation: operation_id.to_owned(),
        });
        self
    }

    /// Puts every operation whose path template starts with `prefix` (e.g. `/search/`) in the
    /// group `group`. Operation rules are checked first, then prefixes in the order given.
    pub fn rate_limit_path_prefix(mut self, group: &str, prefix: &str) -> Self {
        self.groups.push(GroupRule::PathPrefix {
            group: group.to_owned(),
            prefix: prefix.to_owned(),
        });
        self
    }

    /// Allows at most `max` requests in flight at once.
    pub fn max_in_flight(mut self, max: usize) -> Self {
        self.limiter = self.limiter.max_in_flight(max);
        self
    }

    /// Whether to hold requests when the server's rate-limit headers say the budget is spent
    /// (default: yes).
    pub fn adaptive_rate_limit(mut self, adaptive: bool) -> Self {
        self.limiter = self.limiter.adaptive(adaptive);
        self
    }

    /// The longest the rate limiter may hold a request (default 60 s); a longer wait fails the
    /// call with [`crate::ErrorKind::RateLimited`].
    pub fn max_rate_limit_wait(mut self, max: Duration) -> Self {
        self.limiter = self.limiter.max_wait(max);
        self
    }

    /// Uses this limiter (e.g. one backed by a shared store) instead of the in-process one;
    /// the other rate-limit settings except the groups then do not apply.
    pub fn rate_limiter(mut self, limiter: Arc<dyn RateLimiter>) -> Self {
        self.custom_limiter = Some(limiter);
        self
    }

    /// Adds a hook that runs around every attempt; hooks run in the order added.
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// When a setting was invalid, when no base URL is given and the spec has no absolute
    /// server URL, or when the HTTP client cannot be built.
    pub fn build(self) -> Result<C, BuildError> {
        let mut errors = self.errors;
        let base_url = match self.base_url.or_else(|| self.api.default_server.map(str::to_owned)) {
            Some(url) => url,
            None => {
                errors.push("no base URL: the spec has no servers; call `base_url`".to_owned());
                String::new()
            }
        };
        let base = reqwest::Url::parse(base_url.trim_end_matches('/')).ok();
        if !base_url.is_empty() && base.as_ref().is_none_or(reqwest::Url::cannot_be_a_base) {
            errors.push(format!("the base URL `{base_url}` is not an absolute URL"));
        }
        let http = match self.http {
            Some(http) => Some(http),
            None => {
                install_crypto_provider();
                let mut builder = reqwest::Client::builder().user_agent(
                    self.user_agent
                        .unwrap_or_else(|| concat!("api-conductor/", env!("CARGO_PKG_VERSION")).to_owned()),
                );
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                if let Some(proxy) = self.proxy {
                    builder = builder.proxy(proxy);
                }
                if self.only_given_roots {
                    builder = builder.tls_certs_only(self.root_certificates);
                } else if !self.root_certificates.is_empty() {
                    builder = builder.tls_certs_merge(self.root_certificates);
                }
                match builder.build() {
                    Ok(http) => Some(http),
                    Err(err) => {
                        errors.push(format!("the HTTP client cannot be built: {err}"));
                        None
                    }
                }
            }
        };
        if !errors.is_empty() {
            return Err(BuildError {
                message: errors.join("; "),
            });
        }
        let (Some(http), Some(base)) = (http, base) else {
            return Err(BuildError {
                message: "no HTTP client or base URL".to_owned(),
            });
        };
        let base_path_is_root = base.path().trim_end_matches('/').is_empty();
        let limiter = self
            .custom_limiter
            .unwrap_or_else(|| Arc::new(self.limiter.clock(Arc::clone(&self.clock))));
        Ok(C::from(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url: base_url.trim_end_matches('/').to_owned(),
                base,
                api: self.api,
                credentials_have_token_manager: self.credentials.has_token_manager(),
                base_path_is_root,
                default_headers_have_accept: self.default_headers.contains_key(reqwest::header::ACCEPT),
                credentials: self.credentials,
                default_headers: self.default_headers,
                retry: self.retry,
                timeout: self.timeout,
                total_timeout: self.total_timeout,
                idempotency_header: self.idempotency_header,
                clock: self.clock,
                limiter,
                groups: self.groups,
                hooks: self.hooks,
                operations: OperationTable::new(self.api.operation_count),
                server_urls: self.server_urls,
                servers_to_base_url: self.servers_to_base_url,
            }),
        }))
    }
}

/// Installs rustls' `ring` crypto provider as the process default, unless one is installed.
///
/// Building a client does this itself; call it before building your own `reqwest::Client`
/// (for [`ClientBuilder::http_client`]), which otherwise panics for want of a provider.
pub fn install_crypto_provider() {
    // Fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
