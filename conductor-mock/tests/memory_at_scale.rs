//! The standalone mock on a large spec: one request to each of 300 operations whose schemas share
//! a 2 MB graph of components must not grow its resident memory past twice the start-up figure
//! (each validator once compiled its own copy of every component schema: tens of megabytes per
//! operation).

#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Map, Value};

const OPERATIONS: usize = 300;
const SCHEMAS: usize = 200;

/// Component schemas that reference one another (every one reaches most of the graph), with
/// enough properties and text to weigh about 2 MB as JSON.
fn components() -> Map<String, Value> {
    (0..SCHEMAS)
        .map(|i| {
            let mut properties = Map::new();
            properties.insert("id".into(), json!({"type": "integer", "format": "int64"}));
            properties.insert("created_at".into(), json!({"type": "string", "format": "date-time"}));
            for k in 0..40 {
                properties.insert(
                    format!("field_{k}"),
                    json!({"type": "string", "description": format!("Field {k} of schema {i}: {}", "words ".repeat(30))}),
                );
            }
            for step in [1, 7, 31] {
                let target = (i + step) % SCHEMAS;
                properties.insert(
                    format!("link_{step}"),
                    json!({"$ref": format!("#/components/schemas/Thing{target}"), "nullable": true}),
                );
            }
            properties.insert(
                "many".into(),
                json!({"type": "array", "items": {"$ref": format!("#/components/schemas/Thing{}", (i + 3) % SCHEMAS)}}),
            );
            (
                format!("Thing{i}"),
                json!({"type": "object", "required": ["id", "created_at"], "properties": properties}),
            )
        })
        .collect()
}

fn spec() -> Value {
    let mut paths = Map::new();
    for i in 0..OPERATIONS {
        let schema = json!({"$ref": format!("#/components/schemas/Thing{}", i % SCHEMAS)});
        let operation = if i % 2 == 0 {
            json!({"get": {
                "operationId": format!("get_thing_{i}"),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}
            }})
        } else {
            json!({"post": {
                "operationId": format!("create_thing_{i}"),
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": schema}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": schema}}}}
            }})
        };
        paths.insert(format!("/things{i}/{{id}}"), operation);
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Scale", "version": "1"},
        "paths": paths,
        "components": {"schemas": components()}
    })
}

/// A field of `/proc/<pid>/status` in kilobytes.
fn status_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Sends one HTTP/1.1 request and returns the status.
fn request(address: &str, method: &str, path: &str, body: &str) -> u16 {
    let mut stream = TcpStream::connect(address).expect("the mock accepts");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: mock\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("request written");
    stream.write_all(body.as_bytes()).expect("body written");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response read");
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serving_every_operation_keeps_memory_near_the_start_up_figure() {
    let dir = std::env::temp_dir().join(format!("conductor-mock-scale-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("scale.json");
    let text = spec().to_string();
    let components_size = json!(components()).to_string().len();
    assert!(
        components_size > 2_000_000,
        "the shared graph weighs {components_size} bytes"
    );
    std::fs::write(&path, &text).expect("spec written");

    let mut child = Command::new(env!("CARGO_BIN_EXE_conductor-mock"))
        .arg(&path)
        .args(["--port", "0", "--seed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the standalone mock starts");
    let stdout = child.stdout.take().expect("stdout");
    let child = Killed(child);
    let mut ready = String::new();
    BufReader::new(stdout).read_line(&mut ready).expect("the ready line");
    let address = ready
        .rsplit("http://")
        .next()
        .map(str::trim)
        .expect("the ready line names the URL")
        .to_owned();
    let pid = child.0.id();
    let start = status_kb(pid, "VmRSS");
    assert!(start > 0, "reads /proc/{pid}/status");

    let body = json!({"id": 1, "created_at": "2024-01-02T03:04:05Z"}).to_string();
    for i in 0..OPERATIONS {
        let (method, expected, body) = if i % 2 == 0 {
            ("GET", 200, "")
        } else {
            ("POST", 201, body.as_str())
        };
        let status = request(&address, method, &format!("/things{i}/7"), body);
        assert_eq!(status, expected, "{method} /things{i}/7");
    }
    let peak = status_kb(pid, "VmHWM");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        peak < 2 * start,
        "peak resident memory {peak} kB after {OPERATIONS} operations, start-up {start} kB"
    );
}
