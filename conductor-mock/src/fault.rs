//! Turning a scripted response into an HTTP response, misbehaving on the wire when it carries a
//! [`Fault`].

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, Response, StatusCode};
use bytes::Bytes;
use futures_util::{stream, StreamExt};

use crate::stub::{Fault, StubResponse};

/// The error a faulty body stream ends with; hyper then closes the connection.
fn cut() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "injected fault")
}

/// Builds the response; a body that errors makes hyper drop the connection.
pub(crate) fn build(stub: StubResponse) -> Response<Body> {
    let body = match stub.fault {
        None => Body::from(stub.body),
        // The body fails before a byte is written, so the buffered head is never flushed
        // and the client sees the connection closed without a response.
        Some(Fault::Reset) => Body::from_stream(stream::once(async { Err::<Bytes, _>(cut()) })),
        Some(Fault::Truncate { .. }) => {
            let sent = stub.body.clone();
            // Yielding once lets hyper flush the head and the partial body before the error
            // closes the connection.
            let cut_after_flush = stream::once(async {
                tokio::task::yield_now().await;
                Err::<Bytes, _>(cut())
            });
            Body::from_stream(stream::iter([Ok(sent)]).chain(cut_after_flush))
        }
        Some(Fault::SlowBody { chunk, interval }) => slow(stub.body.clone(), chunk.max(1), interval),
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(stub.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in stub.headers {
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            response.headers_mut().append(name, value);
        }
    }
    if let Some(Fault::Truncate { declared }) = stub.fault {
        response
            .headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
    }
    response
}

/// A body sent `chunk` bytes at a time with `interval` before each chunk after the first.
fn slow(body: Bytes, chunk: usize, interval: Duration) -> Body {
    let chunks = stream::unfold((body, true), move |(mut rest, first)| async move {
        if rest.is_empty() {
            return None;
        }
        if !first {
            tokio::time::sleep(interval).await;
        }
        let piece = rest.split_to(chunk.min(rest.len()));
        Some((Ok::<_, std::io::Error>(piece), (rest, false)))
    });
    Body::from_stream(chunks)
}
