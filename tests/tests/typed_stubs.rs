//! Typed stubs: with `connector-runtime`'s `mock` feature a connector has a `mock` module whose
//! stubs take the operation's own success and error types.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use connector_runtime::{connector, ErrorKind, RetryPolicy};

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

/// The kitchen-sink connector (unions and received-only types).
#[connector(spec = "../specs/kitchen-sink.yaml")]
pub mod sink {}

use petstore::types::{Error, Pet, PetStatus};

#[tokio::test]
async fn stubs_take_the_operations_own_types() {
    let server = petstore::mock::start().await.unwrap();
    let stubs = petstore::mock::Stubs::new(&server);
    let rex = Pet {
        id: 7,
        name: "Rex".to_owned(),
        tag: None,
        status: Some(PetStatus::Available),
        born: None,
    };
    stubs.get_pet_by_id().responds(rex);
    stubs.list_pets().responds(vec![]);
    stubs.delete_pet().fails(
        404,
        Error {
            code: 404,
            message: "gone".to_owned(),
        },
    );
    stubs
        .get_inventory()
        .raw(connector_runtime::mock::StubResponse::status(503));

    let client = petstore::Client::builder()
        .base_url(server.base_url())
        .api_key("k")
        .bearer_token("t")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let pet = client.get_pet_by_id(7).await.unwrap();
    assert_eq!(pet.name, "Rex");
    assert_eq!(pet.status, Some(PetStatus::Available));
    assert!(client.list_pets().await.unwrap().is_empty());
    let err = client.delete_pet(7).await.unwrap_err();
    assert_eq!(err.body().map(|e| e.message.as_str()), Some("gone"));
    let err = client.get_inventory().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(stubs.get_pet_by_id().received().len(), 1);
}

#[tokio::test]
async fn received_only_types_and_unions_serialize_for_stubs() {
    let server = sink::mock::start().await.unwrap();
    let stubs = sink::mock::Stubs::new(&server);
    let circle: sink::types::Circle =
        serde_json::from_value(serde_json::json!({"shape": "circle", "radius": 2.0})).unwrap();
    stubs.list_shapes().responds(vec![sink::types::Shape::Circle(circle)]);
    let client = sink::Client::new(&server.base_url()).unwrap();
    let shapes = client.list_shapes().await.unwrap();
    assert!(matches!(&shapes[0], sink::types::Shape::Circle(c) if c.radius == 2.0));
}
