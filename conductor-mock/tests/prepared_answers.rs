//! Answers from the spec are prepared once per operation and documented response: the same for
//! every request, deterministic for a seed whatever the order of requests, and still behind the
//! per-request checks (validation, stubs).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use conductor_mock::{MockServer, StubResponse};
use serde_json::{json, Value};

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().unwrap()
}

fn petstore() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/petstore.yaml")
}

async fn get(server: &MockServer, path: &str, key: Option<&str>) -> (u16, Value) {
    let mut request = client().get(format!("{}{path}", server.base_url()));
    if let Some(key) = key {
        request = request.header("x-api-key", key);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn the_same_answer_for_every_request_and_only_the_seed_decides_it() {
    let first = MockServer::from_spec_on(petstore(), "127.0.0.1:0", 7).await.unwrap();
    let (status, pet) = get(&first, "/pets/1", Some("k")).await;
    assert_eq!(status, 200);
    assert!(pet["name"].is_string(), "generated from the schema: {pet}");
    assert_eq!(get(&first, "/pets/2", Some("k")).await, (200, pet.clone()));

    // Another server with the same seed, asked in another order, answers the same.
    let second = MockServer::from_spec_on(petstore(), "127.0.0.1:0", 7).await.unwrap();
    let (_, inventory) = get(&second, "/store/inventory", Some("k")).await;
    assert_eq!(get(&second, "/pets/3", Some("k")).await, (200, pet.clone()));
    assert_eq!(get(&first, "/store/inventory", Some("k")).await, (200, inventory));

    // Another seed, other data.
    let other = MockServer::from_spec_on(petstore(), "127.0.0.1:0", 8).await.unwrap();
    let (_, other_pet) = get(&other, "/pets/1", Some("k")).await;
    assert_ne!(other_pet, pet);
}

#[tokio::test]
async fn prepared_answers_still_follow_validation_and_stubs() {
    let server = MockServer::from_spec(petstore()).await.unwrap();
    let (_, pet) = get(&server, "/pets/1", Some("k")).await;
    let (status, _) = get(&server, "/pets/1", None).await;
    assert_eq!(status, 401, "credentials are checked on every request");
    let (status, _) = get(&server, "/pets/x", Some("k")).await;
    assert_eq!(status, 400, "parameters are checked on every request");
    server.stub_operation(
        "getPetById",
        StubResponse::json(200, &json!({"id": 9, "name": "stubbed"})).when_path_param("petId", "9"),
    );
    assert_eq!(
        get(&server, "/pets/9", Some("k")).await,
        (200, json!({"id": 9, "name": "stubbed"}))
    );
    assert_eq!(get(&server, "/pets/1", Some("k")).await, (200, pet));
    assert_eq!(server.received_by("getPetById").len(), 5);
}
