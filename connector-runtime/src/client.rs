//! The client every generated connector wraps, and its builder.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument as _;

use crate::auth::{self, Credential, Credentials};
use crate::error::{ErrorInner, ErrorKind};
use crate::operation::CallOptions;
use crate::request::{Body, RawResponse, RequestParts};
use crate::retry::{server_wait_hint, Decision, Outcome, RetryPolicy};
use crate::spec::{ApiSpec, OperationSpec};

/// A configured connection to one API: base URL, credentials and policies.
///
/// Cheap to clone: clones share one connection pool and configuration.
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    http: reqwest::Client,
    base_url: String,
    api: &'static ApiSpec,
    credentials: Credentials,
    default_headers: HeaderMap,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    idempotency_header: Option<HeaderName>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.inner.api.title)
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

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
/// `C` is the generated client type the builder produces.
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
            errors: Vec::new(),
            target: PhantomData,
        }
    }

    /// The base URL requests go to; defaults to the spec's first server.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Uses this `reqwest::Client` (its proxy, TLS and pool settings) instead of building one;
    /// the connect timeout and user agent set here then do not apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
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
        if !base_url.is_empty() && reqwest::Url::parse(&base_url).is_err() {
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
                match builder.build() {
                    Ok(http) => Some(http),
                    Err(err) => {
                        errors.push(err.to_string());
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
        let Some(http) = http else {
            return Err(BuildError {
                message: "no HTTP client".to_owned(),
            });
        };
        Ok(C::from(Client {
            inner: Arc::new(ClientInner {
                http,
                base_url: base_url.trim_end_matches('/').to_owned(),
                api: self.api,
                credentials: self.credentials,
                default_headers: self.default_headers,
                retry: self.retry,
                timeout: self.timeout,
                total_timeout: self.total_timeout,
                idempotency_header: self.idempotency_header,
            }),
        }))
    }
}

fn install_crypto_provider() {
    // Fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// What a successful exchange returns to the generic execution code.
pub(crate) struct Exchange {
    pub(crate) response: RawResponse,
    pub(crate) attempts: u32,
    pub(crate) url: String,
}

impl Client {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The API this client talks to.
    pub fn api(&self) -> &'static ApiSpec {
        self.inner.api
    }

    /// Sends one call, retrying by the policy; any HTTP response (success or not) is `Ok`.
    pub(crate) async fn send(
        &self,
        spec: &'static OperationSpec,
        parts: RequestParts,
        options: CallOptions,
    ) -> Result<Exchange, Box<ErrorInner>> {
        let total = options.total_timeout.or(self.inner.total_timeout);
        let span = tracing::debug_span!(
            "connector.call",
            operation = spec.id,
            method = spec.method.as_str(),
            path = parts.template(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        let future = self.send_with_retries(spec, parts, options).instrument(span);
        match total {
            None => future.await,
            Some(limit) => match tokio::time::timeout(limit, future).await {
                Ok(result) => result,
                Err(_) => Err(ErrorInner::new(
                    ErrorKind::Timeout,
                    spec,
                    format!("the call took longer than its total timeout of {limit:?}"),
                )),
            },
        }
    }

    async fn send_with_retries(
        &self,
        spec: &'static OperationSpec,
        mut parts: RequestParts,
        options: CallOptions,
    ) -> Result<Exchange, Box<ErrorInner>> {
        let inner = &*self.inner;
        let policy = options.retry.as_ref().unwrap_or(&inner.retry);
        let method = spec.method;
        let idempotency_key = options.idempotency_key.clone().or_else(|| {
            (!method.is_idempotent() && inner.idempotency_header.is_some())
                .then(|| format!("{:032x}", fastrand::u128(..)))
        });
        let replayable = method.is_idempotent() || idempotency_key.is_some();

        auth::apply(
            spec.effective_security(),
            inner.api,
            options.credentials.as_ref(),
            &inner.credentials,
            method.as_str(),
            &mut parts,
        )
        .map_err(|message| ErrorInner::new(ErrorKind::MissingCredentials, spec, message))?;
        let (request, url) = self.build_request(spec, &parts, &options, idempotency_key.as_deref())?;

        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let Some(this_attempt) = request.try_clone() else {
                return Err(ErrorInner::new(ErrorKind::Encode, spec, "the request cannot be cloned"));
            };
            let result = inner.http.execute(this_attempt).await;
            match result {
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    let body = match response.bytes().await {
                        Ok(body) => body,
                        Err(err) => {
                            let outcome = if err.is_timeout() {
                                Outcome::Timeout
                            } else {
                                Outcome::Interrupted
                            };
                            match self.next_step(policy, attempt, outcome, replayable, started) {
                                Some(wait) => {
                                    tokio::time::sleep(wait).await;
                                    continue;
                                }
                                None => return Err(transport_error(spec, err, attempt, &url)),
                            }
                        }
                    };
                    let raw = RawResponse { status, headers, body };
                    if status.is_success() || status.is_redirection() || status.is_informational() {
                        tracing::Span::current()
                            .record("status", status.as_u16())
                            .record("attempts", attempt);
                        return Ok(Exchange {
                            response: raw,
                            attempts: attempt,
                            url,
                        });
                    }
                    let hint = server_wait_hint(&raw.headers, SystemTime::now());
                    let outcome = Outcome::Status(status.as_u16(), hint);
                    match policy.decide(attempt, outcome, replayable, started.elapsed(), fastrand::f64()) {
                        Decision::Retry(wait) => {
                            tracing::debug!(
                                status = status.as_u16(),
                                attempt,
                                wait_ms = wait.as_millis() as u64,
                                "retrying"
                            );
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        Decision::WaitTooLong(wait) => {
                            let mut error = ErrorInner::new(
                                ErrorKind::RateLimited,
                                spec,
                                format!("the server asked to wait {wait:?}, longer than the retry policy allows"),
                            );
                            error.status = Some(status);
                            error.headers = Some(raw.headers);
                            error.raw_body = Some(raw.body);
                            error.retry_after = Some(wait);
                            error.attempts = attempt;
                            error.url = Some(url);
                            return Err(error);
                        }
                        _ => {
                            tracing::Span::current()
                                .record("status", status.as_u16())
                                .record("attempts", attempt);
                            return Ok(Exchange {
                                response: raw,
                                attempts: attempt,
                                url,
                            });
                        }
                    }
                }
                Err(err) => {
                    let outcome = if err.is_connect() {
                        Outcome::NotSent
                    } else if err.is_timeout() {
                        Outcome::Timeout
                    } else {
                        Outcome::Interrupted
                    };
                    match self.next_step(policy, attempt, outcome, replayable, started) {
                        Some(wait) => {
                            tracing::debug!(attempt, error = %err, "retrying after a transport error");
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        None => return Err(transport_error(spec, err, attempt, &url)),
                    }
                }
            }
        }
    }

    fn next_step(
        &self,
        policy: &RetryPolicy,
        attempt: u32,
        outcome: Outcome,
        replayable: bool,
        started: Instant,
    ) -> Option<Duration> {
        match policy.decide(attempt, outcome, replayable, started.elapsed(), fastrand::f64()) {
            Decision::Retry(wait) => Some(wait),
            _ => None,
        }
    }

    fn build_request(
        &self,
        spec: &'static OperationSpec,
        parts: &RequestParts,
        options: &CallOptions,
        idempotency_key: Option<&str>,
    ) -> Result<(reqwest::Request, String), Box<ErrorInner>> {
        let inner = &*self.inner;
        let config_error = |message: String| ErrorInner::new(ErrorKind::Config, spec, message);
        let encode_error = |message: String| ErrorInner::new(ErrorKind::Encode, spec, message);
        let mut url = reqwest::Url::parse(&format!("{}{}", inner.base_url, parts.path))
            .map_err(|err| config_error(format!("invalid URL: {err}")))?;
        if !parts.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &parts.query {
                pairs.append_pair(name, value);
            }
        }
        let display_url = redact_url(&url, inner.api);
        let mut request = reqwest::Request::new(spec.method.as_reqwest(), url);
        let headers = request.headers_mut();
        for (name, value) in &inner.default_headers {
            headers.append(name, value.clone());
        }
        for (name, value) in parts.headers.iter().chain(options.headers.iter()) {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| encode_error(format!("invalid header name `{name}`")))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|_| encode_error(format!("invalid value for header `{name}`")))?;
            headers.append(name, value);
        }
        if !parts.cookies.is_empty() {
            let cookie = parts
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            let value = HeaderValue::try_from(cookie).map_err(|_| encode_error("invalid cookie value".to_owned()))?;
            headers.append(reqwest::header::COOKIE, value);
        }
        if let (Some(key), Some(name)) = (
            idempotency_key,
            inner
                .idempotency_header
                .as_ref()
                .or(options.idempotency_header.as_ref()),
        ) {
            let value = HeaderValue::try_from(key).map_err(|_| encode_error("invalid idempotency key".to_owned()))?;
            headers.insert(name.clone(), value);
        }
        if !headers.contains_key(reqwest::header::ACCEPT) {
            headers.insert(
                reqwest::header::ACCEPT,
                HeaderValue::from_static("application/json, */*;q=0.5"),
            );
        }
        if let Body::Bytes { content_type, data } = &parts.body {
            let value = HeaderValue::try_from(content_type.as_str())
                .map_err(|_| encode_error(format!("invalid content type `{content_type}`")))?;
            request.headers_mut().insert(reqwest::header::CONTENT_TYPE, value);
            *request.body_mut() = Some(reqwest::Body::from(data.clone()));
        }
        let timeout = options.timeout.or(inner.timeout);
        *request.timeout_mut() = timeout;
        Ok((request, display_url))
    }
}

/// The URL with API-key query parameters replaced by `<redacted>`.
fn redact_url(url: &reqwest::Url, api: &ApiSpec) -> String {
    let secret_names: Vec<&str> = auth::secret_query_names(api).collect();
    if secret_names.is_empty() || url.query().is_none() {
        return url.to_string();
    }
    let mut redacted = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let value = if secret_names.contains(&k.as_ref()) {
                "<redacted>".to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), value)
        })
        .collect();
    redacted.query_pairs_mut().clear().extend_pairs(pairs);
    redacted.to_string()
}

fn transport_error(spec: &'static OperationSpec, err: reqwest::Error, attempts: u32, url: &str) -> Box<ErrorInner> {
    let kind = if err.is_connect() {
        ErrorKind::Connect
    } else if err.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    let mut inner = ErrorInner::new(kind, spec, describe_reqwest_error(&err));
    inner.attempts = attempts;
    inner.url = Some(url.to_owned());
    inner.source = Some(Box::new(err.without_url()));
    inner
}

fn describe_reqwest_error(err: &reqwest::Error) -> String {
    let mut message = if err.is_connect() {
        "could not connect".to_owned()
    } else if err.is_timeout() {
        "timed out".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
