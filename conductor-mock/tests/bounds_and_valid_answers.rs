//! No request makes the mock use unbounded memory or time (413 past the body limit, generated
//! answers bounded, a pathological pattern answered), and an answer is always valid against its
//! schema: a spec example that is not (a wrong type, a wrong format) is replaced by generated
//! data, and the reason travels in `x-conductor-mock-note`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use conductor_mock::{MockServer, MAX_REQUEST_BODY};
use serde_json::{json, Value};

fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().unwrap()
}

/// POSTs `body` as JSON and returns the status.
async fn post_json(url: String, body: &Value) -> u16 {
    client()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// GETs `path` from the server.
async fn get(server: &MockServer, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", server.base_url()))
        .send()
        .await
        .unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// A spec with the shapes under test, written to a temporary file.
fn spec_file(name: &str) -> std::path::PathBuf {
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "Bounds", "version": "1"},
        "paths": {
            "/upload": {"post": {
                "operationId": "upload",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"204": {"description": "stored"}}
            }},
            "/codes": {"post": {
                "operationId": "check_code",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"code": {"type": "string", "pattern": "^(a|a)*(?=b)c$"}}
                }}}},
                "responses": {"204": {"description": "valid"}}
            }},
            "/stamps": {"post": {
                "operationId": "stamp",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"at": {"type": "string", "format": "date-time"}, "id": {"type": "string", "format": "uuid"}}
                }}}},
                "responses": {"204": {"description": "stamped"}}
            }},
            "/huge": {"get": {
                "operationId": "huge",
                "responses": {"200": {"description": "a schema asking for a huge answer", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Wide"
                }}}}}
            }},
            "/runners": {"get": {
                "operationId": "runner",
                "responses": {"200": {
                    "description": "examples that break their schema",
                    "headers": {"X-Rate": {"schema": {"type": "integer", "example": "many"}}},
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Runner"},
                        "example": {"display_name": 20.04, "page_url": "hello-world.github.io", "date": "\"2007-10-29T02:42:39.000-07:00\""}
                    }}
                }}
            }},
            "/items/{id}": {"get": {
                "operationId": "get_item",
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "the item", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "default": {"description": "an error", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["error"],
                        "properties": {"error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}}
                    }}}}
                }
            }},
            "/nested": {"get": {
                "operationId": "nested",
                "responses": {"200": {"description": "a property example of the wrong type", "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["size"],
                    "properties": {"size": {"type": "integer", "example": "large"}}
                }}}}}
            }}
        },
        "components": {"schemas": {
            "Runner": {"type": "object", "required": ["display_name", "page_url", "date"], "properties": {
                "display_name": {"type": "string"},
                "page_url": {"type": "string", "format": "uri"},
                "date": {"type": "string", "format": "date-time"}
            }},
            "Wide": {"type": "object", "required": ["rows", "text"], "properties": {
                "rows": {"type": "array", "minItems": 1_000_000_000u64, "items": {"$ref": "#/components/schemas/Wide"}},
                "text": {"type": "string", "minLength": 1_000_000_000u64},
                "a": {"$ref": "#/components/schemas/Wide"},
                "b": {"$ref": "#/components/schemas/Wide"},
                "c": {"$ref": "#/components/schemas/Wide"}
            }}
        }}
    });
    let dir = std::env::temp_dir().join(format!("conductor-mock-bounds-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bounds.json");
    std::fs::write(&path, spec.to_string()).unwrap();
    path
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_and_the_server_keeps_serving() {
    let server = MockServer::from_spec(spec_file("413")).await.unwrap();
    let url = format!("{}/upload", server.base_url());
    let mut big = b"{\"data\":\"".to_vec();
    big.resize(MAX_REQUEST_BODY + 10, b'x');
    let response = client()
        .post(&url)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 413);
    let body = json_of(response).await;
    assert_eq!(body["limit_bytes"], MAX_REQUEST_BODY);

    let response = client()
        .post(&url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204, "the next request is served");
    let received = server.received_by("upload");
    assert_eq!(received.len(), 2, "the refused request is recorded too");
    assert!(received[0].body.is_empty(), "without its body");
}

#[tokio::test]
async fn a_uri_over_64_kib_gets_the_documented_error_shape_and_the_server_keeps_serving() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = MockServer::from_spec(spec_file("414")).await.unwrap();
    let address = server.base_url().trim_start_matches("http://").to_owned();
    let long = "x".repeat(70 * 1024);
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let request = format!("GET /items/{long} HTTP/1.1\r\nhost: mock\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 414 "), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("content-type: application/json"),
        "{answer}"
    );
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert!(
        body["error"]["message"].is_string(),
        "the documented error shape: {body}"
    );

    let response = get(&server, "/items/7").await;
    assert_eq!(response.status().as_u16(), 200, "the next request is served");
    let received = server.received_by("get_item");
    assert_eq!(received.len(), 2, "the refused request is recorded too");
    assert_eq!(received[0].path.len(), "/items/".len() + long.len());
    assert_eq!(server.coverage().operations["get_item"].len(), 2);
}

#[tokio::test]
async fn a_pathological_pattern_is_answered() {
    let server = MockServer::from_spec(spec_file("pattern")).await.unwrap();
    let url = format!("{}/codes", server.base_url());
    let code = format!("{}d", "a".repeat(40));
    assert_eq!(
        post_json(url.clone(), &json!({ "code": code })).await,
        422,
        "a value the pattern cannot settle within its step limit is refused"
    );
    assert_eq!(
        post_json(url, &json!({"code": "aac"})).await,
        422,
        "the lookahead wants b where c is"
    );
}

#[tokio::test]
async fn request_formats_are_checked() {
    let server = MockServer::from_spec(spec_file("formats")).await.unwrap();
    let send = |body: Value| {
        let url = format!("{}/stamps", server.base_url());
        async move { post_json(url, &body).await }
    };
    assert_eq!(
        send(json!({"at": "2024-01-02T03:04:05Z", "id": "8f14e45f-ceea-467f-a5b6-2f7a9c3d0e1b"})).await,
        204
    );
    assert_eq!(send(json!({"at": "yesterday"})).await, 422, "date-time");
    assert_eq!(send(json!({"id": "not-a-uuid"})).await, 422, "uuid");
}

#[tokio::test]
async fn a_schema_asking_for_a_huge_answer_gets_a_bounded_one() {
    let server = MockServer::from_spec(spec_file("huge")).await.unwrap();
    let response = get(&server, "/huge").await;
    assert_eq!(response.status().as_u16(), 200);
    let body = response.bytes().await.unwrap();
    assert!(body.len() < 2_000_000, "{} bytes", body.len());
    let value: Value = serde_json::from_slice(&body).unwrap();
    assert!(value["rows"].as_array().is_some_and(|rows| !rows.is_empty()));
}

#[tokio::test]
async fn an_example_that_fails_its_schema_is_not_served() {
    let server = MockServer::from_spec(spec_file("examples")).await.unwrap();
    let response = get(&server, "/runners").await;
    assert_eq!(response.status().as_u16(), 200);
    let rate = response.headers()["x-rate"].to_str().unwrap().to_owned();
    assert!(
        rate.parse::<i64>().is_ok(),
        "the header's example `many` is not an integer: {rate}"
    );
    let note = response.headers()["x-conductor-mock-note"].to_str().unwrap().to_owned();
    assert!(note.contains("skipped"), "{note}");
    let body = json_of(response).await;
    assert!(body["display_name"].is_string(), "{body}");
    assert!(body["page_url"].as_str().unwrap().contains("://"), "{body}");
    assert!(
        chrono_like(body["date"].as_str().unwrap()),
        "a date-time, not the quoted example: {body}"
    );

    let response = get(&server, "/nested").await;
    let note = response.headers()["x-conductor-mock-note"].to_str().unwrap().to_owned();
    assert!(note.contains("/size"), "says where the nested example failed: {note}");
    let body = json_of(response).await;
    assert!(body["size"].is_i64(), "{body}");
}

/// `YYYY-MM-DDTHH:MM:SS` at the start.
fn chrono_like(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 19
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[..4].iter().all(u8::is_ascii_digit)
}
