//! Regression guard: trimmed excerpts of real public specs (GitHub's and Stripe's, both MIT)
//! in `specs/real/` are expanded, compiled and driven against the spec-derived mock, so a
//! change that breaks a real-world shape fails here without the full corpus sweep.
//!
//! `GITHUB_TOKEN` set: one read-only call also goes to the real api.github.com.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use conductor_mock::MockServer;
use connector_runtime::{connector, OperationExt, RetryPolicy};

/// An excerpt of GitHub's REST API.
#[connector(spec = "../specs/real/github-excerpt.json")]
pub mod github {}

/// An excerpt of Stripe's API.
#[connector(spec = "../specs/real/stripe-excerpt.json")]
pub mod stripe {}

fn spec(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs/real")
        .join(name)
}

#[tokio::test]
async fn github_operations_round_trip_through_the_mock() {
    let server = MockServer::from_spec(spec("github-excerpt.json")).await.unwrap();
    let client = github::Client::builder()
        .base_url(server.base_url())
        .bearer_token("ghp_test")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let repo = client.repos_get("octocat", "hello-world").await.unwrap();
    assert!(!repo.name.is_empty());
    let issues = client
        .issues_list_for_repo("octocat", "hello-world")
        .state(github::types::IssuesListForRepoState::Open)
        .per_page(5)
        .await
        .unwrap();
    assert!(!issues.is_empty());
    let search = client
        .search_issues_and_pull_requests("is:open repo:octocat/hello-world")
        .await
        .unwrap();
    let _ = search;
    let limits = client.rate_limit_get().await.unwrap();
    let _ = limits.resources;
    let received = server.received();
    assert_eq!(received[0].path, "/repos/octocat/hello-world");
    assert_eq!(received[1].query.as_deref(), Some("state=open&per_page=5"));
    assert!(received
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer ghp_test")));
}

#[tokio::test]
async fn stripe_form_bodies_and_lists_round_trip_through_the_mock() {
    let server = MockServer::from_spec(spec("stripe-excerpt.json")).await.unwrap();
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .basic_auth("sk_test_123", "")
        .idempotency_header("Idempotency-Key")
        .build()
        .unwrap();
    let body = stripe::types::PostCustomersBody {
        email: Some("jenny@example.com".to_owned()),
        expand: Some(vec!["default_source".to_owned()]),
        ..Default::default()
    };
    let customer = client.post_customers().body(body).await.unwrap();
    assert!(!customer.id.is_empty());
    let list = client.get_customers().limit(3).await.unwrap();
    let _ = list;
    let received = server.received();
    let form = std::str::from_utf8(&received[0].body).unwrap();
    assert!(form.contains("email=jenny%40example.com"), "{form}");
    assert!(form.contains("expand%5B%5D=default_source"), "{form}");
    assert!(received[0].header("idempotency-key").is_some());
    assert_eq!(received[1].query.as_deref(), Some("limit=3"));
}

#[tokio::test]
async fn github_live_when_a_token_is_set() {
    let Ok(token) = std::env::var("GITHUB_TOKEN") else {
        eprintln!("skipped: set GITHUB_TOKEN to run one read-only call against api.github.com");
        return;
    };
    let client = github::Client::builder()
        .bearer_token(token)
        .user_agent("api-conductor-tests")
        .build()
        .unwrap();
    let repo = client
        .repos_get("octocat", "Hello-World")
        .with_response()
        .await
        .unwrap();
    assert_eq!(repo.body().full_name, "octocat/Hello-World");
    assert!(repo.header("x-github-request-id").is_some());
}
