//! The spec-driven mock server: generated clients against it with no scripting, validation
//! failures, examples, generated data, routing misses, operation stubs and coverage.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{connector, Credential, ErrorKind, OperationExt, RequestParts, RetryPolicy};
use serde_json::json;

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

fn spec(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

async fn setup() -> (MockServer, petstore::Client) {
    let server = MockServer::from_spec(spec("petstore.yaml")).await.unwrap();
    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("key")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn answers_every_operation_with_data_the_client_decodes() {
    let (server, client) = setup().await;
    let pet = client.get_pet_by_id(7).await.unwrap();
    assert!(!pet.name.is_empty());
    let again = client.get_pet_by_id(7).await.unwrap();
    assert!(again.id >= 0);
    let created = client
        .create_pet(petstore::types::NewPet {
            name: "Rex".into(),
            tag: None,
            status: None,
        })
        .await
        .unwrap();
    assert!(!created.name.is_empty());
    let received = server.received_by("createPet");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].json().unwrap(), json!({"name": "Rex"}));
    assert_eq!(server.received_by("getPetById").len(), 2);
    assert!(!client.list_pets().await.unwrap().is_empty());
    // deletePet takes the OAuth scheme: a bearer token is enough for the mock.
    let with_token = petstore::Client::builder()
        .base_url(server.base_url())
        .bearer_token("token")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    with_token.delete_pet(7).await.unwrap();
    let inventory = client.get_inventory().await.unwrap();
    assert!(inventory.values().all(|count| *count >= 0));
    let coverage = server.coverage();
    assert_eq!(
        coverage.covered(),
        ["createPet", "deletePet", "getInventory", "getPetById", "listPets"],
        "every operation answered as documented: {coverage:?}"
    );
}

#[tokio::test]
async fn serves_valid_examples_and_generates_when_an_example_is_invalid() {
    let (_server, client) = setup().await;
    let pets = client.list_pets().await.unwrap();
    assert_eq!(
        pets.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Rex", "Tom"],
        "the spec's example"
    );
    // The inventory example ({"available": "many"}) does not match its schema: generated data is served.
    let inventory = client.get_inventory().await.unwrap();
    assert!(inventory.values().all(|count| *count >= 0));
}

#[tokio::test]
async fn invalid_requests_get_violations() {
    let (server, client) = setup().await;
    let err = client.list_pets().limit(1000).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let body: serde_json::Value = serde_json::from_slice(err.raw_body().unwrap()).unwrap();
    assert_eq!(body["violations"][0]["location"], "query.limit", "{body}");

    struct NoCredential;
    impl connector_runtime::AuthScheme for NoCredential {
        fn apply(&self, _method: &str, _parts: &mut RequestParts) -> Result<(), String> {
            Ok(())
        }
    }
    let err = client
        .get_pet_by_id(1)
        .credential("api_key", Credential::custom(NoCredential))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));

    let http = reqwest::Client::new();
    let response = http
        .post(format!("{}/pets", server.base_url()))
        .header("x-api-key", "k")
        .header("content-type", "application/json")
        .body(r#"{"tag": 5}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    let locations: Vec<&str> = body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["location"].as_str().unwrap())
        .collect();
    assert!(locations.iter().all(|l| l.starts_with("body")), "{body}");
    assert_eq!(locations.len(), 2, "missing name and a wrong tag type: {body}");

    let response = http.get(format!("{}/petz/1", server.base_url())).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["nearest"][0]["operationId"], "getPetById", "{body}");
}

#[tokio::test]
async fn operation_stubs_and_sequences_take_precedence() {
    let (server, client) = setup().await;
    server
        .stub_operation("getPetById", StubResponse::status(503))
        .stub_operation(
            "getPetById",
            StubResponse::json(200, &json!({"id": 9, "name": "Stubbed"})),
        );
    let client = client.clone();
    let first = client.get_pet_by_id(1).await.unwrap_err();
    assert_eq!(first.kind(), ErrorKind::Status);
    let second = client.get_pet_by_id(1).retry(RetryPolicy::new()).await.unwrap();
    assert_eq!(second.name, "Stubbed");
}

#[tokio::test]
async fn coverage_lists_operations_and_statuses() {
    let (server, client) = setup().await;
    client.get_pet_by_id(1).await.unwrap();
    let _ = client.list_pets().limit(0).await;
    let coverage = server.coverage();
    assert_eq!(coverage.spec, "Petstore");
    assert_eq!(coverage.operations["getPetById"].get(&200), Some(&1));
    assert_eq!(coverage.operations["listPets"].get(&400), Some(&1));
    assert!(coverage.missed().contains(&"deletePet"));
    assert!(
        coverage.table().contains("2 of 5 operations exercised"),
        "{}",
        coverage.table()
    );
}

#[tokio::test]
async fn a_broken_spec_is_refused_at_start_up() {
    let dir = std::env::temp_dir().join(format!("mock-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("broken.json"), "{\"swagger\": \"2.0\"}").unwrap();
    let err = MockServer::from_spec(dir.join("broken.json")).await.err().unwrap();
    assert!(err.to_string().contains("Swagger 2.0"), "{err}");
}

/// The kitchen-sink connector.
#[connector(spec = "../specs/kitchen-sink.yaml")]
pub mod sink {}

#[tokio::test]
async fn generated_data_fits_unions_formats_and_recursion() {
    let server = MockServer::from_spec(spec("kitchen-sink.yaml")).await.unwrap();
    let client = sink::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    let shapes = client.list_shapes().await.unwrap();
    assert!(
        matches!(shapes[0], sink::types::Shape::Circle(_)),
        "the discriminator tag is set: {shapes:?}"
    );
    let thing = client.get_thing("x").await.unwrap();
    assert!(matches!(thing, sink::types::GetThingResponses::Status200(_)));
    let misc = client.get_misc().await.unwrap();
    assert!(misc.node.is_some());
}
