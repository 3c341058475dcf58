//! An OpenAPI 3.1 spec: type arrays with null, const, path item refs, ref siblings, and an API
//! key in the query that never appears in error messages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{connector, OperationExt};
use serde_json::json;

/// The 3.1 tasks connector.
#[connector(spec = "../specs/tasks-3.1.yaml")]
pub mod tasks {}

use tasks::types;

#[tokio::test]
async fn a_3_1_spec_works_end_to_end() {
    let server = MockServer::start().await.unwrap();
    server.stub(
        "GET",
        "/tasks/3",
        StubResponse::json(
            200,
            &json!({"id": 3, "title": "t", "kind": "task", "note": null, "due": "2025-01-02", "score": "high"}),
        ),
    );
    server.stub("GET", "/tasks", StubResponse::json(500, &json!({"oops": true})));
    let client = tasks::Client::builder()
        .base_url(server.base_url())
        .api_key("query-secret")
        .build()
        .unwrap();
    let task = client.get_task(3).await.unwrap();
    assert_eq!(task.kind, types::TaskKind::Task);
    assert_eq!(task.note, None);
    assert_eq!(task.due.unwrap().to_string(), "2025-01-02");
    assert!(matches!(task.score, Some(types::TaskScore::String(ref s)) if s == "high"));
    assert_eq!(server.received()[0].query.as_deref(), Some("token=query-secret"));

    let err = client
        .list_tasks()
        .state(types::ListTasksState::Open)
        .retry(connector_runtime::RetryPolicy::never())
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("query-secret"), "{shown}");
    assert!(
        shown.contains("token=%3Credacted%3E") || shown.contains("token=<redacted>"),
        "{shown}"
    );
    assert_eq!(
        server.received()[1].query.as_deref(),
        Some("state=open&token=query-secret")
    );
}
