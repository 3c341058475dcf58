//! Everything beyond JSON in, JSON out, end to end against the mock server: form bodies in the
//! spec's encoding (Stripe, Twilio, Slack), multipart uploads with files from bytes, a path and
//! a stream, raw uploads and downloads (also streamed), server-sent events, vendor JSON types,
//! a choice of request content type, conditional requests, error envelopes (Slack's in the
//! attribute, one in the document's `x-conductor-envelope`), status and headers alongside typed
//! bodies, and operations on a server of their own (GitHub's uploads, Stripe's files) —
//! asserting the exact bytes received.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bytes::Bytes;
use conductor_mock::{MockServer, ReceivedRequest, StubResponse};
use connector_runtime::{connector, Conditional, ErrorKind, FilePart, OperationExt, RetryPolicy};
use futures_util::StreamExt;
use serde_json::json;

/// Our own spec of non-JSON shapes.
#[connector(spec = "../specs/transfers.yaml")]
pub mod transfers {}

/// Slack, with its `{"ok": false}` envelope declared.
#[connector(
    spec = "../specs/real/slack-excerpt.json",
    operations = ["chat_postMessage"],
    envelope = "ok=/ok error=/error"
)]
pub mod slack {}

/// Failures inside 200 responses, declared by the document's `x-conductor-envelope`.
#[connector(spec = "../specs/envelope.yaml")]
pub mod enveloped {}

/// Twilio's message creation (a form body with a repeated array field).
#[connector(spec = "../specs/real/twilio-excerpt.json", operations = ["CreateMessage"])]
pub mod twilio {}

/// Stripe's customer creation (deepObject form fields), a quote's PDF (a binary download), file
/// uploads (on `files.stripe.com`) and the balance (with its response headers).
#[connector(
    spec = "../specs/real/stripe-excerpt.json",
    operations = ["PostCustomers", "GetQuotesQuotePdf", "PostFiles", "GetBalance"]
)]
pub mod stripe {}

/// GitHub's release asset upload (on `uploads.github.com`), raw markdown rendering and a
/// repository (with its response headers).
#[connector(
    spec = "../specs/real/github-excerpt.json",
    operations = ["repos/upload-release-asset", "markdown/render-raw", "repos/get"]
)]
pub mod github {}

fn spec(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

async fn transfers_server() -> (MockServer, transfers::Client) {
    let server = MockServer::from_spec(spec("transfers.yaml")).await.unwrap();
    let client = transfers::Client::builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    (server, client)
}

fn body_text(request: &ReceivedRequest) -> &str {
    std::str::from_utf8(&request.body).unwrap()
}

/// The parts of a multipart body: (headers block, content).
fn multipart_parts(request: &ReceivedRequest) -> Vec<(String, String)> {
    let content_type = request.header("content-type").unwrap();
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    let body = body_text(request);
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");
    body.split(&format!("--{boundary}"))
        .skip(1)
        .filter(|part| !part.starts_with("--"))
        .map(|part| {
            let part = part.strip_prefix("\r\n").unwrap().strip_suffix("\r\n").unwrap();
            let (head, content) = part.split_once("\r\n\r\n").unwrap();
            (head.to_owned(), content.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn multipart_uploads_carry_files_from_bytes_a_path_and_a_stream() {
    let (server, client) = transfers_server().await;
    server.stub_operation("uploadFile", StubResponse::json(201, &json!({"id": "f1", "size": 3})));
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("conductor-upload.txt");
    std::fs::write(&path, "from disk").unwrap();
    let streamed = futures_util::stream::iter([Ok(Bytes::from_static(b"str")), Ok(Bytes::from_static(b"eamed"))]);
    let body = transfers::types::UploadFileBody {
        file: FilePart::bytes(&b"PNG"[..])
            .file_name("cat.png")
            .content_type("image/png"),
        attachments: Some(vec![
            FilePart::path(&path),
            FilePart::stream(streamed).file_name("s.bin"),
        ]),
        description: Some("a cat".to_owned()),
        tags: Some(vec!["a".to_owned(), "b".to_owned()]),
        meta: Some(transfers::types::UploadFileBodyMeta {
            source: Some("camera".to_owned()),
        }),
    };
    let stored = client.upload_file(body).await.unwrap();
    assert_eq!(stored.id, "f1");

    let received = server.received_by("uploadFile");
    assert_eq!(received.len(), 1);
    let parts = multipart_parts(&received[0]);
    let expected = [
        (
            "Content-Disposition: form-data; name=\"file\"; filename=\"cat.png\"\r\nContent-Type: image/png",
            "PNG",
        ),
        (
            "Content-Disposition: form-data; name=\"attachments\"; filename=\"conductor-upload.txt\"\r\nContent-Type: application/octet-stream",
            "from disk",
        ),
        (
            "Content-Disposition: form-data; name=\"attachments\"; filename=\"s.bin\"\r\nContent-Type: application/octet-stream",
            "streamed",
        ),
        ("Content-Disposition: form-data; name=\"description\"", "a cat"),
        ("Content-Disposition: form-data; name=\"tags\"", "a"),
        ("Content-Disposition: form-data; name=\"tags\"", "b"),
        (
            "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json",
            "{\"source\":\"camera\"}",
        ),
    ];
    let parts: Vec<(&str, &str)> = parts.iter().map(|(h, c)| (h.as_str(), c.as_str())).collect();
    assert_eq!(parts, expected);
}

#[tokio::test]
async fn a_204_documented_with_a_body_decodes_with_or_without_one() {
    let server = MockServer::from_spec(spec("transfers.yaml")).await.unwrap();
    let client = transfers::Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    // The mock answers the documented 204, which has no body.
    let touched: Option<transfers::types::Note> = client.touch_note(7).await.unwrap();
    assert!(touched.is_none());
    // A server that sends the documented body anyway (with another success status).
    server.stub_operation("touchNote", StubResponse::json(200, &json!({"id": 7, "text": "hi"})));
    let touched = client.touch_note(7).await.unwrap().unwrap();
    assert_eq!((touched.id, touched.text.as_str()), (7, "hi"));
}

#[tokio::test]
async fn a_streamed_upload_is_never_resent_but_a_bytes_upload_is() {
    let server = MockServer::from_spec(spec("transfers.yaml")).await.unwrap();
    let client = transfers::Client::builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::new().backoff(std::time::Duration::ZERO, std::time::Duration::ZERO))
        .idempotency_header("Idempotency-Key")
        .build()
        .unwrap();
    server.stub_operation("uploadFile", StubResponse::status(503));
    server.stub_operation("uploadFile", StubResponse::json(201, &json!({"id": "f1", "size": 3})));
    let streamed = futures_util::stream::iter([Ok(Bytes::from_static(b"once"))]);
    let err = client
        .upload_file(transfers::types::UploadFileBody {
            file: FilePart::stream(streamed),
            attachments: None,
            description: None,
            tags: None,
            meta: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.received_by("uploadFile").len(),
        1,
        "a stream cannot be sent twice"
    );

    let server = MockServer::from_spec(spec("transfers.yaml")).await.unwrap();
    let client = transfers::Client::builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::new().backoff(std::time::Duration::ZERO, std::time::Duration::ZERO))
        .idempotency_header("Idempotency-Key")
        .build()
        .unwrap();
    server.stub_operation("uploadFile", StubResponse::status(503));
    server.stub_operation("uploadFile", StubResponse::json(201, &json!({"id": "f2", "size": 3})));
    let stored = client
        .upload_file(transfers::types::UploadFileBody {
            file: FilePart::bytes(&b"abc"[..]),
            attachments: None,
            description: None,
            tags: None,
            meta: None,
        })
        .await
        .unwrap();
    assert_eq!(stored.id, "f2");
    let received = server.received_by("uploadFile");
    assert_eq!(received.len(), 2);
    assert_eq!(
        received[0].body, received[1].body,
        "the retry resends the same bytes, boundary included"
    );
}

#[tokio::test]
async fn raw_uploads_and_downloads_whole_and_streamed() {
    let (server, client) = transfers_server().await;
    client
        .put_blob("b1", Bytes::from_static(b"\x00\x01binary\xff"))
        .await
        .unwrap();
    let put = &server.received_by("putBlob")[0];
    assert_eq!(put.header("content-type"), Some("application/octet-stream"));
    assert_eq!(&put.body[..], b"\x00\x01binary\xff");

    let payload: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    server.stub_operation(
        "getBlob",
        StubResponse::status(200)
            .header("content-type", "application/octet-stream")
            .body(payload.clone()),
    );
    let whole = client.get_blob("b1").await.unwrap();
    assert_eq!(&whole[..], &payload[..]);

    let response = client.get_blob("b1").stream().await.unwrap();
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    let chunks: Vec<Bytes> = response.into_body().map(|chunk| chunk.unwrap()).collect().await;
    assert_eq!(chunks.concat(), payload);

    // An error status is read whole and decoded into the documented `application/problem+json`.
    server.stub_operation(
        "getBlob",
        StubResponse::json(404, &json!({"title": "No such blob", "detail": "b2"}))
            .header("content-type", "application/problem+json")
            .when_path_param("name", "b2"),
    );
    let err = client.get_blob("b2").stream().await.err().unwrap();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.body().unwrap().title, "No such blob");
}

#[tokio::test]
async fn server_sent_events_arrive_typed() {
    let (server, client) = transfers_server().await;
    server.stub_operation(
        "streamEvents",
        StubResponse::status(200)
            .header("content-type", "text/event-stream")
            .body(": keep-alive\n\nevent: progress\nid: 1\ndata: {\"done\": 1, \"of\": 2}\n\nid: 2\ndata: {\"done\": 2,\ndata: \"of\": 2}\n\n"),
    );
    let response = client.stream_events().events().await.unwrap();
    let events: Vec<_> = response.into_body().map(|event| event.unwrap()).collect().await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event.as_deref(), Some("progress"));
    assert_eq!(events[0].data.done, 1);
    assert_eq!(events[1].id.as_deref(), Some("2"));
    assert_eq!((events[1].data.done, events[1].data.of), (2, Some(2)));
}

#[tokio::test]
async fn the_caller_chooses_among_the_offered_content_types() {
    let (server, client) = transfers_server().await;
    server.stub_operation(
        "createNote",
        StubResponse::json(201, &json!({"id": 1, "text": "hi"}))
            .header("content-type", "application/vnd.transfers.note+json"),
    );
    let note = transfers::types::NewNote {
        text: "hi".to_owned(),
        labels: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    let created = client.create_note(note.clone()).await.unwrap();
    assert_eq!(created.text, "hi", "a vendor JSON media type decodes as JSON");
    client
        .create_note(note.clone())
        .content_type("application/x-www-form-urlencoded")
        .await
        .unwrap();
    let err = client.create_note(note).content_type("text/csv").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Encode);
    assert!(err.to_string().contains("application/x-www-form-urlencoded"), "{err}");

    let received = server.received_by("createNote");
    assert_eq!(received.len(), 2, "the refused content type sent nothing");
    assert_eq!(received[0].header("content-type"), Some("application/json"));
    assert_eq!(body_text(&received[0]), r#"{"text":"hi","labels":["a","b"]}"#);
    assert_eq!(
        received[1].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(body_text(&received[1]), "text=hi&labels=a&labels=b");
}

#[tokio::test]
async fn merge_patch_text_and_problem_details() {
    let (server, client) = transfers_server().await;
    server.stub_operation(
        "patchNote",
        StubResponse::json(422, &json!({"title": "Too long"})).header("content-type", "application/problem+json"),
    );
    let err = client
        .patch_note(
            7,
            transfers::types::NotePatch {
                text: Some("x".to_owned()),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.body().unwrap().title, "Too long");
    let patch = &server.received_by("patchNote")[0];
    assert_eq!(patch.header("content-type"), Some("application/merge-patch+json"));
    assert_eq!(body_text(patch), r#"{"text":"x"}"#);

    server.stub_operation(
        "renderText",
        StubResponse::status(200)
            .header("content-type", "text/html")
            .body("<p>hello</p>"),
    );
    let html = client.render_text("hello").await.unwrap();
    assert_eq!(html, "<p>hello</p>");
    let render = &server.received_by("renderText")[0];
    assert_eq!(render.header("content-type"), Some("text/plain"));
    assert_eq!(body_text(render), "hello");
}

#[tokio::test]
async fn conditional_requests_report_not_modified() {
    let (server, client) = transfers_server().await;
    server.stub_operation(
        "getNote",
        StubResponse::json(200, &json!({"id": 1, "text": "v1"})).header("etag", "\"v1\""),
    );
    server.stub_operation(
        "getNote",
        StubResponse::status(304)
            .header("etag", "\"v1\"")
            .when_header("if-none-match", "\"v1\""),
    );
    let first = client.get_note(1).if_none_match("\"v0\"").await.unwrap();
    assert_eq!(first.etag(), Some("\"v1\""));
    let Conditional::Modified(response) = first else {
        panic!("a different ETag gets the body")
    };
    assert_eq!(response.body().text, "v1");
    let second = client.get_note(1).if_none_match("\"v1\"").await.unwrap();
    assert!(second.is_not_modified());
    assert_eq!(second.etag(), Some("\"v1\""));
    let sent: Vec<Option<String>> = server
        .received_by("getNote")
        .iter()
        .map(|r| r.header("if-none-match").map(str::to_owned))
        .collect();
    assert_eq!(sent, [Some("\"v0\"".to_owned()), Some("\"v1\"".to_owned())]);
}

#[tokio::test]
async fn an_operation_server_goes_where_the_client_maps_it() {
    let server = MockServer::from_spec(spec("transfers.yaml")).await.unwrap();
    server.stub_operation(
        "getArchive",
        StubResponse::status(200)
            .header("content-type", "application/zip")
            .body("PK"),
    );
    let mapped = transfers::Client::builder()
        .base_url("https://unused.invalid")
        .server_url("https://archive.transfers.example.com", &server.base_url())
        .build()
        .unwrap();
    assert_eq!(&mapped.get_archive().await.unwrap()[..], b"PK");
    let everything = transfers::Client::builder()
        .base_url(server.base_url())
        .all_servers_to_base_url()
        .build()
        .unwrap();
    assert_eq!(&everything.get_archive().await.unwrap()[..], b"PK");
    assert_eq!(server.received_by("getArchive").len(), 2);
    let err = transfers::Client::builder()
        .server_url("https://archive.transfers.example.com", "not a url")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("not a url"), "{err}");
}

#[tokio::test]
async fn github_uploads_go_to_the_uploads_server_and_markdown_renders_as_text() {
    let server = MockServer::from_spec(spec("real/github-excerpt.json")).await.unwrap();
    // The base URL is a host that does not exist: only the mapping of the operation's own
    // server reaches the mock.
    let uploads = github::Client::builder()
        .base_url("https://unused.invalid")
        .server_url("https://uploads.github.com", &server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    let asset = uploads
        .repos_upload_release_asset("octo", "hello", 1, "notes.txt")
        .body(Bytes::from_static(b"release notes"))
        .await
        .unwrap();
    assert!(!asset.name.is_empty());
    let upload = &server.received_by("repos/upload-release-asset")[0];
    assert_eq!(upload.query.as_deref(), Some("name=notes.txt"));
    assert_eq!(upload.header("content-type"), Some("application/octet-stream"));
    assert_eq!(upload.header("authorization"), Some("Bearer t"));
    assert_eq!(&upload.body[..], b"release notes");

    let client = github::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    server.stub_operation(
        "markdown/render-raw",
        StubResponse::status(200)
            .header("content-type", "text/html")
            .body("<p>Hello <strong>world</strong></p>"),
    );
    let html = client.markdown_render_raw().body("Hello **world**").await.unwrap();
    assert_eq!(html, "<p>Hello <strong>world</strong></p>");
    assert_eq!(
        body_text(&server.received_by("markdown/render-raw")[0]),
        "Hello **world**"
    );
}

#[tokio::test]
async fn stripe_quote_pdfs_download_whole_and_streamed_and_files_go_to_the_files_server() {
    let server = MockServer::from_spec(spec("real/stripe-excerpt.json")).await.unwrap();
    let pdf: Vec<u8> = b"%PDF-1.7\n"
        .iter()
        .copied()
        .chain((0..=255u8).cycle().take(200_000))
        .collect();
    server.stub_operation(
        "GetQuotesQuotePdf",
        StubResponse::status(200)
            .header("content-type", "application/pdf")
            .body(pdf.clone()),
    );
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .bearer_token("sk_test")
        .build()
        .unwrap();
    let whole = client.get_quotes_quote_pdf("qt_1").await.unwrap();
    assert_eq!(&whole[..], &pdf[..]);
    let response = client.get_quotes_quote_pdf("qt_2").stream().await.unwrap();
    assert_eq!(response.header("content-type"), Some("application/pdf"));
    let chunks: Vec<Bytes> = response.into_body().map(|chunk| chunk.unwrap()).collect().await;
    assert_eq!(chunks.concat(), pdf);
    let paths: Vec<String> = server
        .received_by("GetQuotesQuotePdf")
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(paths, ["/v1/quotes/qt_1/pdf", "/v1/quotes/qt_2/pdf"]);

    // `POST /v1/files` has its own server in the spec: with the base URL on a host that does
    // not exist, only the mapping of `files.stripe.com` reaches the mock.
    let files = stripe::Client::builder()
        .base_url("https://unused.invalid")
        .server_url("https://files.stripe.com/", &server.base_url())
        .bearer_token("sk_test")
        .build()
        .unwrap();
    let body = stripe::types::PostFilesBody::new("receipt", stripe::types::PostFilesBodyPurpose::DisputeEvidence);
    let file = files.post_files(body).await.unwrap();
    assert!(!file.id.is_empty());
    let received = server.received_by("PostFiles");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].header("authorization"), Some("Bearer sk_test"));
    let parts = multipart_parts(&received[0]);
    let parts: Vec<(&str, &str)> = parts.iter().map(|(h, c)| (h.as_str(), c.as_str())).collect();
    assert_eq!(
        parts,
        [
            ("Content-Disposition: form-data; name=\"file\"", "receipt"),
            ("Content-Disposition: form-data; name=\"purpose\"", "dispute_evidence"),
        ]
    );
}

#[tokio::test]
async fn forms_follow_the_spec_encoding_of_stripe_and_twilio() {
    let server = MockServer::from_spec(spec("real/stripe-excerpt.json")).await.unwrap();
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .bearer_token("sk_test")
        .build()
        .unwrap();
    let body = stripe::types::PostCustomersBody {
        email: Some("jenny@example.com".to_owned()),
        expand: Some(vec!["default_source".to_owned(), "tax".to_owned()]),
        metadata: Some(stripe::types::PostCustomersBodyMetadata::StringMap(
            [("order".to_owned(), "6735".to_owned())].into(),
        )),
        preferred_locales: Some(vec!["en".to_owned(), "fr".to_owned()]),
        tax_id_data: Some(vec![
            stripe::types::TaxIdDataItem::new(stripe::types::TaxIdDataItemType::EuVat, "DE123456789"),
            stripe::types::TaxIdDataItem::new(stripe::types::TaxIdDataItemType::GbVat, "GB123456789"),
        ]),
        ..Default::default()
    };
    client.post_customers().body(body).await.unwrap();
    // An array of objects is indexed, `items[0][price]=p` style.
    assert_eq!(
        body_text(&server.received_by("PostCustomers")[0]),
        "email=jenny%40example.com&expand%5B%5D=default_source&expand%5B%5D=tax&metadata%5Border%5D=6735&preferred_locales%5B%5D=en&preferred_locales%5B%5D=fr\
         &tax_id_data%5B0%5D%5Btype%5D=eu_vat&tax_id_data%5B0%5D%5Bvalue%5D=DE123456789\
         &tax_id_data%5B1%5D%5Btype%5D=gb_vat&tax_id_data%5B1%5D%5Bvalue%5D=GB123456789"
    );

    let server = MockServer::from_spec(spec("real/twilio-excerpt.json")).await.unwrap();
    let client = twilio::Client::builder()
        .base_url(server.base_url())
        .basic_auth("AC", "token")
        .build()
        .unwrap();
    // A body with required fields starts from `new`: the optional ones are empty.
    let mut body = twilio::types::CreateMessageBody::new("+15558675310");
    body.body = Some("hi".to_owned());
    body.media_url = Some(vec![
        "https://a.example/1.png".to_owned(),
        "https://a.example/2.png".to_owned(),
    ]);
    client
        .create_message("AC0123456789abcdef0123456789abcdef")
        .body(body)
        .await
        .unwrap();
    let form = body_text(&server.received_by("CreateMessage")[0]).to_owned();
    let mut fields: Vec<&str> = form.split('&').collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "Body=hi",
            "MediaUrl=https%3A%2F%2Fa.example%2F1.png",
            "MediaUrl=https%3A%2F%2Fa.example%2F2.png",
            "To=%2B15558675310"
        ]
    );
}

#[tokio::test]
async fn form_fields_with_explode_false_are_joined_with_commas() {
    let (server, client) = transfers_server().await;
    server.stub_operation(
        "searchNotes",
        StubResponse::json(200, &json!([{"id": 1, "text": "hi"}])),
    );
    let body = transfers::types::SearchNotesBody {
        labels: Some(vec!["a".to_owned(), "b c".to_owned()]),
        near: Some(transfers::types::SearchNotesBodyNear {
            lat: Some(1.5),
            lon: Some(-0.25),
        }),
        tags: Some(vec!["x".to_owned(), "y".to_owned()]),
    };
    let found = client.search_notes(body).await.unwrap();
    assert_eq!(found[0].text, "hi");
    let sent = &server.received_by("searchNotes")[0];
    assert_eq!(sent.header("content-type"), Some("application/x-www-form-urlencoded"));
    // `labels` and `near` say `explode: false`; `tags` keeps the default and repeats.
    assert_eq!(
        body_text(sent),
        "labels=a%2Cb+c&near=lat%2C1.5%2Clon%2C-0.25&tags=x&tags=y"
    );
}

#[tokio::test]
async fn slack_error_envelopes_become_typed_errors() {
    let server = MockServer::from_spec(spec("real/slack-excerpt.json")).await.unwrap();
    let client = slack::Client::builder()
        .base_url(server.base_url())
        .bearer_token("xoxb")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    // First an error envelope, then a body with `"ok": true`, a success like any other.
    server.stub_operation(
        "chat_postMessage",
        StubResponse::json(200, &json!({"ok": false, "error": "channel_not_found"})),
    );
    server.stub_operation("chat_postMessage", StubResponse::json(200, &slack_success().await));
    let mut body = slack::types::ChatPostMessageBody::new("C1");
    body.text = Some("hello".to_owned());
    let err = client.chat_post_message("xoxb").body(body.clone()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Envelope);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.to_string().contains("channel_not_found"), "{err}");
    assert!(
        err.body().is_some(),
        "the envelope decodes into the documented error type"
    );
    let sent = &server.received_by("chat_postMessage")[0];
    assert_eq!(sent.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(body_text(sent), "channel=C1&text=hello");

    client.chat_post_message("xoxb").body(body).await.unwrap();
}

#[tokio::test]
async fn a_document_level_envelope_turns_a_failure_inside_a_200_into_a_typed_error() {
    let server = MockServer::from_spec(spec("envelope.yaml")).await.unwrap();
    // The default retry policy, with the POST made replayable by an idempotency key: only the
    // envelope error's kind keeps it from being sent again.
    let client = enveloped::Client::builder()
        .base_url(server.base_url())
        .idempotency_header("Idempotency-Key")
        .build()
        .unwrap();
    server.stub_operation(
        "sendMessage",
        StubResponse::json(200, &json!({"result": {"success": false, "reason": "quota_exceeded"}})),
    );
    server.stub_operation(
        "sendMessage",
        StubResponse::json(200, &json!({"id": "m2", "result": {"success": true}})),
    );
    let message = enveloped::types::Message::new("hi");
    let err = client.send_message(message.clone()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Envelope);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(err.to_string().contains("quota_exceeded"), "{err}");
    let sent = client.send_message(message).await.unwrap();
    assert_eq!(sent.id.as_deref(), Some("m2"));
    assert_eq!(
        server.received_by("sendMessage").len(),
        2,
        "an envelope error is not retried"
    );
}

#[tokio::test]
async fn status_and_headers_come_with_the_typed_body_of_github_and_stripe() {
    let server = MockServer::from_spec(spec("real/github-excerpt.json")).await.unwrap();
    let mut repo = generated_body(
        "real/github-excerpt.json",
        "/repos/octo/hello",
        ("authorization", "Bearer t"),
    )
    .await;
    repo["name"] = json!("hello");
    server.stub_operation(
        "repos/get",
        StubResponse::json(200, &repo)
            .header("x-github-request-id", "CAFE:1234:5678")
            .header("etag", "W/\"abc\""),
    );
    let client = github::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    let response = client.repos_get("octo", "hello").with_response().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.header("x-github-request-id"), Some("CAFE:1234:5678"));
    assert_eq!(response.header("etag"), Some("W/\"abc\""));
    assert_eq!(response.body().name, "hello");

    let server = MockServer::from_spec(spec("real/stripe-excerpt.json")).await.unwrap();
    let mut balance = generated_body(
        "real/stripe-excerpt.json",
        "/v1/balance",
        ("authorization", "Bearer sk_test"),
    )
    .await;
    balance["livemode"] = json!(true);
    server.stub_operation(
        "GetBalance",
        StubResponse::json(200, &balance).header("request-id", "req_Q1w2E3r4"),
    );
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .bearer_token("sk_test")
        .build()
        .unwrap();
    let response = client.get_balance().with_response().await.unwrap();
    assert_eq!(response.header("request-id"), Some("req_Q1w2E3r4"));
    assert!(response.body().livemode);
    assert!(response.into_body().livemode, "the body is typed, not raw JSON");
}

/// What the mock generates for `GET path` from the spec (on a server of its own): a valid
/// body to copy and edit.
async fn generated_body(spec_name: &str, path: &str, auth: (&str, &str)) -> serde_json::Value {
    let fresh = MockServer::from_spec(spec(spec_name)).await.unwrap();
    connector_runtime::install_crypto_provider();
    let body = reqwest::Client::new()
        .get(format!("{}{path}", fresh.base_url()))
        .header(auth.0, auth.1)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// A success body for `chat.postMessage` as the mock generates it from the spec.
async fn slack_success() -> serde_json::Value {
    let fresh = MockServer::from_spec(spec("real/slack-excerpt.json")).await.unwrap();
    connector_runtime::install_crypto_provider();
    let body = reqwest::Client::new()
        .post(format!("{}/chat.postMessage", fresh.base_url()))
        .header("token", "xoxb")
        .header("authorization", "Bearer xoxb")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("channel=C1")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    value["ok"] = json!(true);
    value
}

/// A connector whose API key travels in a cookie.
#[connector(spec = "../specs/cookie-key.yaml")]
pub mod cookie_key {}

#[tokio::test]
async fn an_api_key_in_a_cookie_is_sent_as_one_and_the_mock_requires_it() {
    let server = MockServer::from_spec(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/cookie-key.yaml"))
        .await
        .unwrap();
    let client = cookie_key::Client::builder()
        .base_url(server.base_url())
        .api_key("s3cret")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let me = client.get_me().await.unwrap();
    assert!(!me.name.is_empty());
    let sent = server.received_by("getMe");
    assert_eq!(sent[0].header("cookie"), Some("sid=s3cret"));
    assert!(sent[0].query.is_none() && sent[0].header("authorization").is_none());

    // Without the cookie the mock refuses the request.
    connector_runtime::install_crypto_provider();
    let refused = reqwest::Client::new()
        .get(format!("{}/me", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    assert_eq!(server.coverage().covered(), ["getMe"]);
}
