//! The standalone server's serve loop, shared by the `conductor-mock` binary and the
//! `api-conductor mock` command.

use std::future::Future;
use std::path::PathBuf;

use crate::{Coverage, MockError, MockServer, Recording};

/// Requests a standalone server keeps: recording stays on, but a long-running server must not
/// grow without bound.
pub const KEEP: usize = 10_000;

/// Where a standalone server's answers come from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mode {
    /// From the spec (examples, or data generated from the schemas with this seed).
    Spec {
        /// The seed for generated data.
        seed: u64,
    },
    /// Forward every request to `upstream` and write each exchange, credentials redacted, as a
    /// JSON fixture in `fixtures`.
    Record {
        /// The real base URL.
        upstream: String,
        /// The folder the fixtures go to.
        fixtures: PathBuf,
    },
    /// Answer from the fixtures in this folder.
    Replay {
        /// The folder holding the fixtures.
        fixtures: PathBuf,
    },
}

/// Serves `spec` on `127.0.0.1:port` until `stop` completes, printing one line when it is ready
/// (`serving SPEC (N operations) on URL`); returns the coverage of the requests it answered.
///
/// # Errors
///
/// When the spec cannot be loaded, the port bound, or the fixtures read.
pub async fn serve(
    spec: PathBuf,
    port: u16,
    mode: Mode,
    stop: impl Future<Output = ()>,
) -> Result<(Coverage, Vec<String>), MockError> {
    let address = format!("127.0.0.1:{port}");
    let server = match &mode {
        Mode::Spec { seed } => MockServer::from_spec_compiled(&spec, &address, *seed).await?,
        Mode::Record { upstream, fixtures } => MockServer::recording(upstream, fixtures, Some(&spec), &address).await?,
        Mode::Replay { fixtures } => MockServer::replaying(fixtures, Some(&spec), &address).await?,
    };
    server.set_recording(Recording::Last(KEEP));
    let detail = match &mode {
        Mode::Spec { .. } => String::new(),
        Mode::Record { upstream, .. } => format!(", recording {upstream}"),
        Mode::Replay { fixtures } => format!(", replaying {}", fixtures.display()),
    };
    println!(
        "serving {} ({} operations{detail}) on {}",
        spec.display(),
        server.coverage().operations.len(),
        server.base_url()
    );
    stop.await;
    Ok((server.coverage(), server.take_panics()))
}

/// Completes on Ctrl-C, or SIGTERM on Unix (a background process started by a script ignores
/// SIGINT).
pub async fn stopped() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("cannot wait for Ctrl-C");
    }
}
