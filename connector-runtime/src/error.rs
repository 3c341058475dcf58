//! The one error type every generated operation returns.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::request::RawResponse;
use crate::spec::HttpMethod;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A parameter or body could not be encoded, or a header value contained CR/LF; nothing
    /// was sent.
    Encode,
    /// The operation needs a credential the client does not have; nothing was sent.
    MissingCredentials,
    /// No access token could be had from the token endpoint (see the source
    /// [`crate::TokenError`]); nothing was sent.
    Auth,
    /// Connecting to the server failed.
    Connect,
    /// The request or the whole call took longer than allowed.
    Timeout,
    /// The request failed on the way (after connecting) or the response could not be read.
    Transport,
    /// The server answered with a non-success status.
    Status,
    /// The server asked us to wait longer than the retry policy allows, or the rate limiter
    /// would have held the request too long.
    RateLimited,
    /// The success response did not match the type the spec documents.
    Decode,
    /// The client was configured wrongly (e.g. a base URL that does not parse).
    Config,
    /// A page did not say how to reach the next one in a way that can be followed (a next-page
    /// URL on another host, a cursor that repeats, items that are not an array).
    Pagination,
    /// A success status carried an error envelope (Slack's `{"ok": false, "error": "..."}`);
    /// the message is the envelope's error.
    Envelope,
}

/// An error from a call: what was attempted, what happened, and what came back.
///
/// `E` is the typed body of the operation's documented error responses; [`Error::body`]
/// gives it when the status was documented and the body matched.
pub struct Error<E = ()> {
    inner: Box<ErrorInner>,
    body: Option<E>,
}

/// What an [`Error`] says besides its typed body. Its fields are set only here: the rest of the
/// crate builds one with [`ErrorInner::new`] or [`ErrorInner::answered`] and adds what it knows
/// with the `with_*` methods.
#[derive(Debug)]
pub(crate) struct ErrorInner {
    kind: ErrorKind,
    operation: &'static str,
    method: HttpMethod,
    url: Option<String>,
    status: Option<StatusCode>,
    headers: Option<HeaderMap>,
    raw_body: Option<Bytes>,
    attempts: u32,
    retry_after: Option<Duration>,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl ErrorInner {
    /// An error of `kind` in `spec`'s call; cold, so the paths that build one are laid out
    /// away from the success path.
    #[cold]
    pub(crate) fn new(kind: ErrorKind, spec: &crate::OperationSpec, message: impl Into<String>) -> Box<Self> {
        Box::new(Self {
            kind,
            operation: spec.id,
            method: spec.method,
            url: None,
            status: None,
            headers: None,
            raw_body: None,
            attempts: 0,
            retry_after: None,
            message: message.into(),
            source: None,
        })
    }

    /// An error of `kind` about the `response` that came back to the last of `attempts`, sent
    /// to `url` (redacted): its status, headers and body are kept.
    #[cold]
    pub(crate) fn answered(
        kind: ErrorKind,
        spec: &crate::OperationSpec,
        message: impl Into<String>,
        response: RawResponse,
        attempts: u32,
        url: String,
    ) -> Box<Self> {
        let mut inner = Self::new(kind, spec, message);
        inner.status = Some(response.status);
        inner.headers = Some(response.headers);
        inner.raw_body = Some(response.body);
        inner.attempts = attempts;
        inner.url = Some(url);
        inner
    }

    /// The (redacted) URL the call was sent to.
    pub(crate) fn with_url(mut self: Box<Self>, url: String) -> Box<Self> {
        self.url = Some(url);
        self
    }

    /// How many attempts were made.
    pub(crate) fn with_attempts(mut self: Box<Self>, attempts: u32) -> Box<Self> {
        self.attempts = attempts;
        self
    }

    /// How long the server or the limiter asked to wait.
    pub(crate) fn with_retry_after(mut self: Box<Self>, wait: Duration) -> Box<Self> {
        self.retry_after = Some(wait);
        self
    }

    /// Bytes that came back and could not be used (an event's data that did not decode).
    pub(crate) fn with_raw_body(mut self: Box<Self>, raw: Bytes) -> Box<Self> {
        self.raw_body = Some(raw);
        self
    }

    /// The error underneath, given by [`std::error::Error::source`].
    pub(crate) fn with_source(
        mut self: Box<Self>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Box<Self> {
        self.source = Some(Box::new(source));
        self
    }
}

impl<E> Error<E> {
    /// An error without a typed body.
    pub(crate) fn untyped(inner: Box<ErrorInner>) -> Self {
        Self { inner, body: None }
    }

    /// An error with the typed body of a documented error response, when it matched.
    pub(crate) fn with_body(inner: Box<ErrorInner>, body: Option<E>) -> Self {
        Self { inner, body }
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The `operationId` of the call that failed.
    pub fn operation(&self) -> &'static str {
        self.inner.operation
    }

    /// The HTTP method of the call.
    pub fn method(&self) -> HttpMethod {
        self.inner.method
    }

    /// The URL that was requested, without query parameters that carry credentials.
    pub fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    /// The status the server answered with, if it answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The response headers, if the server answered.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.headers.as_ref()
    }

    /// The typed body of a documented error response.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }

    /// Takes the typed body of a documented error response.
    pub fn into_body(self) -> Option<E> {
        self.body
    }

    /// The response body as received (also when it was decoded into [`Error::body`]).
    pub fn raw_body(&self) -> Option<&[u8]> {
        self.inner.raw_body.as_deref()
    }

    /// The response body as text, lossily decoded.
    pub fn body_text(&self) -> Option<String> {
        self.raw_body().map(|b| String::from_utf8_lossy(b).into_owned())
    }

    /// How many attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The wait the server asked for, when it asked for one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether a timeout ended the call.
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// Whether the server refused the call for its rate limit (a 429, or a wait too long).
    pub fn is_rate_limited(&self) -> bool {
        self.inner.kind == ErrorKind::RateLimited || self.inner.status == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the failure is of a kind that trying again later could fix.
    pub fn is_retryable(&self) -> bool {
        match self.inner.kind {
            ErrorKind::Connect | ErrorKind::Timeout | ErrorKind::RateLimited => true,
            ErrorKind::Status => self
                .inner
                .status
                .is_some_and(|s| crate::retry::is_retryable_status(s.as_u16())),
            _ => false,
        }
    }

    /// Whether this is a decode failure of a success response.
    pub fn is_decode(&self) -> bool {
        self.inner.kind == ErrorKind::Decode
    }

    /// Converts the typed body, keeping everything else.
    pub fn map_body<F, T>(self, f: F) -> Error<T>
    where
        F: FnOnce(E) -> T,
    {
        Error {
            inner: self.inner,
            body: self.body.map(f),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("kind", &self.inner.kind)
            .field("operation", &self.inner.operation)
            .field("method", &self.inner.method)
            .field("url", &self.inner.url)
            .field("status", &self.inner.status)
            .field("attempts", &self.inner.attempts)
            .field("message", &self.inner.message);
        if let Some(body) = &self.body {
            s.field("body", body);
        } else if let Some(raw) = &self.inner.raw_body {
            s.field("raw_body", &excerpt(raw));
        }
        s.finish_non_exhaustive()
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        write!(
            f,
            "{} {} ({})",
            inner.method,
            inner.url.as_deref().unwrap_or("<not sent>"),
            inner.operation
        )?;
        match inner.status {
            Some(status) => write!(f, " failed with {status}")?,
            None => f.write_str(" failed")?,
        }
        if !inner.message.is_empty() {
            write!(f, ": {}", inner.message)?;
        }
        if inner.attempts > 1 {
            write!(f, " (after {} attempts)", inner.attempts)?;
        }
        if let (Some(raw), ErrorKind::Status) = (&inner.raw_body, inner.kind) {
            if !raw.is_empty() {
                write!(f, "; body: {}", excerpt(raw))?;
            }
        }
        Ok(())
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// At most 512 bytes of a body, for messages.
fn excerpt(raw: &[u8]) -> String {
    const LIMIT: usize = 512;
    let text = String::from_utf8_lossy(&raw[..raw.len().min(LIMIT)]).into_owned();
    if raw.len() > LIMIT {
        format!("{text}…")
    } else {
        text
    }
}

/// A response body that did not match its documented type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The JSON path of the value that failed (`.items[3].created_at`), `.` for the root.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid value at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for DecodeError {}
