//! `mock`: the spec's mock server, through conductor-mock's standalone serve loop.

use std::path::PathBuf;

use conductor_mock::standalone::{self, Mode};

use crate::Failure;

/// Serves `spec` until Ctrl-C or SIGTERM, then prints the coverage table.
pub(crate) fn run(
    spec: PathBuf,
    port: u16,
    seed: u64,
    record: Option<String>,
    fixtures: Option<PathBuf>,
    replay: Option<PathBuf>,
) -> Result<(), Failure> {
    // Checked here rather than by clap, whose error for a missing argument spans several lines.
    let record = match (record, fixtures) {
        (Some(upstream), Some(fixtures)) => Some((upstream, fixtures)),
        (Some(_), None) => return Err(Failure::new("--record needs --fixtures DIR, where the exchanges go")),
        (None, Some(_)) => return Err(Failure::new("--fixtures goes with --record URL")),
        (None, None) => None,
    };
    if !spec.is_file() {
        return Err(Failure::new(format!("{}: no such file", spec.display())));
    }
    let mode = match (record, replay) {
        (Some((upstream, fixtures)), _) => {
            if !upstream.starts_with("http://") && !upstream.starts_with("https://") {
                return Err(Failure::new(format!("--record: `{upstream}` is not an http(s) URL")));
            }
            Mode::Record { upstream, fixtures }
        }
        (None, Some(fixtures)) => Mode::Replay { fixtures },
        (None, None) => Mode::Spec { seed },
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::new(format!("cannot start the async runtime: {err}")))?;
    let (coverage, panics) = runtime
        .block_on(standalone::serve(spec, port, mode, standalone::stopped()))
        .map_err(|err| Failure::new(err.to_string()))?;
    println!("{}", coverage.table());
    for panic in panics {
        eprintln!("a request handler panicked: {panic}");
    }
    Ok(())
}
