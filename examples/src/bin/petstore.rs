//! The petstore connector against a local server, with no network and no credentials.
//!
//! ```text
//! cargo run -p conductor-examples --bin petstore
//! ```
//!
//! It starts the in-process mock server on 127.0.0.1, scripts a few responses, and drives the
//! generated client through a typed call, a call with optional parameters and response
//! headers, a typed error, and a retried 503.

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{connector, OperationExt};
use serde_json::json;

/// The petstore connector, generated from `specs/petstore.yaml`.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    server
        .stub(
            "GET",
            "/pets/7",
            StubResponse::json(200, &json!({"id": 7, "name": "Rex", "status": "available"})),
        )
        .stub(
            "GET",
            "/pets",
            StubResponse::json(
                200,
                &json!([{"id": 1, "name": "Tom", "status": "sold"}, {"id": 2, "name": "Kit", "status": "adopted"}]),
            )
            .header("x-next", "cursor-2"),
        )
        .stub(
            "POST",
            "/pets",
            StubResponse::json(422, &json!({"code": 422, "message": "name is taken"})),
        )
        .stub("GET", "/pets/8", StubResponse::status(503).header("retry-after", "0"))
        .stub(
            "GET",
            "/pets/8",
            StubResponse::json(200, &json!({"id": 8, "name": "Bo"})),
        );

    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("demo-key")
        .build()?;

    let pet = client.get_pet_by_id(7).await?;
    println!("getPetById(7)    -> {} ({:?})", pet.name, pet.status);

    let page = client
        .list_pets()
        .limit(2)
        .status(petstore::types::PetStatus::Available)
        .with_response()
        .await?;
    println!(
        "listPets          -> {} pets, x-next: {:?}, statuses: {:?}",
        page.body().len(),
        page.header("x-next"),
        page.body()
            .iter()
            .map(|p| p.status.as_ref().map(|s| s.as_str().to_owned()))
            .collect::<Vec<_>>()
    );

    let new_pet = petstore::types::NewPet {
        name: "Rex".into(),
        tag: None,
        status: None,
    };
    match client.create_pet(new_pet).await {
        Ok(pet) => println!("createPet         -> unexpectedly created {}", pet.id),
        Err(err) => println!(
            "createPet         -> {} (typed body: {:?})",
            err.status().map_or(0, |s| s.as_u16()),
            err.body().map(|b| &b.message)
        ),
    }

    let retried = client.get_pet_by_id(8).await?;
    println!("getPetById(8)     -> {} after a 503 and a retry", retried.name);

    let received = server.received();
    println!("the server received {} requests:", received.len());
    for request in &received {
        println!(
            "  {} {}{}  x-api-key: {}",
            request.method,
            request.path,
            request.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default(),
            request.header("x-api-key").unwrap_or("-")
        );
    }
    Ok(())
}
