//! Serves a spec's mock API on loopback, for use outside Rust tests.
//!
//! ```text
//! cargo run -p conductor-mock -- SPEC [--port 4010] [--seed 0] [--threads 1] [--record URL --fixtures DIR | --replay DIR]
//! ```
//!
//! `--record` forwards every request to `URL` and writes each exchange, credentials redacted,
//! as a JSON fixture in `DIR`; `--replay` answers from such fixtures. The server binds
//! 127.0.0.1 only and keeps the last 10,000 requests it received. Ctrl-C stops it and prints
//! the coverage table (so does SIGTERM).

use std::process::ExitCode;

use conductor_mock::standalone::{self, Mode};

const USAGE: &str =
    "usage: conductor-mock SPEC [--port 4010] [--seed 0] [--threads 1] [--record URL --fixtures DIR | --replay DIR]";

#[derive(Debug, PartialEq, Eq)]
struct Args {
    spec: String,
    port: u16,
    seed: u64,
    threads: usize,
    record: Option<String>,
    fixtures: Option<String>,
    replay: Option<String>,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
    let mut spec = None;
    let mut port = 4010u16;
    let mut seed = 0u64;
    let mut threads = 1usize;
    let (mut record, mut fixtures, mut replay) = (None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                port = v.parse().map_err(|_| format!("--port: `{v}` is not a port number"))?;
            }
            "--seed" => {
                let v = value("--seed")?;
                seed = v.parse().map_err(|_| format!("--seed: `{v}` is not a number"))?;
            }
            "--threads" => {
                let v = value("--threads")?;
                threads = v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("--threads: `{v}` is not a positive number"))?;
            }
            "--record" => record = Some(value("--record")?),
            "--fixtures" => fixtures = Some(value("--fixtures")?),
            "--replay" => replay = Some(value("--replay")?),
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`; {USAGE}")),
            other if spec.is_none() => spec = Some(other.to_owned()),
            other => return Err(format!("unexpected argument `{other}`; {USAGE}")),
        }
    }
    match (&record, &fixtures, &replay) {
        (Some(_), _, Some(_)) => return Err("--record and --replay exclude each other".to_owned()),
        (Some(_), None, _) => return Err("--record needs --fixtures DIR".to_owned()),
        (None, Some(_), _) => return Err("--fixtures goes with --record URL".to_owned()),
        (Some(url), _, _) if !url.starts_with("http://") && !url.starts_with("https://") => {
            return Err(format!("--record: `{url}` is not an http(s) URL"))
        }
        _ => {}
    }
    Ok(Args {
        spec: spec.ok_or(USAGE)?,
        port,
        seed,
        threads,
        record,
        fixtures,
        replay,
    })
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("conductor-mock: {message}");
            return ExitCode::from(2);
        }
    };
    // One thread by default: on loopback next to the tests (or a load generator) that drive
    // it, a single-threaded server avoids cross-thread wake-ups and serves more per core.
    let runtime = if args.threads == 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()
    };
    match runtime {
        Ok(runtime) => runtime.block_on(serve(args)),
        Err(err) => {
            eprintln!("conductor-mock: cannot start the runtime: {err}");
            ExitCode::from(1)
        }
    }
}

async fn serve(args: Args) -> ExitCode {
    let mode = match (args.record, args.fixtures, args.replay) {
        (Some(upstream), Some(fixtures), _) => Mode::Record {
            upstream,
            fixtures: fixtures.into(),
        },
        (_, _, Some(fixtures)) => Mode::Replay {
            fixtures: fixtures.into(),
        },
        _ => Mode::Spec { seed: args.seed },
    };
    match standalone::serve(args.spec.into(), args.port, mode, standalone::stopped()).await {
        Ok((coverage, panics)) => {
            println!("{}", coverage.table());
            for panic in panics {
                eprintln!("conductor-mock: a request handler panicked: {panic}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("conductor-mock: {err}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Args, String> {
        parse_args(line.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn parses_modes_and_rejects_bad_combinations() {
        let args = parse("s.yaml --port 0 --record http://127.0.0.1:9 --fixtures f").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(args.record.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(parse("s.yaml --replay f").map(|a| a.replay), Ok(Some("f".to_owned())));
        assert!(parse("s.yaml --record http://x").is_err());
        assert!(parse("s.yaml --record ftp://x --fixtures f").is_err());
        assert!(parse("s.yaml --replay f --record http://x --fixtures f").is_err());
        assert!(parse("s.yaml --fixtures f").is_err());
        assert!(parse("s.yaml --port x").is_err());
        assert!(parse("s.yaml --threads 0").is_err());
        assert_eq!(parse("s.yaml --threads 2").map(|a| a.threads), Ok(2));
        assert!(parse("--port 1").is_err());
        assert!(parse("a b").is_err());
    }
}
