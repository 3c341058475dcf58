//! The contract between a generated operation and the runtime, and the generic code that
//! executes it.

use std::future::{Future, IntoFuture};
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::__private::BoxFuture;
use crate::auth::{Credential, Credentials};
use crate::client::Client;
use crate::error::{DecodeError, Error, ErrorInner, ErrorKind};
use crate::request::{EncodeError, RawResponse, RequestParts};
use crate::retry::RetryPolicy;
use crate::spec::OperationSpec;

/// Settings for one call that override the client's.
///
/// Boxed, and absent for the usual call without overrides, so the futures that carry it stay
/// small.
#[derive(Debug, Clone, Default)]
pub struct CallOptions(Option<Box<Options>>);

/// The overrides themselves; reached through `CallOptions`' `Deref`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) idempotency_header: Option<&'static str>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) content_type: Option<&'static str>,
}

static NO_OVERRIDES: Options = Options {
    credentials: None,
    timeout: None,
    total_timeout: None,
    retry: None,
    idempotency_key: None,
    idempotency_header: None,
    headers: Vec::new(),
    content_type: None,
};

impl CallOptions {
    /// The overrides (none set when the call has none).
    pub(crate) fn get(&self) -> &Options {
        self.0.as_deref().unwrap_or(&NO_OVERRIDES)
    }

    /// The overrides, to set one.
    pub(crate) fn get_mut(&mut self) -> &mut Options {
        self.0.get_or_insert_with(Box::default)
    }
}

/// The client and per-call options every generated request builder carries.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct Call {
    /// The client the call goes through.
    pub client: Client,
    /// Overrides for this call.
    pub options: CallOptions,
}

impl Call {
    /// A call through `client` with no overrides.
    pub fn new(client: &Client) -> Self {
        Self {
            client: client.clone(),
            options: CallOptions::default(),
        }
    }

    /// The request content type the caller chose, if any.
    pub fn content_type(&self) -> Option<&'static str> {
        self.options.get().content_type
    }
}

/// The error for a content type the operation does not offer.
#[doc(hidden)]
pub fn unoffered_content_type(chosen: &str, offered: &[&str]) -> EncodeError {
    EncodeError {
        name: "body".to_owned(),
        message: format!(
            "the operation does not take `{chosen}`; it takes {}",
            offered.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// A generated operation: how to encode its arguments and decode its responses.
///
/// Implemented by the request builders `#[connector]` generates; users call the methods of
/// [`OperationExt`] on them, or simply `.await` them.
pub trait Operation: Send + Sized + 'static {
    /// The typed body of a success response.
    type Output: Send + 'static;
    /// The typed body of the documented error responses.
    type ErrorBody: Send + 'static;
    /// The operation's description.
    const SPEC: &'static OperationSpec;

    /// The call's client and options.
    #[doc(hidden)]
    fn call_mut(&mut self) -> &mut Call;

    /// Adds the parameters and body to `parts`.
    ///
    /// # Errors
    ///
    /// When a value cannot be encoded.
    #[doc(hidden)]
    fn encode(&self, parts: &mut RequestParts) -> Result<(), EncodeError>;

    /// Decodes a 2xx (or 3xx) response.
    ///
    /// # Errors
    ///
    /// When the body does not match the documented type.
    #[doc(hidden)]
    fn decode_success(response: &RawResponse) -> Result<Self::Output, DecodeError>;

    /// Decodes a non-success response whose status the spec documents; `None` otherwise.
    #[doc(hidden)]
    fn decode_error(response: &RawResponse) -> Option<Result<Self::ErrorBody, DecodeError>>;
}

/// A success response: status and headers beside the typed body.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Self { status, headers, body }
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers (e.g. `ETag`, `Link`, request ids).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header as text, if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The typed body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the typed body.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// Settings every generated request builder accepts, in addition to its own parameters.
///
/// # Examples
///
/// ```no_run
/// use std::time::Duration;
///
/// use connector_runtime::{connector, OperationExt, RetryPolicy};
/// use futures_util::StreamExt;
///
/// #[connector(spec = "../specs/transfers.yaml", operations = ["createNote", "getBlob"])]
/// mod transfers {}
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = transfers::Client::builder().build()?;
/// let note = transfers::types::NewNote { text: "hello".into(), labels: None };
///
/// // Options for this call only; the body as a form rather than JSON (the spec offers both).
/// let created = client
///     .create_note(note)
///     .content_type("application/x-www-form-urlencoded")
///     .bearer_token("tenant-7-token")
///     .header("X-Trace", "abc")
///     .idempotency_key("Idempotency-Key", "note-hello-1")
///     .retry(RetryPolicy::new().max_attempts(5))
///     .timeout(Duration::from_secs(5))
///     .total_timeout(Duration::from_secs(30))
///     .with_response()
///     .await?;
/// println!("{} created: note {}", created.status(), created.body().id);
///
/// // A download, chunk by chunk rather than read whole.
/// let mut body = client.get_blob("backup.tar").stream().await?.into_body();
/// while let Some(chunk) = body.next().await {
///     println!("{} bytes", chunk?.len());
/// }
/// # Ok(())
/// # }
/// ```
pub trait OperationExt: Operation {
    /// Uses this credential for the scheme named `scheme` on this call only (e.g. one
    /// tenant's token).
    #[must_use]
    fn credential(mut self, scheme: &str, credential: Credential) -> Self {
        self.call_mut()
            .options
            .get_mut()
            .credentials
            .get_or_insert_with(Credentials::new)
            .set(scheme, credential);
        self
    }

    /// Uses this bearer token for every bearer/OAuth scheme on this call only.
    #[must_use]
    fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.call_mut()
            .options
            .get_mut()
            .credentials
            .get_or_insert_with(Credentials::new)
            .set_bearer(token);
        self
    }

    /// Sets the timeout of each attempt of this call.
    #[must_use]
    fn timeout(mut self, timeout: Duration) -> Self {
        self.call_mut().options.get_mut().timeout = Some(timeout);
        self
    }

    /// Limits the whole call, retries included.
    #[must_use]
    fn total_timeout(mut self, timeout: Duration) -> Self {
        self.call_mut().options.get_mut().total_timeout = Some(timeout);
        self
    }

    /// Uses this retry policy for this call.
    #[must_use]
    fn retry(mut self, policy: RetryPolicy) -> Self {
        self.call_mut().options.get_mut().retry = Some(policy);
        self
    }

    /// Sends `key` in the header `header` on every attempt, which makes a POST/PATCH safe to
    /// retry. The header name wins over the client's `idempotency_header`; a name that is not a
    /// valid header name fails the call with [`crate::ErrorKind::Encode`] before anything is sent.
    #[must_use]
    fn idempotency_key(mut self, header: &'static str, key: impl Into<String>) -> Self {
        let options = self.call_mut().options.get_mut();
        options.idempotency_key = Some(key.into());
        // Checked when the request is built: an invalid name fails the call, nothing is sent.
        options.idempotency_header = Some(header);
        self
    }

    /// Adds a header to this call.
    #[must_use]
    fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.call_mut()
            .options
            .get_mut()
            .headers
            .push((name.into(), value.into()));
        self
    }

    /// Returns the status and headers together with the typed body.
    fn with_response(self) -> WithResponse<Self> {
        WithResponse { operation: self }
    }

    /// Sends the body as `content_type`, for an operation that offers several (e.g. JSON or
    /// `application/x-www-form-urlencoded`); a type it does not offer fails the call with
    /// [`crate::ErrorKind::Encode`] before anything is sent.
    #[must_use]
    fn content_type(mut self, content_type: &'static str) -> Self {
        self.call_mut().options.get_mut().content_type = Some(content_type);
        self
    }

    /// Streams the success response's body instead of reading it whole (downloads): awaited,
    /// gives the status and headers with a [`ByteStream`](crate::ByteStream). The call's
    /// timeouts stop at the headers; an error status is read and decoded as usual.
    fn stream(self) -> crate::streaming::Streamed<Self> {
        crate::streaming::Streamed { operation: self }
    }

    /// Sends `If-None-Match: etag`; a `304 Not Modified` answer is then the success
    /// [`Conditional::NotModified`](crate::Conditional::NotModified) rather than an error.
    ///
    /// See [`Conditional`](crate::Conditional) for an example.
    fn if_none_match(self, etag: impl Into<String>) -> crate::conditional::IfNoneMatch<Self> {
        crate::conditional::IfNoneMatch {
            operation: self.header("If-None-Match", etag),
        }
    }
}

impl<O: Operation> OperationExt for O {}

/// An operation that, awaited, returns a [`Response`] with status and headers.
#[must_use = "a request does nothing until awaited"]
pub struct WithResponse<O> {
    operation: O,
}

impl<O: Operation> IntoFuture for WithResponse<O> {
    type Output = Result<Response<O::Output>, Error<O::ErrorBody>>;
    type IntoFuture = BoxFuture<Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(self.operation, std::convert::identity))
    }
}

/// Sends an operation and decodes its response; what a generated `IntoFuture` calls.
pub fn execute<O: Operation>(operation: O) -> BoxFuture<Result<O::Output, Error<O::ErrorBody>>> {
    Box::pin(run(operation, Response::into_body))
}

/// Encodes, sends and decodes a call, records it in the client's health counters and maps
/// the success with `finish`. One future, boxed once by the caller: its state is not copied
/// through further layers.
fn run<O: Operation, T>(
    mut operation: O,
    finish: fn(Response<O::Output>) -> T,
) -> impl Future<Output = Result<T, Error<O::ErrorBody>>> + Send {
    let spec = O::SPEC;
    let mut encoded = encode_request(&operation);
    let call = operation.call_mut();
    let client = call.client.clone();
    let options = std::mem::take(&mut call.options);
    async move {
        let started = std::time::Instant::now();
        let operation_state = client.operation_state(spec);
        // The parts are used where the future holds them, not moved into a second place in it.
        let result = match encoded {
            Err(err) => Err(err),
            Ok(ref mut parts) => match client.send(spec, parts, options, &operation_state).await {
                Ok(exchange) => decode::<O>(&client, spec, parts, exchange),
                Err(inner) => Err(Error::untyped(inner)),
            },
        };
        let outcome = match &result {
            Ok(_) => Ok(()),
            Err(err) => Err(err.kind()),
        };
        operation_state.counters.finished(outcome, started.elapsed());
        result.map(finish)
    }
}

/// The request parts of `operation`, or its encoding failure as the call's error (nothing is
/// sent).
pub(crate) fn encode_request<O: Operation>(operation: &O) -> Result<RequestParts, Error<O::ErrorBody>> {
    let mut parts = RequestParts::new(O::SPEC.path);
    match operation.encode(&mut parts) {
        Ok(()) => Ok(parts),
        Err(err) => Err(Error::untyped(ErrorInner::new(
            ErrorKind::Encode,
            O::SPEC,
            err.to_string(),
        ))),
    }
}

/// Decodes the response of an exchange into the typed success or a typed error; `parts` are
/// the last attempt's, which name its URL in an error.
pub(crate) fn decode<O: Operation>(
    client: &Client,
    spec: &'static OperationSpec,
    parts: &RequestParts,
    exchange: crate::client::Exchange,
) -> Result<Response<O::Output>, Error<O::ErrorBody>> {
    let response = exchange.response;
    let status = response.status;
    if let Some(message) = status
        .is_success()
        .then_some(spec.api.envelope)
        .flatten()
        .and_then(|envelope| envelope.error_in(&response.body))
    {
        // The typed body of an envelope error is the documented error type when it matches.
        let body = O::decode_error(&response).and_then(Result::ok);
        let url = client.redacted_url(parts);
        let inner = ErrorInner::answered(ErrorKind::Envelope, spec, message, response, exchange.attempts, url);
        return Err(Error::with_body(inner, body));
    }
    if status.is_success() {
        return match O::decode_success(&response) {
            Ok(body) => Ok(Response {
                status,
                headers: response.headers,
                body,
            }),
            Err(err) => {
                let url = client.redacted_url(parts);
                let inner = ErrorInner::answered(
                    ErrorKind::Decode,
                    spec,
                    err.to_string(),
                    response,
                    exchange.attempts,
                    url,
                );
                Err(Error::untyped(inner))
            }
        };
    }
    let body = match O::decode_error(&response) {
        Some(Ok(body)) => Some(body),
        Some(Err(err)) => {
            tracing::debug!(operation = spec.id, error = %err, "the error body does not match its documented type");
            None
        }
        None => None,
    };
    let url = client.redacted_url(parts);
    let inner = ErrorInner::answered(ErrorKind::Status, spec, String::new(), response, exchange.attempts, url);
    Err(Error::with_body(inner, body))
}
