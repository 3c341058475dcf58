//! A Slack connector: cursor pagination (`response_metadata.next_cursor`) and Slack's
//! `{"ok": false, "error": "..."}` envelope turned into typed errors by the
//! `envelope = "ok=/ok error=/error"` attribute.
//!
//! ```text
//! cargo run -p conductor-examples --bin slack                      # the mock server
//! SLACK_TOKEN=xoxb-... cargo run -p conductor-examples --bin slack   # slack.com
//! ```
//!
//! Without `SLACK_TOKEN` it serves `specs/real/slack-excerpt.json` on 127.0.0.1 with the
//! spec-derived mock, scripting two pages of channels and an error envelope. With it, it lists
//! channels on slack.com, and posts a message only when `SLACK_CHANNEL` names a channel.

use conductor_mock::StubResponse;
use connector_runtime::{connector, ErrorKind};
use serde_json::json;

/// Slack's Web API (two methods), with its error envelope declared.
#[connector(spec = "../specs/real/slack-excerpt.json", envelope = "ok=/ok error=/error")]
pub mod slack {}

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Failure> {
    let real = std::env::var("SLACK_TOKEN").ok().filter(|t| !t.is_empty());
    let (server, client, token, channel) = match real {
        Some(token) => {
            println!("using the real API at https://slack.com/api (SLACK_TOKEN is set)");
            let client = slack::Client::builder().bearer_token(&token).build()?;
            (None, client, token, std::env::var("SLACK_CHANNEL").ok())
        }
        None => {
            let server = slack::mock::start().await?;
            println!(
                "using the mock server at {} (set SLACK_TOKEN to call slack.com)",
                server.base_url()
            );
            script(&server).await?;
            let client = slack::Client::builder()
                .base_url(server.base_url())
                .bearer_token("xoxb-mock")
                .build()?;
            (
                Some(server),
                client,
                "xoxb-mock".to_owned(),
                Some("C-MISSING".to_owned()),
            )
        }
    };

    // Cursor pagination: `cursor` = the last page's `response_metadata.next_cursor`, until empty.
    let channels = client
        .conversations_list()
        .token(&token)
        .limit(2)
        .paginate()
        .max_items(5)
        .collect_items()
        .await?;
    // The excerpt's conversation schema is a union kept as JSON.
    let names: Vec<&str> = channels
        .iter()
        .filter_map(|c| c.get("name").or_else(|| c.get("id")).and_then(|v| v.as_str()))
        .collect();
    println!(
        "conversations.list (paged) -> {} channels: {}",
        channels.len(),
        names.join(", ")
    );

    let Some(channel) = channel else {
        println!("chat.postMessage           -> skipped (set SLACK_CHANNEL to post)");
        return Ok(());
    };
    let mut body = slack::types::ChatPostMessageBody::new(channel.clone());
    body.text = Some("Hello from the api-conductor Slack example".to_owned());
    // A 200 with `"ok": false` is an error of kind `Envelope`, not a success.
    match client.chat_post_message(&token).body(body).await {
        Ok(sent) => println!("chat.postMessage           -> sent to {channel} ({:?})", sent.ts),
        Err(err) if err.kind() == ErrorKind::Envelope => {
            println!("chat.postMessage           -> refused by Slack: {err}");
        }
        Err(err) => return Err(err.into()),
    }
    if let Some(server) = server {
        println!("the mock received:");
        for request in server.received() {
            let query = request.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
            println!("  {} {}{query}", request.method, request.path);
        }
    }
    Ok(())
}

/// Scripts the mock: two pages of channels linked by a cursor, and an error envelope for the
/// message. Bodies start from what a second mock generates from the spec, so they are valid.
async fn script(server: &conductor_mock::MockServer) -> Result<(), Failure> {
    let samples = slack::mock::start().await?;
    let sampler = slack::Client::builder()
        .base_url(samples.base_url())
        .bearer_token("xoxb-mock")
        .build()?;
    let mut page = serde_json::to_value(sampler.conversations_list().token("xoxb-mock").await?)?;
    let channel = page["channels"][0].clone();
    let named = |id: &str, name: &str| {
        let mut value = channel.clone();
        value["id"] = json!(id);
        value["name"] = json!(name);
        value
    };
    page["ok"] = json!(true);
    page["channels"] = json!([named("C1", "general"), named("C2", "random")]);
    page["response_metadata"] = json!({"next_cursor": "dGVhbTpDMg=="});
    let mut last = page.clone();
    last["channels"] = json!([named("C3", "releases")]);
    last["response_metadata"] = json!({"next_cursor": ""});
    server
        .stub_operation("conversations_list", StubResponse::json(200, &page))
        .stub_operation(
            "conversations_list",
            StubResponse::json(200, &last).when_query("cursor", "dGVhbTpDMg=="),
        )
        .stub_operation(
            "chat_postMessage",
            StubResponse::json(200, &json!({"ok": false, "error": "channel_not_found"})),
        );
    Ok(())
}
