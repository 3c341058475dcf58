//! The generated petstore client against the mock's scripting: live OAuth tokens that expire,
//! the rate-limit emulation, and record-then-replay through a loopback upstream.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use conductor_mock::MockServer;
use connector_runtime::{connector, Credential, OperationExt, RetryPolicy};

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

fn spec() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/petstore.yaml")
}

fn client(base_url: String) -> petstore::Client {
    petstore::Client::builder()
        .base_url(base_url)
        .api_key("key")
        .retry(RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test]
async fn oauth_operations_need_a_live_token() {
    let server = MockServer::from_spec(spec()).await.unwrap();
    server.oauth().require_live_tokens();
    let client = client(server.base_url());
    let token = server.oauth().issue();
    client
        .delete_pet(1)
        .credential("petstore_auth", Credential::bearer(token.clone()))
        .await
        .unwrap();
    server.oauth().expire_all();
    let err = client
        .delete_pet(1)
        .credential("petstore_auth", Credential::bearer(token))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(server.received_by("deletePet").len(), 2);
}

#[tokio::test]
async fn the_rate_limit_answers_429_until_the_window_advances() {
    let server = MockServer::from_spec(spec()).await.unwrap();
    server.rate_limit().budget(1, 1);
    let client = client(server.base_url());
    client.get_pet_by_id(1).await.unwrap();
    let err = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    server.rate_limit().advance_window();
    client.get_pet_by_id(1).await.unwrap();
    assert_eq!(server.rate_limit().rejected(), 1);
}

#[tokio::test]
async fn a_connector_replays_recorded_responses_without_the_upstream() {
    let dir = std::env::temp_dir().join(format!("mock-scripting-fixtures-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let upstream = MockServer::from_spec(spec()).await.unwrap();
    let proxy = MockServer::recording(&upstream.base_url(), &dir, Some(&spec()), "127.0.0.1:0")
        .await
        .unwrap();
    let recorded = client(proxy.base_url()).get_pet_by_id(42).await.unwrap();
    drop(proxy);
    drop(upstream);
    let fixtures = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(fixtures, 1);

    let replay = MockServer::replaying(&dir, Some(&spec()), "127.0.0.1:0").await.unwrap();
    let replayed = client(replay.base_url()).get_pet_by_id(42).await.unwrap();
    assert_eq!((replayed.id, replayed.name), (recorded.id, recorded.name));
    let err = client(replay.base_url()).get_pet_by_id(43).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "no fixture, no network");
    drop(replay);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Box's shape: two operations on one method and path, the second written with a `#fragment`.
#[connector(spec = "../specs/fragments.yaml")]
pub mod files {}

#[tokio::test]
async fn operations_sharing_a_method_and_path_are_sent_and_routed_apart() {
    let server =
        MockServer::from_spec(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/fragments.yaml"))
            .await
            .unwrap();
    server.stub_operation(
        "update_shared_link",
        conductor_mock::StubResponse::json(
            200,
            &serde_json::json!({"id": "7", "shared_link": "https://example.com/s/7"}),
        ),
    );
    let client = files::Client::builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let linked = client.update_shared_link("7", "shared_link").await.unwrap();
    assert_eq!(linked.shared_link.as_deref(), Some("https://example.com/s/7"));
    let plain = client.update_file("7").await.unwrap();
    assert_ne!(
        plain.shared_link.as_deref(),
        Some("https://example.com/s/7"),
        "answered from the spec"
    );
    let received = server.received();
    assert_eq!(received[0].path, "/files/7", "the fragment is never sent");
    assert_eq!(received[0].operation.as_deref(), Some("update_shared_link"));
    assert_eq!(received[1].operation.as_deref(), Some("update_file"));
    assert_eq!(server.coverage().covered(), ["update_file", "update_shared_link"]);
}
