//! Serves a spec's mock API on loopback, for use outside Rust tests.
//!
//! ```text
//! cargo run -p conductor-mock -- SPEC [--port 4010] [--seed 0]
//! ```
//!
//! The server binds 127.0.0.1 only. Ctrl-C stops it and writes the coverage report.

use std::process::ExitCode;

use conductor_mock::MockServer;

struct Args {
    spec: String,
    port: u16,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut spec = None;
    let mut port = 4010u16;
    let mut seed = 0u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                let value = args.next().ok_or("--port needs a value")?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port: `{value}` is not a port number"))?;
            }
            "--seed" => {
                let value = args.next().ok_or("--seed needs a value")?;
                seed = value
                    .parse()
                    .map_err(|_| format!("--seed: `{value}` is not a number"))?;
            }
            "-h" | "--help" => return Err("usage: conductor-mock SPEC [--port 4010] [--seed 0]".to_owned()),
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other if spec.is_none() => spec = Some(other.to_owned()),
            other => return Err(format!("unexpected argument `{other}`")),
        }
    }
    Ok(Args {
        spec: spec.ok_or("usage: conductor-mock SPEC [--port 4010] [--seed 0]")?,
        port,
        seed,
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("conductor-mock: {message}");
            return ExitCode::from(2);
        }
    };
    let address = format!("127.0.0.1:{}", args.port);
    let server = match MockServer::from_spec_on(&args.spec, &address, args.seed).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("conductor-mock: {err}");
            return ExitCode::from(1);
        }
    };
    println!(
        "serving {} ({} operations) on {}",
        args.spec,
        server.coverage().operations.len(),
        server.base_url()
    );
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("conductor-mock: cannot wait for Ctrl-C");
    }
    println!("{}", server.coverage().table());
    ExitCode::SUCCESS
}
