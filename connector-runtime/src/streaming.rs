//! Streamed responses: a download as a stream of byte chunks, and `text/event-stream` as a
//! stream of typed server-sent events.
//!
//! The call (credentials, rate limiting, retries) ends when the success response's headers
//! arrive; the body is then read as the caller polls. An error status is read whole and decoded
//! as usual.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, Stream, StreamExt};

use crate::__private::BoxFuture;
use crate::error::{DecodeError, Error, ErrorInner, ErrorKind};
use crate::operation::{decode, encode_request, Operation, Response};
use crate::spec::OperationSpec;

/// A response body as it arrives, chunk by chunk.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send + 'static>>;

/// An operation whose success body is streamed; awaited, it gives the status and headers with
/// a [`ByteStream`] of the body.
#[must_use = "a request does nothing until awaited"]
pub struct Streamed<O> {
    pub(crate) operation: O,
}

impl<O: Operation> IntoFuture for Streamed<O> {
    type Output = Result<Response<ByteStream>, Error<O::ErrorBody>>;
    type IntoFuture = BoxFuture<Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(send_streamed(self.operation))
    }
}

fn send_streamed<O: Operation>(
    mut operation: O,
) -> impl Future<Output = Result<Response<ByteStream>, Error<O::ErrorBody>>> + Send {
    let spec = O::SPEC;
    let encoded = encode_request(&operation).map(|mut parts| {
        parts.stream_response = true;
        parts
    });
    let call = operation.call_mut();
    let client = call.client.clone();
    let options = std::mem::take(&mut call.options);
    async move {
        let started = std::time::Instant::now();
        let mut parts = encoded?;
        let operation_state = client.operation_state(spec);
        let mut exchange = match client.send(spec, &mut parts, options, &operation_state).await {
            Ok(exchange) => exchange,
            Err(inner) => {
                let err = Error::untyped(inner);
                operation_state.counters.finished(Err(err.kind()), started.elapsed());
                return Err(err);
            }
        };
        let Some(body) = exchange.body_stream.take() else {
            // Not a success: decoded (into the documented error type) as any other call.
            let result = decode::<O>(&client, spec, &parts, exchange).map(|response| {
                let status = response.status();
                let headers = response.headers().clone();
                Response::new(status, headers, Box::pin(stream::empty()) as ByteStream)
            });
            operation_state
                .counters
                .finished(result.as_ref().map(|_| ()).map_err(Error::kind), started.elapsed());
            return result;
        };
        operation_state.counters.finished(Ok(()), started.elapsed());
        let url = client.redacted_url(&parts);
        let chunks = body.bytes_stream().map(move |chunk| {
            chunk.map_err(|err| {
                let kind = if err.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Transport
                };
                Error::untyped(
                    ErrorInner::new(kind, spec, format!("the response body broke off: {err}")).with_url(url.clone()),
                )
            })
        });
        let response = exchange.response;
        Ok(Response::new(
            response.status,
            response.headers,
            Box::pin(chunks) as ByteStream,
        ))
    }
}

/// One server-sent event with typed data; see [`Events`] for an example.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The `event:` field (the event type), if given.
    pub event: Option<String>,
    /// The `id:` field, if given (send it back as `Last-Event-ID` to resume).
    pub id: Option<String>,
    /// The `retry:` field: how long to wait before reconnecting.
    pub retry: Option<Duration>,
    /// The `data:` lines, joined and decoded.
    pub data: T,
}

/// A stream of server-sent events.
pub type EventStream<T> = Pin<Box<dyn Stream<Item = Result<Event<T>, Error>> + Send + 'static>>;

/// How the data of an event is decoded.
pub type EventDecoder<T> = fn(&str) -> Result<T, DecodeError>;

/// An operation answering `text/event-stream`; awaited, it gives the status and headers with a
/// stream of typed [`Event`]s.
///
/// A generated builder's `events()` returns it, the data decoded into the spec's schema.
///
/// # Examples
///
/// ```no_run
/// use connector_runtime::connector;
/// use futures_util::StreamExt;
///
/// #[connector(spec = "../specs/transfers.yaml", operations = ["streamEvents"])]
/// mod transfers {}
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = transfers::Client::builder().build()?;
/// let mut events = client.stream_events().events().await?.into_body();
/// while let Some(event) = events.next().await {
///     let event = event?;
///     // `event.id` is what to send back as `Last-Event-ID` to resume.
///     println!("{:?} #{:?}: {} done", event.event, event.id, event.data.done);
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a request does nothing until awaited"]
pub struct Events<O, T> {
    operation: O,
    decode: EventDecoder<T>,
}

impl<O: Operation, T: Send + 'static> Events<O, T> {
    /// The events of `operation`, their data decoded with `decode`.
    pub fn new(operation: O, decode: EventDecoder<T>) -> Self {
        Self { operation, decode }
    }
}

impl<O: Operation, T: Send + 'static> IntoFuture for Events<O, T> {
    type Output = Result<Response<EventStream<T>>, Error<O::ErrorBody>>;
    type IntoFuture = BoxFuture<Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let decode = self.decode;
        let spec = O::SPEC;
        let streamed = send_streamed(self.operation);
        Box::pin(async move {
            let response = streamed.await?;
            let status = response.status();
            let headers = response.headers().clone();
            let events = parse_events(response.into_body(), decode, spec);
            Ok(Response::new(status, headers, events))
        })
    }
}

/// Decodes an event's data as JSON.
///
/// # Errors
///
/// When the data is not JSON of type `T`.
pub fn decode_event_json<T: serde::de::DeserializeOwned>(data: &str) -> Result<T, DecodeError> {
    serde_json::from_str(data).map_err(|err| DecodeError {
        path: ".".to_owned(),
        message: format!("the event data is not the documented JSON: {err}"),
    })
}

/// Keeps an event's data as text.
///
/// # Errors
///
/// Never; the signature matches [`decode_event_json`].
pub fn decode_event_text(data: &str) -> Result<String, DecodeError> {
    Ok(data.to_owned())
}

/// The fields of the event being read.
#[derive(Default)]
struct Pending {
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    data: Option<String>,
}

struct Parser<T> {
    body: ByteStream,
    buffer: BytesMut,
    pending: Pending,
    ready: std::collections::VecDeque<Result<Event<T>, Error>>,
    decode: EventDecoder<T>,
    spec: &'static OperationSpec,
    done: bool,
}

/// Splits a byte stream into events (the `text/event-stream` format of the HTML standard).
fn parse_events<T: Send + 'static>(
    body: ByteStream,
    decode: EventDecoder<T>,
    spec: &'static OperationSpec,
) -> EventStream<T> {
    let parser = Parser {
        body,
        buffer: BytesMut::new(),
        pending: Pending::default(),
        ready: std::collections::VecDeque::new(),
        decode,
        spec,
        done: false,
    };
    Box::pin(stream::unfold(parser, |mut parser| async move {
        loop {
            if let Some(event) = parser.ready.pop_front() {
                return Some((event, parser));
            }
            if parser.done {
                return None;
            }
            match parser.body.next().await {
                Some(Ok(chunk)) => {
                    parser.buffer.extend_from_slice(&chunk);
                    parser.read_lines(false);
                }
                Some(Err(err)) => {
                    parser.done = true;
                    return Some((Err(err), parser));
                }
                None => {
                    parser.done = true;
                    // A last line without its newline still counts; an event not ended by a
                    // blank line is discarded, as the standard says.
                    parser.read_lines(true);
                }
            }
        }
    }))
}

impl<T> Parser<T> {
    fn read_lines(&mut self, at_end: bool) {
        loop {
            let Some(end) = self.buffer.iter().position(|b| *b == b'\n' || *b == b'\r') else {
                if at_end && !self.buffer.is_empty() {
                    let line = self.buffer.split().freeze();
                    self.line(&String::from_utf8_lossy(&line));
                }
                return;
            };
            // `\r\n` is one line end; a lone `\r` at the end of the buffer may be followed by `\n`.
            if self.buffer[end] == b'\r' && end + 1 == self.buffer.len() && !at_end {
                return;
            }
            let line = self.buffer.split_to(end).freeze();
            let ending = if self.buffer.starts_with(b"\r\n") { 2 } else { 1 };
            let _ = self.buffer.split_to(ending);
            self.line(&String::from_utf8_lossy(&line));
        }
    }

    fn line(&mut self, line: &str) {
        if line.is_empty() {
            self.dispatch();
            return;
        }
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        let pending = &mut self.pending;
        match field {
            "event" => pending.event = Some(value.to_owned()),
            "data" => match &mut pending.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => pending.data = Some(value.to_owned()),
            },
            "id" if !value.contains('\0') => pending.id = Some(value.to_owned()),
            "retry" => {
                if let Ok(ms) = value.parse::<u64>() {
                    pending.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        // An event without data is not dispatched.
        let Some(data) = pending.data else { return };
        let event = match (self.decode)(&data) {
            Ok(decoded) => Ok(Event {
                event: pending.event,
                id: pending.id,
                retry: pending.retry,
                data: decoded,
            }),
            Err(err) => {
                let inner = ErrorInner::new(ErrorKind::Decode, self.spec, err.to_string());
                Err(Error::untyped(inner.with_raw_body(Bytes::from(data))))
            }
        };
        self.ready.push_back(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SPEC: OperationSpec = crate::spec::fixtures::get("events", "/events", 0);

    fn chunks(parts: &[&'static str]) -> ByteStream {
        Box::pin(stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p.as_bytes())))
                .collect::<Vec<_>>(),
        ))
    }

    #[tokio::test]
    async fn events_across_chunk_boundaries_with_every_field() {
        let body = chunks(&[
            ": a comment\r\nevent: tick\r\nid: 1\r\nretry: 1500\r\ndata: {\"n\":",
            " 1}\r\n\r",
            "\ndata: {\"n\": 2}\n\ndata:{\"n\"\ndata: :3}\n\nid: 9\n\n",
        ]);
        let events: Vec<_> = parse_events(body, decode_event_json::<serde_json::Value>, &SPEC)
            .collect()
            .await;
        let events: Vec<Event<serde_json::Value>> = events.into_iter().map(Result::unwrap).collect();
        assert_eq!(events.len(), 3, "an event without data is not dispatched");
        assert_eq!(events[0].event.as_deref(), Some("tick"));
        assert_eq!(events[0].id.as_deref(), Some("1"));
        assert_eq!(events[0].retry, Some(Duration::from_millis(1500)));
        assert_eq!(events[0].data, serde_json::json!({"n": 1}));
        assert_eq!(events[1].data, serde_json::json!({"n": 2}));
        assert_eq!(events[1].event, None, "fields do not carry over to the next event");
        assert_eq!(
            events[2].data,
            serde_json::json!({"n": 3}),
            "data lines join with a newline"
        );
    }

    #[tokio::test]
    async fn bad_data_is_a_decode_error_and_the_stream_goes_on() {
        let body = chunks(&["data: not json\n\ndata: 5\n\ndata: 6"]);
        let events: Vec<_> = parse_events(body, decode_event_json::<u32>, &SPEC).collect().await;
        assert_eq!(
            events.len(),
            2,
            "the last event has no blank line after it and is dropped"
        );
        assert_eq!(events[0].as_ref().unwrap_err().kind(), ErrorKind::Decode);
        assert_eq!(events[1].as_ref().unwrap().data, 5);
    }
}
