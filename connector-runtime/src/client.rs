//! The client every generated connector wraps, and the send loop: credentials, hooks, rate
//! limiting, retries and the 401-refresh, all per attempt.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tracing::Instrument as _;

use crate::auth::{self, AuthFailure, Credentials, IssuedToken};
use crate::clock::Clock;
use crate::error::{ErrorInner, ErrorKind};
use crate::health::HealthSnapshot;
use crate::hooks::{AttemptInfo, Hook, HookRequest, HookResponse};
use crate::multipart::{Encoded, SharedStream};
use crate::operation::CallOptions;
use crate::operation_state::{OperationState, OperationTable, StateRef};
use crate::ratelimit::{LimitError, LimitKey, Permit, RateLimiter};
use crate::request::{Body, RawResponse, RequestParts};
use crate::retry::{server_wait_hint, Decision, Outcome, RetryPolicy};
use crate::spec::{ApiSpec, OperationSpec};

pub(crate) use crate::builder::install_crypto_provider;

/// A configured connection to one API: base URL, credentials and policies.
///
/// Cheap to clone: clones share one connection pool, rate limiter, token managers, health
/// counters and configuration.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<ClientInner>,
}

pub(crate) struct ClientInner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// `base_url`, parsed once.
    pub(crate) base: reqwest::Url,
    pub(crate) api: &'static ApiSpec,
    pub(crate) credentials: Credentials,
    /// Whether `credentials` hold an OAuth token manager, so calls may wait for a token.
    pub(crate) credentials_have_token_manager: bool,
    /// Whether `base`'s path is `/`, so a request's URL is `base` with the operation's path.
    pub(crate) base_path_is_root: bool,
    /// Whether `default_headers` set `Accept`.
    pub(crate) default_headers_have_accept: bool,
    pub(crate) default_headers: HeaderMap,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) idempotency_header: Option<HeaderName>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) limiter: Arc<dyn RateLimiter>,
    pub(crate) groups: Vec<GroupRule>,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
    /// Each operation's health counters and credential headers.
    pub(crate) operations: OperationTable,
    /// Operation-level servers of the spec mapped to other URLs.
    pub(crate) server_urls: Vec<(String, reqwest::Url)>,
    /// Whether operations with their own server go to the base URL too (mocks, proxies).
    pub(crate) servers_to_base_url: bool,
}

/// How an operation is assigned to a rate-limit group.
#[derive(Debug, Clone)]
pub(crate) enum GroupRule {
    Operation { group: String, operation: String },
    PathPrefix { group: String, prefix: String },
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api", &self.inner.api.title)
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("retry", &self.inner.retry)
            .field("rate_limit_groups", &self.inner.groups)
            .field("hooks", &self.inner.hooks.len())
            .finish_non_exhaustive()
    }
}

/// What a successful exchange returns to the generic execution code.
pub(crate) struct Exchange {
    pub(crate) response: RawResponse,
    pub(crate) attempts: u32,
    /// A success response whose body was left unread because the caller streams it; boxed, as
    /// it is rare and every exchange is moved through the call's futures.
    pub(crate) body_stream: Option<Box<reqwest::Response>>,
}

/// What the send loop does after a response that is not a success.
enum Refusal {
    /// Fetch a new token and send again.
    Refresh,
    /// Wait, then send again.
    Retry(Duration),
    /// End the call with this response (its status is the caller's to judge).
    Answer(RawResponse),
    /// End the call with this error.
    Fail(Box<ErrorInner>),
}

/// An attempt's request, ready to send, or a hook's answer in its place.
enum Attempt {
    Send {
        request: reqwest::Request,
        /// The URL, kept for the hooks told of the response (none without hooks).
        url: Option<Box<reqwest::Url>>,
    },
    Answered(HookResponse),
}

/// The state of one call across its attempts.
struct CallState {
    attempt: u32,
    /// Attempts that count against the retry policy (a 401-refresh resend does not).
    policy_attempt: u32,
    refreshed: bool,
    waited: Duration,
    started: Instant,
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

    /// The health counters of every operation called so far, shared by all clones.
    pub fn health(&self) -> HealthSnapshot {
        self.inner.operations.health()
    }

    /// The URL with API-key query parameters redacted, for errors and hooks.
    pub(crate) fn redacted(&self, url: &reqwest::Url) -> String {
        redact_url(url, self.inner.api)
    }

    /// The URL `parts` are sent to, with API-key query parameters redacted, for errors.
    pub(crate) fn redacted_url(&self, parts: &RequestParts) -> String {
        match self.url(parts) {
            Ok(url) => self.redacted(&url),
            Err(message) => message,
        }
    }

    /// What the client keeps for `spec`'s operation: health counters, credential headers.
    pub(crate) fn operation_state(&self, spec: &'static OperationSpec) -> StateRef<'_> {
        self.inner.operations.get(spec)
    }

    fn group(&self, spec: &OperationSpec) -> Option<&str> {
        let groups = &self.inner.groups;
        groups
            .iter()
            .find_map(|rule| match rule {
                GroupRule::Operation { group, operation } if operation == spec.id => Some(group.as_str()),
                _ => None,
            })
            .or_else(|| {
                groups.iter().find_map(|rule| match rule {
                    GroupRule::PathPrefix { group, prefix } if spec.path.starts_with(prefix.as_str()) => {
                        Some(group.as_str())
                    }
                    _ => None,
                })
            })
    }

    /// Sends one call, retrying by the policy; any HTTP response (success or not) is `Ok`.
    ///
    /// `parts` are borrowed, not moved through the call's futures: afterwards they are the last
    /// attempt's, credentials applied, and name its URL in an error (see
    /// [`Client::redacted_url`]) without a copy of the URL being kept for every call.
    pub(crate) fn send<'a>(
        &'a self,
        spec: &'static OperationSpec,
        parts: &'a mut RequestParts,
        options: CallOptions,
        state: &'a OperationState,
    ) -> impl Future<Output = Result<Exchange, Box<ErrorInner>>> + Send + 'a {
        let total = options.get().total_timeout.or(self.inner.total_timeout);
        let span = tracing::debug_span!(
            "connector.call",
            operation = spec.id,
            method = spec.method.as_str(),
            path = parts.template(),
            group = tracing::field::Empty,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            waited_ms = tracing::field::Empty,
        );
        // The send loop's state is large: boxed here, so the future returned (and the call's
        // future holding it) carries only a pointer to it. Not an `async fn`: its state would
        // keep room for the loop's future beside the box.
        let future = Box::pin(self.send_with_retries(spec, parts, options, state)).instrument(span);
        async move {
            match total {
                None => future.await,
                Some(limit) => match Box::pin(tokio::time::timeout(limit, future)).await {
                    Ok(result) => result,
                    Err(_) => Err(ErrorInner::new(
                        ErrorKind::Timeout,
                        spec,
                        format!("the call took longer than its total timeout of {limit:?}"),
                    )),
                },
            }
        }
    }

    /// [`Client::authorize`] for credentials without a token manager, which never wait:
    /// applied here, without a future.
    fn authorize_at_once(
        &self,
        spec: &'static OperationSpec,
        operation: &OperationState,
        parts: &mut RequestParts,
        options: &CallOptions,
    ) -> Result<(), Box<ErrorInner>> {
        let inner = &*self.inner;
        let call_credentials = options.get().credentials.as_ref();
        if call_credentials.is_none() {
            // The client's credentials are fixed: what they add to this operation's requests
            // is worked out once.
            let headers = operation
                .credential_headers
                .get_or_init(|| auth::fixed_headers(spec.effective_security(), spec.api, &inner.credentials));
            if let Some(headers) = headers {
                parts.headers.extend(headers.iter().cloned());
                return Ok(());
            }
        }
        auth::apply_now(
            spec.effective_security(),
            spec.api,
            call_credentials,
            &inner.credentials,
            spec.method.as_str(),
            parts,
        )
        .map_err(|failure| auth_error(spec, failure))
    }

    /// Applies the credentials to `parts`, fetching a token first where one is needed.
    async fn authorize(
        &self,
        spec: &'static OperationSpec,
        parts: &mut RequestParts,
        options: &CallOptions,
    ) -> Result<IssuedToken, Box<ErrorInner>> {
        let inner = &*self.inner;
        auth::apply(
            spec.effective_security(),
            spec.api,
            options.get().credentials.as_ref(),
            &inner.credentials,
            &*inner.clock,
            spec.method.as_str(),
            parts,
        )
        .await
        .map_err(|failure| auth_error(spec, failure))
    }

    async fn send_with_retries(
        &self,
        spec: &'static OperationSpec,
        parts: &mut RequestParts,
        options: CallOptions,
        operation: &OperationState,
    ) -> Result<Exchange, Box<ErrorInner>> {
        if let Body::Multipart(multipart) = &parts.body {
            // Files are read (or their streams taken) once, before the first attempt.
            let boundary = format!("conductor-{:032x}", fastrand::u128(..));
            let content_type = format!("multipart/form-data; boundary={boundary}");
            parts.body = match Box::pin(multipart.encode(&boundary)).await {
                Ok(Encoded::Bytes(data)) => Body::Bytes { content_type, data },
                Ok(Encoded::Stream(stream)) => Body::Stream {
                    content_type,
                    stream: SharedStream::new(stream),
                },
                Err(message) => return Err(ErrorInner::new(ErrorKind::Encode, spec, message)),
            };
        }
        let inner = &*self.inner;
        let clock = &*inner.clock;
        // A streamed body can be sent once: no retry, no resend after a 401.
        let streamed = matches!(parts.body, Body::Stream { .. });
        let stream_response = parts.stream_response;
        // A static rather than a local: the send loop's future keeps no room for it.
        static NEVER: std::sync::LazyLock<RetryPolicy> = std::sync::LazyLock::new(RetryPolicy::never);
        let policy = if streamed {
            &*NEVER
        } else {
            options.get().retry.as_ref().unwrap_or(&inner.retry)
        };
        let method = spec.method;
        let idempotency_key = options.get().idempotency_key.clone().or_else(|| {
            (!method.is_idempotent() && inner.idempotency_header.is_some())
                .then(|| format!("{:032x}", fastrand::u128(..)))
        });
        let replayable = method.is_idempotent() || idempotency_key.is_some();
        let group = self.group(spec);
        if let Some(group) = group {
            if tracing::level_enabled!(tracing::Level::DEBUG) {
                tracing::Span::current().record("group", group);
            }
        }
        let key = LimitKey::new(spec.id, spec.path, group);

        let token_manager = inner.credentials_have_token_manager
            || options
                .get()
                .credentials
                .as_ref()
                .is_some_and(Credentials::has_token_manager);
        // The unauthenticated parts are kept only when a 401 could make us send them again
        // with a new token.
        let may_refresh = token_manager && !streamed;
        // Boxed: rarely there, and the send loop's future would otherwise keep room for it.
        let unauthenticated = may_refresh.then(|| Box::new(parts.clone()));
        // Each attempt's request is built from the authenticated parts: the first attempt
        // copies nothing, and a retry builds the same request again.
        let mut issued = if token_manager {
            // A token may have to be fetched: boxed, as that future is large.
            Box::pin(self.authorize(spec, parts, &options)).await?
        } else {
            self.authorize_at_once(spec, operation, parts, &options)?;
            None
        };
        let mut state = CallState {
            attempt: 0,
            policy_attempt: 0,
            refreshed: false,
            waited: Duration::ZERO,
            started: clock.now(),
        };
        loop {
            state.attempt += 1;
            state.policy_attempt += 1;
            // The request is built, and shown to the hooks, outside this function: borrowed
            // here, it would keep room in the loop's state across every await below.
            let (request, url) =
                match self.prepare_attempt(spec, parts, &options, idempotency_key.as_deref(), state.attempt)? {
                    Attempt::Answered(answer) => {
                        self.finish_span(&state, answer.status.as_u16());
                        return Ok(Exchange {
                            response: RawResponse {
                                status: answer.status,
                                headers: answer.headers,
                                body: answer.body,
                            },
                            attempts: state.attempt,
                            body_stream: None,
                        });
                    }
                    Attempt::Send { request, url } => (request, url),
                };
            let (permit, request) = match inner.limiter.permit_now(key) {
                Some(permit) => (permit, request),
                // Rare: the request waits in its own boxed future.
                None => Box::pin(self.wait_for_permit(spec, key, request, state.attempt, parts)).await?,
            };
            state.waited += permit.waited();
            operation.counters.attempt(state.attempt > 1, permit.waited());
            // Only hooks are told an attempt's latency; reading the clock is not free.
            let sent_at = url.is_some().then(Instant::now);
            let mut response = match inner.http.execute(request).await {
                Ok(response) => response,
                Err(err) => {
                    drop(permit);
                    let wait = self.after_transport_error(spec, policy, &state, err, replayable, parts)?;
                    self.wait(&mut state, wait).await;
                    continue;
                }
            };
            let status = response.status();
            inner.limiter.observe(key, status.as_u16(), response.headers());
            if stream_response && status.is_success() {
                // The caller reads the body as it arrives; the call ends with the headers.
                drop(permit);
                return Ok(self.streamed_exchange(&state, response));
            }
            let body = match read_body(&mut response).await {
                Ok(body) => body,
                Err(err) => {
                    drop(permit);
                    let wait = self.after_transport_error(spec, policy, &state, err, replayable, parts)?;
                    self.wait(&mut state, wait).await;
                    continue;
                }
            };
            drop(permit);
            // Taken once the body is read, so the loop's state keeps no room for a copy meanwhile.
            let headers = std::mem::take(response.headers_mut());
            drop(response);
            let raw = RawResponse { status, headers, body };
            if let (Some(sent_at), Some(url)) = (sent_at, &url) {
                self.after_hooks(spec, url, state.attempt, sent_at.elapsed(), &raw);
            }
            if status.is_success() || status.is_redirection() || status.is_informational() {
                self.finish_span(&state, status.as_u16());
                return Ok(Exchange {
                    response: raw,
                    attempts: state.attempt,
                    body_stream: None,
                });
            }
            // A 401 can be answered with a new token when we issued the one refused.
            let refreshable = may_refresh && issued.is_some();
            match self.after_refusal(spec, policy, &mut state, raw, replayable, refreshable, parts) {
                Refusal::Refresh => {
                    if let (Some((manager, token)), Some(unauthenticated)) = (&issued, &unauthenticated) {
                        manager.invalidate(token);
                        *parts = RequestParts::clone(unauthenticated);
                    }
                    issued = Box::pin(self.authorize(spec, parts, &options)).await?;
                }
                Refusal::Retry(wait) => self.wait(&mut state, wait).await,
                Refusal::Answer(response) => {
                    return Ok(Exchange {
                        response,
                        attempts: state.attempt,
                        body_stream: None,
                    })
                }
                Refusal::Fail(error) => return Err(error),
            }
        }
    }

    /// What follows an attempt that failed without a response (`err`): the wait before the
    /// next attempt, or the call's error.
    #[cold]
    #[inline(never)]
    fn after_transport_error(
        &self,
        spec: &'static OperationSpec,
        policy: &RetryPolicy,
        state: &CallState,
        err: reqwest::Error,
        replayable: bool,
        parts: &RequestParts,
    ) -> Result<Duration, Box<ErrorInner>> {
        match self.next_step(policy, state, transport_outcome(&err), replayable) {
            Some(wait) => {
                tracing::debug!(attempt = state.attempt, error = %err, "retrying after a transport error");
                Ok(wait)
            }
            None => Err(transport_error(spec, err, state.attempt, self.redacted_url(parts))),
        }
    }

    /// The exchange of a success whose body the caller streams: it ends with the headers.
    #[cold]
    #[inline(never)]
    fn streamed_exchange(&self, state: &CallState, response: reqwest::Response) -> Exchange {
        self.finish_span(state, response.status().as_u16());
        Exchange {
            response: RawResponse {
                status: response.status(),
                headers: response.headers().clone(),
                body: bytes::Bytes::new(),
            },
            attempts: state.attempt,
            body_stream: Some(Box::new(response)),
        }
    }

    /// What follows a response that is not a success: a token refresh (a 401 on a token we
    /// issued, once), a retry, or the end of the call with the response or an error.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn after_refusal(
        &self,
        spec: &'static OperationSpec,
        policy: &RetryPolicy,
        state: &mut CallState,
        raw: RawResponse,
        replayable: bool,
        refreshable: bool,
        parts: &RequestParts,
    ) -> Refusal {
        let status = raw.status;
        if status == reqwest::StatusCode::UNAUTHORIZED && !state.refreshed && refreshable {
            // A token we issued was refused: get a new one and send once more. The server did
            // not act on an unauthenticated request, so this is safe for any method.
            state.refreshed = true;
            state.policy_attempt -= 1;
            tracing::debug!(
                attempt = state.attempt,
                "401 on an issued token; refreshing it and resending"
            );
            return Refusal::Refresh;
        }
        let clock = &*self.inner.clock;
        let hint = server_wait_hint(&raw.headers, clock.system_now());
        let outcome = Outcome::Status(status.as_u16(), hint);
        let elapsed = clock.now().saturating_duration_since(state.started);
        match policy.decide(state.policy_attempt, outcome, replayable, elapsed, fastrand::f64()) {
            Decision::Retry(wait) => {
                tracing::debug!(
                    status = status.as_u16(),
                    attempt = state.attempt,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                Refusal::Retry(wait)
            }
            Decision::WaitTooLong(wait) => {
                self.finish_span(state, status.as_u16());
                let error = ErrorInner::answered(
                    ErrorKind::RateLimited,
                    spec,
                    format!("the server asked to wait {wait:?}, longer than the retry policy allows"),
                    raw,
                    state.attempt,
                    self.redacted_url(parts),
                );
                Refusal::Fail(error.with_retry_after(wait))
            }
            _ => {
                self.finish_span(state, status.as_u16());
                Refusal::Answer(raw)
            }
        }
    }

    /// Builds an attempt's request and shows it to the hooks, which may answer it instead.
    fn prepare_attempt(
        &self,
        spec: &'static OperationSpec,
        parts: &RequestParts,
        options: &CallOptions,
        idempotency_key: Option<&str>,
        attempt: u32,
    ) -> Result<Attempt, Box<ErrorInner>> {
        let mut request = self.build_request(spec, parts, options, idempotency_key)?;
        if let Some(answer) = self.before_hooks(spec, attempt, &mut request) {
            return Ok(Attempt::Answered(answer));
        }
        // Boxed: only hooks need it, and the loop's state then keeps no room for a URL.
        let url = (!self.inner.hooks.is_empty()).then(|| Box::new(request.url().clone()));
        Ok(Attempt::Send { request, url })
    }

    /// Waits for the rate limiter's permit to send `request` (attempt number `attempt`).
    async fn wait_for_permit(
        &self,
        spec: &'static OperationSpec,
        key: LimitKey<'_>,
        request: reqwest::Request,
        attempt: u32,
        parts: &RequestParts,
    ) -> Result<(Permit, reqwest::Request), Box<ErrorInner>> {
        match self.inner.limiter.acquire(key).await {
            Ok(permit) => Ok((permit, request)),
            Err(err) => {
                let mut error = ErrorInner::new(ErrorKind::RateLimited, spec, err.to_string())
                    .with_attempts(attempt - 1)
                    .with_url(self.redacted_url(parts));
                if let LimitError::WaitTooLong(wait) = err {
                    error = error.with_retry_after(wait);
                }
                Err(error)
            }
        }
    }

    async fn wait(&self, state: &mut CallState, wait: Duration) {
        state.waited += wait;
        self.inner.clock.sleep(wait).await;
    }

    fn finish_span(&self, state: &CallState, status: u16) {
        // Finding the current span is not free; with no subscriber interested, skip it.
        if !tracing::level_enabled!(tracing::Level::DEBUG) {
            return;
        }
        tracing::Span::current()
            .record("status", status)
            .record("attempts", state.attempt)
            .record("waited_ms", state.waited.as_millis() as u64);
    }

    fn before_hooks(
        &self,
        spec: &'static OperationSpec,
        attempt: u32,
        request: &mut reqwest::Request,
    ) -> Option<HookResponse> {
        if self.inner.hooks.is_empty() {
            return None;
        }
        let url = self.redacted(request.url());
        let mut request = HookRequest {
            operation: spec.id,
            method: spec.method,
            path_template: spec.path,
            url: &url,
            attempt,
            headers: request.headers_mut(),
        };
        self.inner
            .hooks
            .iter()
            .find_map(|hook| hook.before_request(&mut request))
    }

    fn after_hooks(
        &self,
        spec: &'static OperationSpec,
        url: &reqwest::Url,
        attempt: u32,
        latency: Duration,
        raw: &RawResponse,
    ) {
        if self.inner.hooks.is_empty() {
            return;
        }
        let url = self.redacted(url);
        let info = AttemptInfo {
            operation: spec.id,
            method: spec.method,
            url: &url,
            attempt,
            latency,
        };
        let response = HookResponse::new(raw.status, raw.headers.clone(), raw.body.clone());
        for hook in &self.inner.hooks {
            hook.after_response(&info, &response);
        }
    }

    fn next_step(
        &self,
        policy: &RetryPolicy,
        state: &CallState,
        outcome: Outcome,
        replayable: bool,
    ) -> Option<Duration> {
        let elapsed = self.inner.clock.now().saturating_duration_since(state.started);
        match policy.decide(state.policy_attempt, outcome, replayable, elapsed, fastrand::f64()) {
            Decision::Retry(wait) => Some(wait),
            _ => None,
        }
    }

    /// The URL `parts` go to. The base URL was parsed once; only the path is parsed here.
    ///
    /// # Errors
    ///
    /// When the operation's own server is not an absolute URL.
    pub(crate) fn url(&self, parts: &RequestParts) -> Result<reqwest::Url, String> {
        if let Some(next) = &parts.next_url {
            // A URL the server gave (a next page) already has its path and query.
            let mut url = next.clone();
            if !parts.query.is_empty() {
                url.query_pairs_mut().extend_pairs(&parts.query);
            }
            return Ok(url);
        }
        let base = &self.inner.base;
        let mut url = if parts.server.is_none() && self.inner.base_path_is_root {
            // The usual call: the client's base URL is a host without a path.
            let mut url = base.clone();
            url.set_path(&parts.path);
            url
        } else {
            self.joined_url(parts)?
        };
        if !parts.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &parts.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// The URL of `parts`' path under its operation's own server or a base URL with a path.
    #[inline(never)]
    fn joined_url(&self, parts: &RequestParts) -> Result<reqwest::Url, String> {
        let server = match parts.server {
            Some(server) => Some(self.server_base(server)?),
            None => None,
        };
        let base = server.as_ref().unwrap_or(&self.inner.base);
        let mut url = base.clone();
        let base_path = base.path().trim_end_matches('/');
        let mut path = String::with_capacity(base_path.len() + parts.path.len());
        path.push_str(base_path);
        path.push_str(&parts.path);
        url.set_path(&path);
        Ok(url)
    }

    /// Where an operation with its own server in the spec goes: the client's mapping for that
    /// server, the base URL when every server is mapped to it, else the server itself.
    fn server_base(&self, server: &'static str) -> Result<reqwest::Url, String> {
        let inner = &*self.inner;
        if inner.servers_to_base_url {
            return Ok(inner.base.clone());
        }
        // Both sides are written without a trailing `/`: the generator writes the operation's
        // server so, and `ClientBuilder::server_url` stores the mapping so.
        if let Some((_, url)) = inner.server_urls.iter().find(|(spec_url, _)| spec_url == server) {
            return Ok(url.clone());
        }
        reqwest::Url::parse(server.trim_end_matches('/'))
            .map_err(|err| format!("the operation's server `{server}` is not an absolute URL: {err}"))
    }

    fn build_request(
        &self,
        spec: &'static OperationSpec,
        parts: &RequestParts,
        options: &CallOptions,
        idempotency_key: Option<&str>,
    ) -> Result<reqwest::Request, Box<ErrorInner>> {
        let inner = &*self.inner;
        let url = self.url(parts).map_err(|message| encode_error(spec, message))?;
        let mut request = reqwest::Request::new(spec.method.as_reqwest(), url);
        let headers = request.headers_mut();
        for (name, value) in &inner.default_headers {
            headers.append(name, value.clone());
        }
        let mut has_accept = inner.default_headers_have_accept;
        for (name, value) in &parts.headers {
            has_accept |= *name == reqwest::header::ACCEPT;
            headers.append(name, value.clone());
        }
        let overrides = options.get();
        let extras = !overrides.headers.is_empty()
            || !parts.cookies.is_empty()
            || idempotency_key.is_some()
            || overrides.idempotency_header.is_some()
            || !matches!(parts.body, Body::Empty);
        if extras {
            has_accept |= self.add_extras(spec, parts, overrides, idempotency_key, &mut request)?;
        }
        if !has_accept {
            // Known to be absent: appended, without looking the name up first.
            request
                .headers_mut()
                .append(reqwest::header::ACCEPT, HeaderValue::from_static(ACCEPT_JSON));
        }
        // A streamed response may take as long as it takes once its headers are in; the total
        // timeout (which stops at the headers) bounds the wait for them.
        let timeout = overrides.timeout.or(inner.timeout).filter(|_| !parts.stream_response);
        // Setting it allocates the request's extension map: only when there is one.
        if timeout.is_some() {
            *request.timeout_mut() = timeout;
        }
        Ok(request)
    }

    /// What fewer calls carry: the call's own headers, cookies, an idempotency key and a body.
    /// Returns whether an `Accept` header is among them.
    #[inline(never)]
    fn add_extras(
        &self,
        spec: &'static OperationSpec,
        parts: &RequestParts,
        overrides: &crate::operation::Options,
        idempotency_key: Option<&str>,
        request: &mut reqwest::Request,
    ) -> Result<bool, Box<ErrorInner>> {
        let encode_error = |message: String| encode_error(spec, message);
        let headers = request.headers_mut();
        let mut has_accept = false;
        for (name, value) in &overrides.headers {
            let name = HeaderName::try_from(name.as_str())
                .map_err(|_| encode_error(format!("invalid header name `{name}`")))?;
            let value = HeaderValue::try_from(value.as_str())
                .map_err(|_| encode_error(format!("invalid value for header `{name}`")))?;
            has_accept |= name == reqwest::header::ACCEPT;
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
        // The call's header name wins over the client's.
        let call_header = overrides
            .idempotency_header
            .map(|name| {
                HeaderName::try_from(name)
                    .map_err(|_| encode_error(format!("invalid idempotency header name `{name}`")))
            })
            .transpose()?;
        if let (Some(key), Some(name)) = (
            idempotency_key,
            call_header.as_ref().or(self.inner.idempotency_header.as_ref()),
        ) {
            let value = HeaderValue::try_from(key).map_err(|_| encode_error("invalid idempotency key".to_owned()))?;
            headers.insert(name.clone(), value);
        }
        let content_type = |content_type: &str| {
            HeaderValue::try_from(content_type)
                .map_err(|_| encode_error(format!("invalid content type `{content_type}`")))
        };
        match &parts.body {
            Body::Empty => {}
            Body::Bytes { content_type: ty, data } => {
                request
                    .headers_mut()
                    .insert(reqwest::header::CONTENT_TYPE, content_type(ty)?);
                *request.body_mut() = Some(reqwest::Body::from(data.clone()));
            }
            Body::Stream {
                content_type: ty,
                stream,
            } => {
                request
                    .headers_mut()
                    .insert(reqwest::header::CONTENT_TYPE, content_type(ty)?);
                let stream = stream
                    .take()
                    .ok_or_else(|| encode_error("the body stream was already sent".to_owned()))?;
                *request.body_mut() = Some(reqwest::Body::wrap_stream(stream));
            }
            Body::Multipart(_) => return Err(encode_error("the multipart body was not encoded".to_owned())),
        }
        Ok(has_accept)
    }
}

/// The `Accept` header a request carries unless the spec or the caller chose one.
const ACCEPT_JSON: &str = "application/json, */*;q=0.5";

/// The call's error for a request that could not be built.
#[cold]
fn encode_error(spec: &'static OperationSpec, message: String) -> Box<ErrorInner> {
    ErrorInner::new(ErrorKind::Encode, spec, message)
}

/// Reads a response's whole body. Chunk by chunk rather than `Response::bytes`, whose future
/// (holding the response and a collector) would make the send loop's state larger; a body
/// that arrives as one chunk (the usual small JSON answer) is kept without a copy.
async fn read_body(response: &mut reqwest::Response) -> Result<bytes::Bytes, reqwest::Error> {
    let Some(first) = response.chunk().await? else {
        return Ok(bytes::Bytes::new());
    };
    let Some(second) = response.chunk().await? else {
        return Ok(first);
    };
    let mut body = bytes::BytesMut::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(more) = response.chunk().await? {
        body.extend_from_slice(&more);
    }
    Ok(body.freeze())
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

/// The call's error for credentials that could not be applied.
#[cold]
fn auth_error(spec: &'static OperationSpec, failure: AuthFailure) -> Box<ErrorInner> {
    match failure {
        AuthFailure::Missing(message) | AuthFailure::Invalid(message) => {
            ErrorInner::new(ErrorKind::MissingCredentials, spec, message)
        }
        AuthFailure::Token(err) => {
            ErrorInner::new(ErrorKind::Auth, spec, format!("no access token: {err}")).with_source(err)
        }
    }
}

/// How an attempt that got no response failed: before the request was sent (connecting), by
/// running out of time, or cut off on the way.
fn transport_outcome(err: &reqwest::Error) -> Outcome {
    if err.is_connect() {
        Outcome::NotSent
    } else if err.is_timeout() {
        Outcome::Timeout
    } else {
        Outcome::Interrupted
    }
}

#[cold]
fn transport_error(spec: &'static OperationSpec, err: reqwest::Error, attempts: u32, url: String) -> Box<ErrorInner> {
    let (kind, what) = match transport_outcome(&err) {
        Outcome::NotSent => (ErrorKind::Connect, "could not connect"),
        Outcome::Timeout => (ErrorKind::Timeout, "timed out"),
        _ => (ErrorKind::Transport, "the request failed"),
    };
    // What failed, then each cause in turn.
    let mut message = what.to_owned();
    let mut source = std::error::Error::source(&err);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    ErrorInner::new(kind, spec, message)
        .with_attempts(attempts)
        .with_url(url)
        .with_source(err.without_url())
}
