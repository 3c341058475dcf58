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

#[tokio::test]
async fn only_requests_answered_as_documented_cover_their_operation() {
    let server = MockServer::from_spec(petstore()).await.unwrap();
    // Exercised, not covered: refused for missing credentials, with a stub or without one.
    assert_eq!(get(&server, "/pets/1", None).await.0, 401);
    server.stub_operation("deletePet", StubResponse::status(204));
    let deleted = client()
        .delete(format!("{}/pets/1", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204, "the stub answers whatever was sent");
    // A documented status with a fault, and a status the operation does not document.
    server.stub_operation("getInventory", StubResponse::status(200).truncated(1));
    let _ = client()
        .get(format!("{}/store/inventory", server.base_url()))
        .header("x-api-key", "k")
        .send()
        .await;
    server.stub_operation(
        "createPet",
        StubResponse::json(418, &json!({"code": 1, "message": "x"})),
    );
    let created = client()
        .post(format!("{}/pets", server.base_url()))
        .header("x-api-key", "k")
        .header("content-type", "application/json")
        .body(r#"{"name": "Rex"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 418, "createPet documents 201 and 422 only");
    let coverage = server.coverage();
    assert!(coverage.covered().is_empty(), "{coverage:?}");
    assert_eq!(coverage.missed(), ["listPets"]);

    // Covered: a valid request answered from the spec, or by a stub with a documented status.
    assert_eq!(get(&server, "/pets/1", Some("k")).await.0, 200);
    server.stub_operation("listPets", StubResponse::json(200, &json!([])));
    assert_eq!(get(&server, "/pets", Some("k")).await.0, 200);
    let coverage = server.coverage();
    assert_eq!(coverage.covered(), ["getPetById", "listPets"]);
    assert!(
        coverage
            .spec_path
            .as_deref()
            .is_some_and(|p| p.ends_with("specs/petstore.yaml")),
        "{coverage:?}"
    );
}

#[tokio::test]
async fn a_redirect_from_the_spec_ends_on_the_mock() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/real/github-excerpt.json");
    let server = MockServer::from_spec(spec).await.unwrap();
    let url = format!("{}/repos/o/r/tarball/main", server.base_url());
    let manual = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = manual.get(&url).send().await.unwrap();
    assert_eq!(redirect.status().as_u16(), 302);
    assert_eq!(redirect.headers()["location"], "/__conductor/redirected");
    let followed = client().get(&url).send().await.unwrap();
    assert_eq!(
        followed.status().as_u16(),
        200,
        "the client following it lands on the mock"
    );
    assert_eq!(server.received_by("repos/download-tarball-archive").len(), 2);
}
