//! The construct-rich spec: names, enums, unions, maps, recursion, formats, parameter styles,
//! several response types, cross-file references; models round-trip realistic JSON.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{connector, OperationExt};
use serde_json::json;

/// The kitchen-sink connector.
#[connector(spec = "../specs/kitchen-sink.yaml")]
pub mod sink {}

use sink::types;

fn thing_json() -> serde_json::Value {
    json!({
        "id": "7d7ea3b4-0a4e-4d5c-9a55-2ff8f8b3c1e0",
        "type": "widget",
        "self": "https://sink.example.com/things/1",
        "match": 3,
        "1st-place": true,
        "kind": "+1",
        "vote": -1,
        "priority": "urgent",
        "price": {"amount": 1250, "currency": "eur"},
        "tags": ["a"],
        "labels": {"env": "prod"},
        "attributes": {"free": ["form", 1]},
        "created": "2024-05-06T07:08:09Z",
        "day": "2024-05-06",
        "blob": "aGVsbG8=",
        "ratio": 0.5,
        "count32": 7,
        "children": [{"type": "leaf", "kind": "with space", "price": {"amount": 1, "currency": "usd"}}],
        "nested": {"inner": "b"},
        "field_added_later": {"ignored": true}
    })
}

#[test]
fn models_round_trip_realistic_json() {
    let thing: types::Thing = serde_json::from_value(thing_json()).unwrap();
    assert_eq!(thing.r#type, "widget");
    assert_eq!(thing.self_.as_deref(), Some("https://sink.example.com/things/1"));
    assert_eq!(thing.r#match, Some(3));
    assert_eq!(thing._1st_place, Some(true));
    assert_eq!(thing.kind, types::Kind::Plus1);
    assert_eq!(thing.vote, Some(types::Vote::Minus1));
    assert_eq!(
        thing.priority,
        Some(types::Priority::Other("urgent".to_owned())),
        "unknown values are kept"
    );
    assert_eq!(thing.price.currency, types::Currency::Eur);
    assert_eq!(thing.blob.as_ref().unwrap().0, b"hello");
    assert_eq!(thing.day.unwrap().to_string(), "2024-05-06");
    assert_eq!(thing.children.as_ref().unwrap()[0].kind, types::Kind::WithSpace);
    assert_eq!(thing.nested.as_ref().unwrap().inner, Some(types::ThingNestedInner::B));
    let back = serde_json::to_value(&thing).unwrap();
    assert_eq!(back["kind"], "+1");
    assert_eq!(back["vote"], -1);
    assert_eq!(back["priority"], "urgent");
    assert_eq!(back["1st-place"], true);
    assert_eq!(back["blob"], "aGVsbG8=");
    assert!(back.get("field_added_later").is_none());
    assert!(back.get("parent").is_none(), "None is not serialized");
}

#[test]
fn defaults_fill_absent_fields() {
    let pending: types::Pending = serde_json::from_value(json!({"eta": 1})).unwrap();
    assert!(pending.notify);
    assert_eq!(pending.offset, -5);
    assert_eq!(pending.poll_seconds, 30);
    assert_eq!(pending.color, None, "string defaults are documented, not applied");
    let given: types::Pending = serde_json::from_value(json!({"notify": false, "offset": 2})).unwrap();
    assert!(!given.notify);
    assert_eq!(given.offset, 2);
}

#[test]
fn a_sent_body_with_no_required_field_starts_from_default_at_the_spec_s_defaults() {
    // One rule for the types and for `implement`'s tests: no required field means `Default`,
    // which starts each field at the spec's `default` (a derived one would say `false` and 0).
    let pending = types::Pending::default();
    assert!(pending.notify);
    assert_eq!((pending.offset, pending.poll_seconds), (-5, 30));
    assert_eq!((pending.eta, pending.color), (None, None));
}

#[test]
fn unions_decode_by_tag_or_by_shape() {
    let shapes: Vec<types::Shape> = serde_json::from_value(json!([
        {"shape": "circle", "radius": 2.0},
        {"shape": "square", "side": 3.0},
        {"shape": "triangle", "sides": 3}
    ]))
    .unwrap();
    assert!(matches!(&shapes[0], types::Shape::Circle(c) if c.radius == 2.0));
    assert!(matches!(&shapes[1], types::Shape::Square(s) if s.side == 3.0));
    assert!(matches!(&shapes[2], types::Shape::Other(v) if v["shape"] == "triangle"));
    let id: types::IdOrName = serde_json::from_value(json!(42)).unwrap();
    assert!(matches!(id, types::IdOrName::Integer(42)));
    let name: types::IdOrName = serde_json::from_value(json!("x")).unwrap();
    assert!(matches!(name, types::IdOrName::String(ref s) if s == "x"));
    let err = serde_json::from_value::<types::IdOrName>(json!([1])).unwrap_err();
    assert!(err.to_string().contains("IdOrName"), "{err}");
}

#[test]
fn maps_recursion_and_colliding_names() {
    let extensible: types::Extensible = serde_json::from_value(json!({"known": "k", "a": 1, "b": 2})).unwrap();
    assert_eq!(extensible.known.as_deref(), Some("k"));
    assert_eq!(extensible.additional_properties.get("b"), Some(&2));
    let node: types::Node =
        serde_json::from_value(json!({"value": "1", "next": {"value": "2", "next": {"value": "3"}}})).unwrap();
    assert_eq!(node.next.unwrap().next.unwrap().value.as_deref(), Some("3"));
    let _: types::Result = types::Result { ok: Some(true) };
    let _: types::Option = "an alias for String".to_owned();
    let _: types::String = 5_i64;
    let _: types::Client = types::Client { name: None };
    let _: types::PetName = String::new();
    let _: types::PetName2 = String::new();
    // A reference to a nullable schema defined later in the document is still optional.
    let early: types::Early = serde_json::from_value(json!({"late": null})).unwrap();
    assert!(early.late.is_none());
    // Structurally identical inline schemas share one type; each place keeps its own name.
    let mood: types::ThingMood = types::ThingNestedInner::A;
    assert_eq!(mood.as_str(), "a");
}

async fn client() -> (MockServer, sink::Client) {
    let server = MockServer::start().await.unwrap();
    let client = sink::Client::builder()
        .base_url(server.base_url())
        .basic_auth("ann", "pw")
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn parameters_in_every_location_and_style() {
    let (server, client) = client().await;
    server.stub("GET", "/things/a%2Fb", StubResponse::json(200, &thing_json()));
    let response = client
        .get_thing("a/b")
        .verbose(true)
        .filter(types::GetThingFilter {
            kind: Some("big".to_owned()),
            min: Some(2),
        })
        .x_trace("t-1")
        .session("s-1")
        .page_size(50)
        .await
        .unwrap();
    assert!(matches!(response, types::GetThingResponses::Status200(ref thing) if thing.r#type == "widget"));
    let request = &server.received()[0];
    assert_eq!(request.path, "/things/a%2Fb");
    assert_eq!(
        request.query.as_deref(),
        Some("verbose=true&filter%5Bkind%5D=big&filter%5Bmin%5D=2&page_size=50")
    );
    assert_eq!(request.header("x-trace"), Some("t-1"));
    assert_eq!(request.header("cookie"), Some("session=s-1"));
    assert_eq!(request.header("authorization"), Some("Basic YW5uOnB3"));
}

#[tokio::test]
async fn several_success_and_error_types_are_decoded_by_status() {
    let (server, client) = client().await;
    server.stub("GET", "/things/p", StubResponse::json(202, &json!({"eta": 5})));
    server.stub(
        "GET",
        "/things/m",
        StubResponse::json(404, &json!({"title": "missing"})).header("content-type", "application/problem+json"),
    );
    server.stub("GET", "/things/e", StubResponse::json(503, &json!({"message": "down"})));
    let pending = client.get_thing("p").await.unwrap();
    assert!(matches!(
        pending,
        types::GetThingResponses::Status202(types::Pending { eta: Some(5), .. })
    ));
    let missing = client.get_thing("m").await.unwrap_err();
    assert!(
        matches!(missing.body(), Some(types::GetThingErrors::Status404(p)) if p.title.as_deref() == Some("missing"))
    );
    let down = client
        .get_thing("e")
        .retry(connector_runtime::RetryPolicy::never())
        .await
        .unwrap_err();
    assert!(matches!(down.body(), Some(types::GetThingErrors::Status5XX(e)) if e.message == "down"));
}

#[tokio::test]
#[allow(deprecated)]
async fn form_bodies_raw_bodies_and_derived_names() {
    let (server, client) = client().await;
    server.stub("PUT", "/things/t", StubResponse::status(204));
    server.stub(
        "POST",
        "/upload",
        StubResponse::status(200)
            .header("content-type", "text/plain")
            .body("stored"),
    );
    let body = types::PutThingsThingIdBody {
        metadata: Some([("k".to_owned(), "v".to_owned())].into()),
        expand: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    client.put_things_thing_id("t", body).await.unwrap();
    let stored = client
        .upload()
        .body(connector_runtime::types::Bytes::from_static(b"\x00\x01"))
        .await
        .unwrap();
    assert_eq!(stored, "stored");
    let received = server.received();
    assert_eq!(
        received[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // No `encoding` in the spec: an array repeats its name (OpenAPI's default, `form` exploded),
    // an object keeps its nesting in brackets.
    assert_eq!(
        std::str::from_utf8(&received[0].body).unwrap(),
        "metadata%5Bk%5D=v&expand=a&expand=b"
    );
    assert_eq!(received[1].header("content-type"), Some("application/octet-stream"));
    assert_eq!(&received[1].body[..], b"\x00\x01");
}

#[tokio::test]
async fn an_anonymous_operation_sends_no_credentials() {
    let (server, client) = client().await;
    server.stub(
        "GET",
        "/shapes",
        StubResponse::json(200, &json!([{"shape": "circle", "radius": 1.0}])),
    );
    let shapes = client.list_shapes().await.unwrap();
    assert_eq!(shapes.len(), 1);
    assert_eq!(server.received()[0].header("authorization"), None);
}
