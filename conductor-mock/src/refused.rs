//! Requests hyper refuses before the pipeline sees them — a URI over 64 KiB (414), a head too
//! large (431), a malformed request line or header (400) — answered as the spec documents its
//! errors instead of hyper's bare status line.
//!
//! hyper writes those answers itself, without a body or a `Content-Type`, and closes the
//! connection; a client decoding the documented error type, or a conformance tool checking the
//! answer against the spec, then fails on the answer rather than on the request (Schemathesis
//! fills Stripe's 5,000-character path parameters and sends 90 KB URIs). [`Guarded`] sits
//! between hyper and the socket: it keeps the first line of the request being read, and when
//! hyper writes an answer of its own (one no request reached the pipeline for), it sends the
//! mock's answer in its place, shaped to the route's documented error response, and records the
//! request.

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::stub::StubResponse;
use crate::{handle, lock, routes, ReceivedRequest, Shared};

/// The longest request line kept for routing a refused request.
const MAX_LINE: usize = 1024 * 1024;

/// The statuses hyper answers by itself.
const HYPER_STATUSES: [&[u8]; 3] = [b"400", b"414", b"431"];

/// How many requests of a connection reached the pipeline; shared between the connection's
/// service (which counts) and its [`Guarded`] stream (which compares with the answers written).
#[derive(Debug, Default)]
pub(crate) struct Served(AtomicUsize);

impl Served {
    /// A request reached the pipeline.
    pub(crate) fn count(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// A connection's stream, watched for answers hyper writes by itself.
pub(crate) struct Guarded<T> {
    inner: T,
    state: Shared,
    served: Arc<Served>,
    /// Answer heads written so far, the mock's and hyper's.
    answered: usize,
    /// The current request's first line as read so far.
    line: Vec<u8>,
    /// Whether `line` holds the whole first line (or [`MAX_LINE`] of it).
    line_done: bool,
    /// The mock's answer in place of hyper's, and how much of it is written.
    replacement: Option<(Bytes, usize)>,
}

impl<T> Guarded<T> {
    pub(crate) fn new(inner: T, state: Shared, served: Arc<Served>) -> Self {
        Self {
            inner,
            state,
            served,
            answered: 0,
            line: Vec::new(),
            line_done: false,
            replacement: None,
        }
    }

    /// Keeps the bytes of the current request's first line.
    fn keep(&mut self, read: &[u8]) {
        if self.line_done {
            return;
        }
        let end = read.windows(2).position(|w| w == b"\r\n");
        let take = end.unwrap_or(read.len()).min(MAX_LINE.saturating_sub(self.line.len()));
        self.line.extend_from_slice(&read[..take]);
        self.line_done = end.is_some() || self.line.len() >= MAX_LINE;
    }

    /// A new request starts after an answer.
    fn next_request(&mut self) {
        self.answered += 1;
        self.line.clear();
        self.line_done = false;
    }

    /// Whether `buf` is an answer hyper wrote by itself: a bodiless head with one of its
    /// statuses, written when every request that reached the pipeline is already answered.
    fn is_hypers_own(&self, buf: &[u8]) -> bool {
        let served = self.served.0.load(Ordering::Relaxed);
        served <= self.answered
            && buf.starts_with(b"HTTP/1.")
            && buf.get(9..12).is_some_and(|status| HYPER_STATUSES.contains(&status))
            && buf.ends_with(b"\r\n\r\n")
            && buf.windows(17).any(|w| w.eq_ignore_ascii_case(b"content-length: 0"))
    }
}

/// The mock's answer for a request hyper refused with `status`, from its first line.
fn replacement(state: &Shared, status: u16, line: &[u8]) -> Bytes {
    let line = String::from_utf8_lossy(line);
    let mut words = line.splitn(2, ' ');
    let method = words.next().unwrap_or_default().to_owned();
    let target = words.next().unwrap_or_default();
    let target = target
        .strip_suffix(" HTTP/1.1")
        .or_else(|| target.strip_suffix(" HTTP/1.0"))
        .unwrap_or(target);
    let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
    let reason = match status {
        414 => "the request URI is longer than the mock server accepts (64 KiB)",
        431 => "the request head is larger than the mock server accepts",
        _ => "the request line or a header is malformed",
    };
    let ours = StubResponse::json(status, &json!({"error": reason}));
    // Routed as any request is, except that a refused request takes no stub.
    let query_pairs = handle::parse_query(query);
    let route = state.spec.as_ref().and_then(|spec| {
        routes::select(&spec.routes, &spec.raw, &method, path, &query_pairs, |_| false)
            .map(|selected| (spec, selected.route))
    });
    let request = ReceivedRequest {
        operation: route.map(|(_, r)| r.id.clone()),
        method,
        path: path.to_owned(),
        query: query.map(str::to_owned),
        headers: Vec::new(),
        body: Bytes::new(),
    };
    let answer = match route {
        Some((spec, route)) => handle::conform(spec, route, ours),
        None => ours,
    };
    {
        let mut script = lock(state);
        if let Some(operation) = &request.operation {
            script.coverage.record(operation, answer.status, false);
        }
        script.record(Arc::new(request));
    }
    let reason_phrase = axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or_default();
    let mut head = format!("HTTP/1.1 {status} {reason_phrase}\r\n");
    for (name, value) in &answer.headers {
        if !name.eq_ignore_ascii_case("content-length") && !name.eq_ignore_ascii_case("connection") {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        answer.body.len()
    ));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&answer.body);
    Bytes::from(bytes)
}

impl<T: AsyncRead + Unpin> AsyncRead for Guarded<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let (Poll::Ready(Ok(())), false) = (&polled, this.line_done) {
            this.keep(&buf.filled()[before..]);
        }
        polled
    }
}

impl<T: AsyncWrite + Unpin> Guarded<T> {
    /// Writes what is left of the replacement; ready when all of it is written.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.replacement {
            if *written >= bytes.len() {
                break;
            }
            match Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *written += n,
                Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Guarded<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.replacement.is_some() {
            // hyper closes the connection after its own answer; nothing it writes is sent.
            return match this.poll_replacement(cx) {
                Poll::Ready(Ok(())) => Poll::Ready(Ok(buf.len())),
                Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
                Poll::Pending => Poll::Pending,
            };
        }
        if this.is_hypers_own(buf) {
            let status = std::str::from_utf8(&buf[9..12])
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(400);
            let line = std::mem::take(&mut this.line);
            this.replacement = Some((replacement(&this.state, status, &line), 0));
            this.next_request();
            return match this.poll_replacement(cx) {
                Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
                _ => Poll::Ready(Ok(buf.len())),
            };
        }
        // An interim `100 Continue` is not the answer.
        let is_answer_head = buf.starts_with(b"HTTP/1.") && buf.get(9) != Some(&b'1');
        if is_answer_head && this.served.0.load(Ordering::Relaxed) > this.answered {
            this.next_request();
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_replacement(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_flush(cx),
            other => other,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.poll_replacement(cx) {
            Poll::Ready(Ok(())) => Pin::new(&mut this.inner).poll_shutdown(cx),
            other => other,
        }
    }
}
