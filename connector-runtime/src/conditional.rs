//! Conditional requests: `If-None-Match` with an ETag, and a typed "not modified" result.

use std::future::{Future, IntoFuture};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::__private::BoxFuture;
use crate::error::Error;
use crate::operation::{Operation, OperationExt, Response};

/// The result of a conditional request: the new representation, or "not modified".
///
/// What a call made with [`OperationExt::if_none_match`] returns.
///
/// # Examples
///
/// ```no_run
/// use connector_runtime::{connector, Conditional, OperationExt};
///
/// #[connector(spec = "../specs/transfers.yaml", operations = ["getNote"])]
/// mod transfers {}
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = transfers::Client::builder().build()?;
/// let first = client.get_note(1).with_response().await?;
/// let etag = first.header("etag").unwrap_or_default().to_owned();
///
/// // Later: fetch it again only if it changed.
/// match client.get_note(1).if_none_match(etag).await? {
///     Conditional::Modified(response) => println!("changed: {}", response.body().text),
///     Conditional::NotModified { .. } => println!("our copy is current"),
///     _ => {}
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Conditional<T> {
    /// The resource changed (or had no matching ETag): the new body, status and headers.
    Modified(Response<T>),
    /// `304 Not Modified`: the copy the caller holds is current. The headers usually repeat the
    /// `ETag`; GitHub does not count such a request against the rate limit.
    NotModified {
        /// The 304 response's headers.
        headers: HeaderMap,
    },
}

impl<T> Conditional<T> {
    /// The new body, if the resource changed.
    pub fn modified(self) -> Option<T> {
        match self {
            Self::Modified(response) => Some(response.into_body()),
            Self::NotModified { .. } => None,
        }
    }

    /// Whether the server answered `304 Not Modified`.
    pub fn is_not_modified(&self) -> bool {
        matches!(self, Self::NotModified { .. })
    }

    /// The `ETag` of the answer (the new one, or the repeated one on a 304).
    pub fn etag(&self) -> Option<&str> {
        let headers = match self {
            Self::Modified(response) => response.headers(),
            Self::NotModified { headers } => headers,
        };
        headers.get(reqwest::header::ETAG).and_then(|v| v.to_str().ok())
    }
}

/// An operation sent with `If-None-Match`; awaited, it gives a [`Conditional`].
#[must_use = "a request does nothing until awaited"]
pub struct IfNoneMatch<O> {
    pub(crate) operation: O,
}

impl<O: Operation> IntoFuture for IfNoneMatch<O> {
    type Output = Result<Conditional<O::Output>, Error<O::ErrorBody>>;
    type IntoFuture = BoxFuture<Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(conditional(self.operation))
    }
}

fn conditional<O: Operation>(
    operation: O,
) -> impl Future<Output = Result<Conditional<O::Output>, Error<O::ErrorBody>>> + Send {
    let response = operation.with_response().into_future();
    async move {
        match response.await {
            Ok(response) => Ok(Conditional::Modified(response)),
            Err(err) if err.status() == Some(StatusCode::NOT_MODIFIED) => Ok(Conditional::NotModified {
                headers: err.headers().cloned().unwrap_or_default(),
            }),
            Err(err) => Err(err),
        }
    }
}
