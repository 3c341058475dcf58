//! `api-conductor`: the team's journeys from an empty folder to a tested, documented connector.
//!
//! `check`, `expand` and `mock` work on one spec; `setup`, `new-connector`, `implement`, `test`
//! and `status` work in a connector workspace (a folder holding `conductor.toml`). See the README's
//! "The command line".

mod auth;
mod check;
mod download;
mod drift;
mod implement;
mod mock;
mod plan;
mod spec_info;
mod status;
mod testing;
mod ui;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Typed API connectors from OpenAPI documents: check, expand and mock a spec; set up a
/// connector workspace, plan, implement and watch its connectors.
#[derive(Debug, Parser)]
#[command(name = "api-conductor", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the spec's diagnostics (errors and warnings) with a frame of its lines; exit 1 on errors.
    Check {
        /// The OpenAPI document (JSON, or YAML by extension).
        spec: PathBuf,
    },
    /// Print the Rust code `#[connector]` generates for the spec, pretty-printed.
    Expand {
        /// The OpenAPI document.
        spec: PathBuf,
        /// Generate the operations with any of these tags (comma-separated).
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
        /// Generate the operations with these ids (comma-separated).
        #[arg(long, value_delimiter = ',')]
        operations: Vec<String>,
        /// Never generate the operations with these ids (comma-separated).
        #[arg(long, value_delimiter = ',')]
        exclude_operations: Vec<String>,
        /// Which schemas become types.
        #[arg(long, value_enum, default_value = "reachable")]
        schemas: SchemasArg,
        /// How an operation paginates: `OP=DECL`, e.g. `listThings=cursor param=cursor next=/next items=/data`, or `OP=none`.
        #[arg(long, value_parser = parse_pagination)]
        pagination: Vec<(String, String)>,
    },
    /// Serve the spec's mock API on 127.0.0.1 until Ctrl-C, then print the coverage table.
    Mock {
        /// The OpenAPI document.
        spec: PathBuf,
        /// The port (0: any free port).
        #[arg(long, default_value_t = 4010)]
        port: u16,
        /// The seed for data generated from the schemas.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Forward every request to this base URL and record the exchanges (needs --fixtures).
        #[arg(long, value_name = "URL", conflicts_with = "replay")]
        record: Option<String>,
        /// Where --record writes its fixtures (credentials redacted).
        #[arg(long, value_name = "DIR")]
        fixtures: Option<PathBuf>,
        /// Answer from the fixtures in this folder.
        #[arg(long, value_name = "DIR")]
        replay: Option<PathBuf>,
    },
    /// Turn the current folder into a connector workspace (Cargo.toml, specs/, connectors/, conductor.toml).
    Setup {
        /// Connectors depend on connector-runtime at this path (default: this checkout's).
        #[arg(long, value_name = "DIR", conflicts_with_all = ["runtime_git", "runtime_version"])]
        runtime_path: Option<PathBuf>,
        /// Connectors depend on connector-runtime from this git repository.
        #[arg(long, value_name = "URL", conflicts_with = "runtime_version")]
        runtime_git: Option<String>,
        /// Connectors depend on this version of connector-runtime from a registry.
        #[arg(long, value_name = "VERSION")]
        runtime_version: Option<String>,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Copy a spec into specs/, check it, and write connectors/NAME/plan.toml for review.
    NewConnector {
        /// The connector's name (lowercase letters, digits, `-` and `_`).
        name: String,
        /// The OpenAPI document to copy: a file, or an http(s) URL to download.
        #[arg(long)]
        spec: String,
        /// Overwrite an existing spec copy or plan.
        #[arg(long)]
        force: bool,
    },
    /// Create the connector crate from its plan: the `#[connector]` module, tests against the mock and a README.
    Implement {
        /// The connector's name.
        name: String,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
    },
    /// Run `cargo test` in the connector's crate and record the result (pass/fail, counts, time) for `status`.
    Test {
        /// The connector's name.
        name: String,
        /// Passed to `cargo test` (after `--`, e.g. `-- --offline`).
        #[arg(last = true, value_name = "CARGO_TEST_ARGS")]
        cargo_args: Vec<String>,
    },
    /// OAuth 2.0 for a connector: `auth login NAME` gets its first tokens.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Per connector: spec version and drift (compatible or not), operations generated and covered by tests, auth, last test result.
    Status {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum AuthCommand {
    /// Get a connector's first OAuth tokens: authorization code with PKCE and a loopback
    /// redirect. Prints the authorize URL to open; saves the tokens in the connector's token
    /// store (connectors/NAME/.tokens.json, or `[auth] token_store` in conductor.toml), mode 0600.
    Login {
        /// The connector's name. Its client id and secret come from `NAME_CLIENT_ID` and
        /// `NAME_CLIENT_SECRET` (upper case, `-` as `_`) unless given as flags.
        name: String,
        #[command(flatten)]
        options: auth::LoginOptions,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SchemasArg {
    /// Only the schemas the generated operations reach.
    Reachable,
    /// Every component schema.
    All,
}

fn parse_pagination(value: &str) -> Result<(String, String), String> {
    match value.split_once('=') {
        Some((op, decl)) if !op.is_empty() && !decl.is_empty() => Ok((op.to_owned(), decl.to_owned())),
        _ => Err("expected OP=DECL".to_owned()),
    }
}

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// One line for stderr.
    Message(String),
    /// Diagnostics were already printed; this is the summary line.
    Reported(String),
}

impl Failure {
    /// A failure with this message.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self::Message(message.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check { spec } => check::check(&spec),
        Command::Expand {
            spec,
            tags,
            operations,
            exclude_operations,
            schemas,
            pagination,
        } => check::expand(
            &spec,
            check::ExpandOptions {
                tags,
                operations,
                exclude_operations,
                all_schemas: matches!(schemas, SchemasArg::All),
                pagination,
            },
        ),
        Command::Mock {
            spec,
            port,
            seed,
            record,
            fixtures,
            replay,
        } => mock::run(spec, port, seed, record, fixtures, replay),
        Command::Setup {
            runtime_path,
            runtime_git,
            runtime_version,
            force,
        } => workspace::setup(runtime_path, runtime_git, runtime_version, force),
        Command::NewConnector { name, spec, force } => plan::new_connector(&name, &spec, force),
        Command::Implement { name, force } => implement::implement(&name, force),
        Command::Test { name, cargo_args } => testing::test(&name, &cargo_args),
        Command::Status { json } => status::status(json),
        Command::Auth(AuthCommand::Login { name, options }) => auth::login(&name, options),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Message(message) | Failure::Reported(message)) => {
            eprintln!("{}: {message}", ui::red("error"));
            ExitCode::FAILURE
        }
    }
}
