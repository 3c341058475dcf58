//! The HTTP stack's ceiling for `scripts/bench-mock.sh`: the same hyper HTTP/1.1 connections,
//! runtime and socket settings as `conductor-mock` (one thread, keep-alive, `TCP_NODELAY`, no
//! vectored writes), but
//! every request gets the same constant JSON answer — no routing, validation, recording or
//! coverage. What it serves is the most the mock could serve on the same machine.
//!
//! ```text
//! cargo run --release -p conductor-mock --example hyper_ceiling -- [PORT]
//! ```

use std::convert::Infallible;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::Response;

/// About the size of the mock's answer to `GET /pets/1` on `specs/petstore.yaml`.
const BODY: &[u8] =
    br#"{"id":305,"name":"string-552","tag":"string-96","status":"available","born":"2024-01-02T03:04:05Z"}"#;

fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args().nth(1).and_then(|p| p.parse().ok()).unwrap_or(4715);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let mut http = hyper::server::conn::http1::Builder::new();
        http.keep_alive(true).writev(false);
        loop {
            let (stream, _) = listener.accept().await?;
            stream.set_nodelay(true)?;
            let service = hyper::service::service_fn(|_request| async {
                let mut response = Response::new(Full::new(Bytes::from_static(BODY)));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                Ok::<_, Infallible>(response)
            });
            let connection = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::spawn(async move {
                let _ = connection.await;
            });
        }
    })
}
