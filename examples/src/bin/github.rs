//! A GitHub connector (repos, issues, users, search) with `Link` pagination and ETags.
//!
//! ```text
//! cargo run -p conductor-examples --bin github                 # the mock server, no network
//! GITHUB_TOKEN=ghp_... cargo run -p conductor-examples --bin github   # api.github.com, read-only
//! ```
//!
//! Without `GITHUB_TOKEN` it serves `specs/real/github-excerpt.json` on 127.0.0.1 with the
//! spec-derived mock, scripting two pages of repositories (a `Link: rel="next"` header) and an
//! ETag; with it, the same calls go to api.github.com and only read.

use conductor_mock::StubResponse;
use connector_runtime::{connector, Conditional, OperationExt};
use serde_json::json;

/// GitHub's REST API, from the trimmed excerpt of its spec.
#[connector(spec = "../specs/real/github-excerpt.json")]
pub mod github {}

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Failure> {
    let token = std::env::var("GITHUB_TOKEN").ok().filter(|t| !t.is_empty());
    let (_server, client) = match token {
        Some(token) => {
            println!("using the real API at https://api.github.com (GITHUB_TOKEN is set; read-only calls)");
            let client = github::Client::builder()
                .bearer_token(token)
                .user_agent("api-conductor-examples")
                .build()?;
            (None, client)
        }
        None => {
            let server = github::mock::start().await?;
            println!(
                "using the mock server at {} (set GITHUB_TOKEN to call api.github.com)",
                server.base_url()
            );
            let client = github::Client::builder()
                .base_url(server.base_url())
                .bearer_token("mock-token")
                .build()?;
            script(&server, &client).await?;
            (Some(server), client)
        }
    };
    tour(&client).await
}

/// The same calls for the mock and the real API.
async fn tour(client: &github::Client) -> Result<(), Failure> {
    use github::types::UsersGetAuthenticatedResponse as User;
    match client.users_get_authenticated().await? {
        User::PrivateUser(user) => println!("users/get-authenticated     -> {} (private profile)", user.login),
        User::PublicUser(user) => println!("users/get-authenticated     -> {} (public profile)", user.login),
        // Without `user_view_type` (most answers) the tag is missing: the JSON is kept.
        User::Other(value) => println!(
            "users/get-authenticated     -> {} (untagged profile)",
            value.get("login").and_then(|l| l.as_str()).unwrap_or("?")
        ),
    }

    // ETags: the second request sends the first answer's ETag and gets a 304.
    let first = client.repos_get("rust-lang", "rust").with_response().await?;
    let etag = first.header("etag").unwrap_or_default().to_owned();
    println!(
        "repos/get                   -> {} ({} stars), ETag {etag}",
        first.body().full_name,
        first.body().stargazers_count
    );
    match client.repos_get("rust-lang", "rust").if_none_match(&etag).await? {
        Conditional::NotModified { .. } => {
            println!("repos/get + If-None-Match   -> 304 Not Modified: the cached copy is current")
        }
        Conditional::Modified(response) => {
            println!("repos/get + If-None-Match   -> changed: {}", response.body().full_name)
        }
        _ => println!("repos/get + If-None-Match   -> another answer"),
    }

    // Pagination: follows `Link: rel="next"` until `max_items`.
    let repos = client
        .repos_list_for_org("rust-lang")
        .per_page(2)
        .paginate()
        .max_items(5)
        .collect_items()
        .await?;
    let names: Vec<&str> = repos.iter().map(|r| r.name.as_str()).collect();
    println!(
        "repos/list-for-org (paged)  -> {} repos: {}",
        repos.len(),
        names.join(", ")
    );

    let issues = client
        .issues_list_for_repo("rust-lang", "rust")
        .per_page(3)
        .paginate()
        .max_items(3)
        .collect_items()
        .await?;
    for issue in &issues {
        println!("issues/list-for-repo        -> #{} {}", issue.number, issue.title);
    }

    let found = client
        .search_issues_and_pull_requests("repo:rust-lang/rust is:issue label:E-easy")
        .per_page(3)
        .await?;
    println!(
        "search/issues-and-pull-requests -> {} results, first page {} items",
        found.total_count,
        found.items.len()
    );
    Ok(())
}

/// Scripts the mock: two pages of repositories linked by `Link`, and an ETag answered by a 304.
/// Bodies start from what the mock generates from the spec, so they are valid.
async fn script(server: &conductor_mock::MockServer, client: &github::Client) -> Result<(), Failure> {
    let sample = client.repos_list_for_org("sample").await?;
    let Some(repo) = sample.first() else {
        return Ok(());
    };
    let named = |name: &str| -> Result<serde_json::Value, serde_json::Error> {
        let mut value = serde_json::to_value(repo)?;
        value["name"] = json!(name);
        value["full_name"] = json!(format!("rust-lang/{name}"));
        Ok(value)
    };
    let next = format!(
        "<{}/orgs/rust-lang/repos?per_page=2&page=2>; rel=\"next\"",
        server.base_url()
    );
    let page_1 = json!([named("rust")?, named("cargo")?]);
    let page_2 = json!([named("rustup")?]);
    server
        .stub_operation(
            "repos/list-for-org",
            StubResponse::json(200, &page_1).header("link", &next),
        )
        .stub_operation("repos/list-for-org", StubResponse::json(200, &page_2));

    let mut full = serde_json::to_value(client.repos_get("rust-lang", "rust").await?)?;
    full["full_name"] = json!("rust-lang/rust");
    full["stargazers_count"] = json!(100_000);
    server
        .stub_operation("repos/get", StubResponse::json(200, &full).header("etag", "\"r1\""))
        .stub_operation("repos/get", StubResponse::status(304).header("etag", "\"r1\""));
    Ok(())
}
