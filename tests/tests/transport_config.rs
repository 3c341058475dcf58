//! Transport settings on the builder: a proxy (the scripted server plays it, so nothing leaves
//! the machine) and custom root certificates.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::connector;
use serde_json::json;

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

#[tokio::test]
async fn requests_go_through_the_configured_proxy() {
    let proxy = MockServer::start().await.unwrap();
    proxy.stub(
        "GET",
        "/pets/1",
        StubResponse::json(200, &json!({"id": 1, "name": "a"})),
    );
    // `.invalid` never resolves: only the proxy can answer.
    let client = petstore::Client::builder()
        .base_url("http://petstore.invalid")
        .api_key("k")
        .proxy(&proxy.base_url())
        .build()
        .unwrap();
    assert_eq!(client.get_pet_by_id(1).await.unwrap().id, 1);
    let received = proxy.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("host"), Some("petstore.invalid"));
}

#[test]
fn root_certificates_are_checked_when_the_client_is_built() {
    let pem = include_bytes!("../fixtures/test-ca.pem");
    petstore::Client::builder()
        .base_url("https://127.0.0.1:1")
        .root_certificates_pem(pem)
        .build()
        .unwrap();
    petstore::Client::builder()
        .base_url("https://127.0.0.1:1")
        .root_certificates_pem(pem)
        .only_given_roots(true)
        .build()
        .unwrap();
    let err = petstore::Client::builder()
        .base_url("https://127.0.0.1:1")
        .root_certificates_pem(b"not a certificate")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("PEM"), "{err}");
    let err = petstore::Client::builder().proxy("::not a url::").build().unwrap_err();
    assert!(err.to_string().contains("proxy"), "{err}");
}
