//! Runs every example's mock path (no token variables set: no network, no credentials), so the
//! examples cannot rot: each must exit 0 and say it used the mock server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

fn run(bin: &str, token_variable: Option<&str>, expected: &[&str]) {
    let mut command = Command::new(bin);
    if let Some(variable) = token_variable {
        command.env_remove(variable);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{bin} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in expected {
        assert!(stdout.contains(line), "`{line}` in the output of {bin}:\n{stdout}");
    }
}

#[test]
fn petstore() {
    run(env!("CARGO_BIN_EXE_petstore"), None, &["getPetById(7)    -> Rex"]);
}

#[test]
fn github_on_the_mock() {
    run(
        env!("CARGO_BIN_EXE_github"),
        Some("GITHUB_TOKEN"),
        &[
            "using the mock server at http://127.0.0.1:",
            "304 Not Modified",
            "3 repos: rust, cargo, rustup",
        ],
    );
}

#[test]
fn stripe_on_the_mock() {
    run(
        env!("CARGO_BIN_EXE_stripe"),
        Some("STRIPE_API_KEY"),
        &[
            "using the mock server at http://127.0.0.1:",
            "3 customers: cus_A, cus_B, cus_C",
            "GET /v1/customers?limit=2&starting_after=cus_B",
        ],
    );
}

#[test]
fn slack_on_the_mock() {
    run(
        env!("CARGO_BIN_EXE_slack"),
        Some("SLACK_TOKEN"),
        &[
            "using the mock server at http://127.0.0.1:",
            "3 channels: general, random, releases",
            "refused by Slack: ",
            "channel_not_found",
        ],
    );
}
