//! Stubs with predicates and faults, seen by a plain reqwest client; recording bounds; panics
//! inside the server.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::time::Duration;

use conductor_mock::{MockServer, Recording, StubResponse};
use serde_json::json;

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().unwrap()
}

fn petstore() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/petstore.yaml")
}

#[tokio::test]
async fn predicates_choose_the_stub_and_sequences_still_repeat_the_last() {
    let server = MockServer::from_spec(petstore()).await.unwrap();
    server
        .stub_operation(
            "listPets",
            StubResponse::json(200, &json!([{"id": 10, "name": "ten"}])).when_query("limit", "10"),
        )
        .stub_operation("listPets", StubResponse::server_error(503))
        .stub_operation("listPets", StubResponse::json(200, &json!([])))
        .stub_operation(
            "getPetById",
            StubResponse::json(200, &json!({"id": 7, "name": "seven"})).when_path_param("petId", "7"),
        )
        .stub_operation(
            "createPet",
            StubResponse::json(201, &json!({"id": 1, "name": "Rex"})).when_body_contains(json!({"name": "Rex"})),
        )
        .stub_operation("createPet", StubResponse::status(409).when_body(|b| b["tag"] == "dup"))
        .stub(
            "GET",
            "/pets",
            StubResponse::status(418).when_header("x-trace", "teapot"),
        );
    let c = client();
    let base = server.base_url();
    let get = |path: &str| c.get(format!("{base}{path}")).header("x-api-key", "k");
    assert_eq!(get("/pets?limit=10").send().await.unwrap().status(), 200);
    assert_eq!(
        get("/pets?limit=10").send().await.unwrap().text().await.unwrap(),
        r#"[{"id":10,"name":"ten"}]"#
    );
    assert_eq!(get("/pets").send().await.unwrap().status(), 503);
    assert_eq!(get("/pets").send().await.unwrap().text().await.unwrap(), "[]");
    assert_eq!(
        get("/pets").send().await.unwrap().text().await.unwrap(),
        "[]",
        "the last repeats"
    );
    assert_eq!(
        get("/pets").header("x-trace", "teapot").send().await.unwrap().status(),
        418
    );
    let seven: serde_json::Value =
        serde_json::from_str(&get("/pets/7").send().await.unwrap().text().await.unwrap()).unwrap();
    assert_eq!(seven["name"], "seven");
    let eight: serde_json::Value =
        serde_json::from_str(&get("/pets/8").send().await.unwrap().text().await.unwrap()).unwrap();
    assert_ne!(eight["name"], "seven", "no stub matches: the spec answers");
    let post = |body: serde_json::Value| {
        c.post(format!("{base}/pets"))
            .header("x-api-key", "k")
            .header("content-type", "application/json")
            .body(body.to_string())
    };
    assert_eq!(
        post(json!({"name": "Rex", "tag": "a"})).send().await.unwrap().status(),
        201
    );
    assert_eq!(
        post(json!({"name": "Tom", "tag": "dup"}))
            .send()
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(server.received_by("createPet").len(), 2);
}

#[tokio::test]
async fn faults_are_what_the_client_observes() {
    let server = MockServer::start().await.unwrap();
    server
        .stub("GET", "/limited", StubResponse::rate_limited(30))
        .stub("GET", "/broken", StubResponse::server_error(502))
        .stub("GET", "/reset", StubResponse::reset())
        .stub(
            "GET",
            "/truncated",
            StubResponse::json(200, &json!({"id": 1})).truncated(100),
        )
        .stub("GET", "/malformed", StubResponse::malformed_json(200))
        .stub(
            "GET",
            "/slow",
            StubResponse::status(200)
                .body("abcdefghij")
                .slow_body(3, Duration::from_millis(5)),
        )
        .stub(
            "GET",
            "/late",
            StubResponse::status(204).delay(Duration::from_millis(5)),
        );
    let c = client();
    let url = |p: &str| format!("{}{p}", server.base_url());

    let limited = c.get(url("/limited")).send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "30");

    assert_eq!(c.get(url("/broken")).send().await.unwrap().status(), 502);

    let reset = c.get(url("/reset")).send().await;
    let err = reset.expect_err("no response at all");
    assert!(!err.is_status() && err.status().is_none(), "{err:?}");

    let truncated = c.get(url("/truncated")).send().await.unwrap();
    assert_eq!(truncated.status(), 200);
    assert_eq!(truncated.content_length(), Some(100));
    assert!(truncated.bytes().await.is_err(), "the body ends early");

    let malformed = c.get(url("/malformed")).send().await.unwrap();
    assert_eq!(malformed.headers()["content-type"], "application/json");
    assert!(serde_json::from_str::<serde_json::Value>(&malformed.text().await.unwrap()).is_err());

    let mut slow = c.get(url("/slow")).send().await.unwrap();
    let mut chunks = Vec::new();
    while let Some(chunk) = slow.chunk().await.unwrap() {
        chunks.push(chunk);
    }
    assert!(chunks.len() > 1, "sent in pieces: {chunks:?}");
    assert_eq!(chunks.concat(), b"abcdefghij");

    assert_eq!(c.get(url("/late")).send().await.unwrap().status(), 204);
    // The server still serves after every fault.
    assert_eq!(c.get(url("/broken")).send().await.unwrap().status(), 502);
}

#[tokio::test]
async fn recording_keeps_the_last_n_or_nothing() {
    let server = MockServer::start().await.unwrap();
    let c = client();
    for i in 0..5 {
        c.get(format!("{}/r/{i}", server.base_url())).send().await.unwrap();
    }
    assert_eq!(server.received().len(), 5);
    server.set_recording(Recording::Last(2));
    let paths: Vec<String> = server.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/r/3", "/r/4"]);
    c.get(format!("{}/r/5", server.base_url())).send().await.unwrap();
    let paths: Vec<String> = server.received().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/r/4", "/r/5"]);
    server.set_recording(Recording::Off);
    c.get(format!("{}/r/6", server.base_url())).send().await.unwrap();
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_panicking_predicate_is_reported() {
    let server = MockServer::start().await.unwrap();
    server.stub(
        "POST",
        "/p",
        StubResponse::status(200).when_body(|_| panic!("predicate exploded")),
    );
    let c = client();
    let response = c
        .post(format!("{}/p", server.base_url()))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    // The server keeps serving.
    assert_eq!(
        c.get(format!("{}/other", server.base_url()))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let panics = server.take_panics();
    assert_eq!(panics.len(), 1);
    assert!(panics[0].contains("predicate exploded"));
}

#[tokio::test]
#[should_panic(expected = "the mock server panicked while serving: predicate exploded")]
async fn a_panic_inside_the_server_fails_the_test_on_drop() {
    let server = MockServer::start().await.unwrap();
    server.stub(
        "POST",
        "/p",
        StubResponse::status(200).when_body(|_| panic!("predicate exploded")),
    );
    let _ = client()
        .post(format!("{}/p", server.base_url()))
        .body("{}")
        .send()
        .await;
    drop(server);
}

#[tokio::test]
async fn an_operation_without_an_id_goes_by_the_generators_derived_id() {
    let dir = std::env::temp_dir().join(format!("conductor-mock-derived-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("things.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\n\
         info: {title: Things, version: '1'}\n\
         paths:\n  \
           /things/{id}:\n    \
             get:\n      \
               parameters: [{name: id, in: path, required: true, schema: {type: integer}}]\n      \
               responses:\n        \
                 '200': {description: a thing, content: {application/json: {schema: {type: object}}}}\n",
    )
    .unwrap();
    let server = MockServer::from_spec(&spec).await.unwrap();
    server.stub_operation("get_things_id", StubResponse::json(200, &json!({"stubbed": true})));
    let response = client()
        .get(format!("{}/things/3", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), r#"{"stubbed":true}"#);
    assert_eq!(server.received_by("get_things_id").len(), 1);
    assert!(server.received_by("GET /things/{id}").is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_delayed_stub_answers_no_sooner_than_its_delay() {
    let server = MockServer::from_spec(petstore()).await.unwrap();
    server.stub_operation(
        "getPetById",
        StubResponse::json(200, &json!({"id": 1, "name": "Rex"})).delay(Duration::from_millis(300)),
    );
    let started = std::time::Instant::now();
    let response = client()
        .get(format!("{}/pets/1", server.base_url()))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_body_of_an_undeclared_content_type_is_a_violation() {
    let server = MockServer::from_spec(petstore()).await.unwrap();
    let response = client()
        .post(format!("{}/pets", server.base_url()))
        .header("x-api-key", "k")
        .header("content-type", "text/plain")
        .body("name=Rex")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(status, 400, "{body}");
    let violations = body["violations"].as_array().cloned().unwrap_or_default();
    assert!(
        violations.iter().any(|v| v["location"] == "header.content-type"
            && v["message"].as_str().is_some_and(|m| m.contains("application/json"))),
        "{body}"
    );
}
