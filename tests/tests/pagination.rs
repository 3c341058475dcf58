//! Pagination end to end against the mock server: every strategy, on operations taken from the
//! real GitHub, Stripe, Slack and Twilio specs (`specs/real/`) and on `specs/pagination.yaml`,
//! asserting the exact sequence of page requests the server received; and each page request
//! going through the client's auth, retries and rate limiting.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use conductor_mock::{MockServer, StubResponse};
use connector_runtime::{connector, ErrorKind, ManualClock, Paginated, Pagination, Paginator, Quota, RetryPolicy};
use futures_util::StreamExt;
use serde_json::{json, Value};

/// GitHub: `Link` headers.
#[connector(spec = "../specs/real/github-excerpt.json", operations = ["repos/list-for-org"])]
pub mod github {}

/// Stripe: `starting_after` the last item while `has_more`.
#[connector(spec = "../specs/real/stripe-excerpt.json", operations = ["GetCustomers"])]
pub mod stripe {}

/// Slack: `response_metadata.next_cursor`.
#[connector(spec = "../specs/real/slack-excerpt.json", operations = ["conversations_list"])]
pub mod slack {}

/// Twilio: `next_page_uri`.
#[connector(spec = "../specs/real/twilio-excerpt.json", operations = ["ListMessage"])]
pub mod twilio {}

/// Offset, page number, the extensions and the attribute.
#[connector(
    spec = "../specs/pagination.yaml",
    pagination = [("listByAttribute", "cursor param=after next=/paging/next items=/rows")]
)]
pub mod paged {}

fn spec(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name)
}

/// What the mock generates for `path` from the spec (on a server of its own, so the one under
/// test records only the pages): a valid page to copy and edit.
async fn generated(spec_name: &str, path: &str, auth: (&str, &str)) -> Value {
    connector_runtime::install_crypto_provider();
    let server = MockServer::from_spec(spec(spec_name)).await.unwrap();
    reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .header(auth.0, auth.1)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .map(|body| serde_json::from_slice(&body).unwrap())
        .unwrap()
}

/// The query strings the server received for `operation`, in order.
fn queries(server: &MockServer, operation: &str) -> Vec<String> {
    server
        .received_by(operation)
        .into_iter()
        .map(|r| r.query.unwrap_or_default())
        .collect()
}

/// Every item of the pages, each mapped by `key`.
async fn all_items<O: Paginated, T>(paginator: Paginator<O>, key: impl Fn(O::Item) -> T) -> Vec<T>
where
    O::ErrorBody: std::fmt::Debug,
{
    paginator.collect_items().await.unwrap().into_iter().map(key).collect()
}

/// `template`, one copy per id, each with its `field` set to the id.
fn items(template: &Value, field: &str, ids: &[&str]) -> Vec<Value> {
    ids.iter()
        .map(|id| {
            let mut item = template.clone();
            item[field] = json!(id);
            item
        })
        .collect()
}

#[tokio::test]
async fn github_follows_the_link_header_until_there_is_no_next() {
    let server = MockServer::from_spec(spec("real/github-excerpt.json")).await.unwrap();
    let sample = generated(
        "real/github-excerpt.json",
        "/orgs/acme/repos",
        ("authorization", "Bearer t"),
    )
    .await;
    let repo = sample[0].clone();
    let base = server.base_url();
    let page = |names: &[&str], next: Option<u32>| {
        let body = json!(items(&repo, "name", names));
        let response = StubResponse::json(200, &body);
        match next {
            Some(n) => response.header(
                "link",
                &format!(
                    "<{base}/orgs/acme/repos?per_page=2&page={n}>; rel=\"next\", <{base}/orgs/acme/repos?per_page=2&page=3>; rel=\"last\""
                ),
            ),
            None => response,
        }
    };
    server.stub_operation("repos/list-for-org", page(&["a", "b"], Some(2)));
    server.stub_operation("repos/list-for-org", page(&["c", "d"], Some(3)).when_query("page", "2"));
    server.stub_operation("repos/list-for-org", page(&["e"], None).when_query("page", "3"));
    let client = github::Client::builder()
        .base_url(base.clone())
        .bearer_token("t")
        .build()
        .unwrap();

    let names: Vec<String> = client
        .repos_list_for_org("acme")
        .per_page(2)
        .paginate()
        .items()
        .map(|repo| repo.unwrap().name)
        .collect()
        .await;
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert_eq!(
        queries(&server, "repos/list-for-org"),
        ["per_page=2", "per_page=2&page=2", "per_page=2&page=3"]
    );
    // Every page carried the credentials.
    assert!(server
        .received_by("repos/list-for-org")
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer t")));
}

#[tokio::test]
async fn pages_carry_their_headers_and_limits_stop_early() {
    let server = MockServer::from_spec(spec("real/github-excerpt.json")).await.unwrap();
    let sample = generated(
        "real/github-excerpt.json",
        "/orgs/acme/repos",
        ("authorization", "Bearer t"),
    )
    .await;
    let base = server.base_url();
    let link = format!("<{base}/orgs/acme/repos?page=2>; rel=\"next\"");
    let body = json!(items(&sample[0], "name", &["a", "b", "c"]));
    server.stub_operation(
        "repos/list-for-org",
        StubResponse::json(200, &body).header("link", &link),
    );
    let client = github::Client::builder()
        .base_url(base.clone())
        .bearer_token("t")
        .build()
        .unwrap();

    let pages: Vec<_> = client
        .repos_list_for_org("acme")
        .paginate()
        .max_pages(2)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    let first = pages[0].as_ref().unwrap();
    assert_eq!(first.body().len(), 3);
    assert_eq!(first.header("link"), Some(link.as_str()));
    assert_eq!(server.received_by("repos/list-for-org").len(), 2);

    // Four items are in the first two pages: the third is never requested.
    let names: Vec<_> = client
        .repos_list_for_org("acme")
        .paginate()
        .max_items(4)
        .collect_items()
        .await
        .unwrap();
    assert_eq!(names.len(), 4);
    assert_eq!(server.received_by("repos/list-for-org").len(), 4);
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused() {
    let server = MockServer::from_spec(spec("real/github-excerpt.json")).await.unwrap();
    let sample = generated(
        "real/github-excerpt.json",
        "/orgs/acme/repos",
        ("authorization", "Bearer t"),
    )
    .await;
    let body = json!(items(&sample[0], "name", &["a"]));
    server.stub_operation(
        "repos/list-for-org",
        StubResponse::json(200, &body).header("link", "<https://evil.example/steal?page=2>; rel=\"next\""),
    );
    let client = github::Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .build()
        .unwrap();
    let mut pages = client.repos_list_for_org("acme").paginate().pages();
    assert!(pages.next().await.unwrap().is_ok(), "the first page itself is fine");
    assert!(pages
        .next()
        .await
        .unwrap()
        .is_err_and(|err| { err.kind() == ErrorKind::Pagination && err.to_string().contains("evil.example") }));
    assert!(pages.next().await.is_none(), "the stream ends after the error");
    assert_eq!(server.received().len(), 1, "one page; nothing sent elsewhere");
}

/// A mock of Stripe's customers with the first page (`cus_1`, `cus_2`, more to come) stubbed,
/// and a maker of further pages.
async fn stripe_customer_pages() -> (MockServer, impl Fn(&[&str], bool) -> StubResponse) {
    let server = MockServer::from_spec(spec("real/stripe-excerpt.json")).await.unwrap();
    let sample = generated(
        "real/stripe-excerpt.json",
        "/v1/customers",
        ("authorization", "Bearer sk_test"),
    )
    .await;
    let customer = sample["data"][0].clone();
    let page = move |ids: &[&str], has_more: bool| {
        let mut body = sample.clone();
        body["data"] = json!(items(&customer, "id", ids));
        body["has_more"] = json!(has_more);
        StubResponse::json(200, &body)
    };
    server.stub_operation("GetCustomers", page(&["cus_1", "cus_2"], true));
    (server, page)
}

#[tokio::test]
async fn stripe_continues_after_the_last_item_while_has_more() {
    let (server, page) = stripe_customer_pages().await;
    server.stub_operation(
        "GetCustomers",
        page(&["cus_3", "cus_4"], true).when_query("starting_after", "cus_2"),
    );
    server.stub_operation(
        "GetCustomers",
        page(&["cus_5"], false).when_query("starting_after", "cus_4"),
    );
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .bearer_token("sk_test")
        .build()
        .unwrap();

    let ids: Vec<String> = all_items(client.get_customers().limit(2).paginate(), |customer| customer.id).await;
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    assert_eq!(
        queries(&server, "GetCustomers"),
        [
            "limit=2",
            "limit=2&starting_after=cus_2",
            "limit=2&starting_after=cus_4"
        ]
    );
}

#[tokio::test]
async fn a_page_request_is_retried_like_any_other_request() {
    let (server, page) = stripe_customer_pages().await;
    server.stub_operation(
        "GetCustomers",
        StubResponse::status(503).when_query("starting_after", "cus_2"),
    );
    server.stub_operation(
        "GetCustomers",
        page(&["cus_3", "cus_4"], false).when_query("starting_after", "cus_2"),
    );
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .bearer_token("sk_test")
        .retry(RetryPolicy::new().backoff(Duration::ZERO, Duration::ZERO))
        .build()
        .unwrap();

    let ids: Vec<String> = all_items(client.get_customers().limit(2).paginate(), |customer| customer.id).await;
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4"]);
    assert_eq!(
        queries(&server, "GetCustomers"),
        [
            "limit=2",
            "limit=2&starting_after=cus_2",
            "limit=2&starting_after=cus_2"
        ],
        "the 503 on page 2 is retried once, and nothing else is resent"
    );
    let auth: Vec<Option<String>> = server
        .received_by("GetCustomers")
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(auth, vec![Some("Bearer sk_test".to_owned()); 3]);
    let health = client.runtime().health();
    let operation = health.operation("GetCustomers").unwrap();
    assert_eq!((operation.calls, operation.attempts, operation.retries), (2, 3, 1));
}

fn manual_clock() -> ManualClock {
    ManualClock::at(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000))
}

#[tokio::test]
async fn page_requests_are_held_to_the_rate_limit() {
    let (server, page) = stripe_customer_pages().await;
    server.stub_operation(
        "GetCustomers",
        page(&["cus_3", "cus_4"], true).when_query("starting_after", "cus_2"),
    );
    server.stub_operation(
        "GetCustomers",
        page(&["cus_5"], false).when_query("starting_after", "cus_4"),
    );
    let clock = manual_clock();
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .bearer_token("sk_test")
        .clock(Arc::new(clock.clone()))
        .rate_limit(Quota::per_second(1).burst(1))
        .build()
        .unwrap();

    let ids: Vec<String> = all_items(client.get_customers().limit(2).paginate(), |customer| customer.id).await;
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    assert_eq!(server.received_by("GetCustomers").len(), 3);
    // The first page goes at once; each later one waits for the next slot, 1 s apart.
    assert_eq!(clock.wakeups(), [Duration::from_secs(1), Duration::from_secs(2)]);
}

#[tokio::test]
async fn a_page_held_longer_than_allowed_ends_the_stream_unsent() {
    let (server, page) = stripe_customer_pages().await;
    server.stub_operation(
        "GetCustomers",
        page(&["cus_3", "cus_4"], false).when_query("starting_after", "cus_2"),
    );
    let clock = manual_clock();
    let client = stripe::Client::builder()
        .base_url(server.base_url())
        .bearer_token("sk_test")
        .clock(Arc::new(clock.clone()))
        .rate_limit(Quota::per_minute(1).burst(1))
        .max_rate_limit_wait(Duration::from_secs(10))
        .build()
        .unwrap();

    let results: Vec<_> = client.get_customers().limit(2).paginate().items().collect().await;
    assert_eq!(results.len(), 3);
    let ids: Vec<&str> = results[..2].iter().map(|r| r.as_ref().unwrap().id.as_str()).collect();
    assert_eq!(ids, ["cus_1", "cus_2"]);
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    assert_eq!(err.attempts(), 0);
    assert_eq!(queries(&server, "GetCustomers"), ["limit=2"], "page 2 was never sent");
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn slack_sends_the_next_cursor_until_it_is_empty() {
    let server = MockServer::from_spec(spec("real/slack-excerpt.json")).await.unwrap();
    let sample = generated(
        "real/slack-excerpt.json",
        "/conversations.list",
        ("authorization", "Bearer xoxb"),
    )
    .await;
    let channel = sample["channels"][0].clone();
    let page = |ids: &[&str], next: &str| {
        let mut body = sample.clone();
        body["ok"] = json!(true);
        body["channels"] = json!(items(&channel, "id", ids));
        body["response_metadata"] = json!({ "next_cursor": next });
        StubResponse::json(200, &body)
    };
    server.stub_operation("conversations_list", page(&["C1", "C2"], "dGVhbTpDMDYxRkE1UEI="));
    server.stub_operation(
        "conversations_list",
        page(&["C3"], "").when_query("cursor", "dGVhbTpDMDYxRkE1UEI="),
    );
    let client = slack::Client::builder()
        .base_url(server.base_url())
        .bearer_token("xoxb")
        .build()
        .unwrap();

    // Slack's conversation schema is a union the generator keeps as JSON.
    let ids: Vec<String> = all_items(client.conversations_list().limit(2).paginate(), |channel| {
        channel["id"].as_str().unwrap().to_owned()
    })
    .await;
    assert_eq!(ids, ["C1", "C2", "C3"]);
    assert_eq!(
        queries(&server, "conversations_list"),
        ["limit=2", "limit=2&cursor=dGVhbTpDMDYxRkE1UEI%3D"]
    );
}

#[tokio::test]
async fn twilio_follows_the_next_page_uri() {
    let server = MockServer::from_spec(spec("real/twilio-excerpt.json")).await.unwrap();
    let account = "AC0123456789abcdef0123456789abcdef";
    let path = format!("/2010-04-01/Accounts/{account}/Messages.json");
    let sample = generated(
        "real/twilio-excerpt.json",
        &path,
        ("authorization", "Basic QUM6dG9rZW4="),
    )
    .await;
    let message = sample["messages"][0].clone();
    let page = |sids: &[&str], next: Option<&str>| {
        let mut body = sample.clone();
        body["messages"] = json!(items(&message, "sid", sids));
        body["next_page_uri"] = json!(next);
        StubResponse::json(200, &body)
    };
    let next = format!("{path}?PageSize=2&Page=1&PageToken=PASM2");
    server.stub_operation("ListMessage", page(&["SM1", "SM2"], Some(&next)));
    server.stub_operation("ListMessage", page(&["SM3"], None).when_query("PageToken", "PASM2"));
    let client = twilio::Client::builder()
        .base_url(server.base_url())
        .basic_auth("AC", "token")
        .build()
        .unwrap();

    let sids: Vec<Option<String>> = all_items(client.list_message(account).page_size(2).paginate(), |message| {
        message.sid
    })
    .await;
    assert_eq!(
        sids,
        [Some("SM1".to_owned()), Some("SM2".to_owned()), Some("SM3".to_owned())]
    );
    assert_eq!(
        queries(&server, "ListMessage"),
        ["PageSize=2", "PageSize=2&Page=1&PageToken=PASM2"]
    );
}

#[tokio::test]
async fn offsets_advance_by_the_items_received_and_stop_on_a_short_page() {
    let server = MockServer::from_spec(spec("pagination.yaml")).await.unwrap();
    let rows =
        |ids: &[i64]| StubResponse::json(200, &json!(ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()));
    server.stub_operation("listByOffset", rows(&[1, 2, 3]));
    server.stub_operation("listByOffset", rows(&[4, 5, 6]).when_query("offset", "3"));
    server.stub_operation("listByOffset", rows(&[7]).when_query("offset", "6"));
    let client = paged::Client::builder().base_url(server.base_url()).build().unwrap();
    let ids: Vec<i64> = all_items(client.list_by_offset().limit(3).paginate(), |item| item.id).await;
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(
        queries(&server, "listByOffset"),
        ["limit=3", "limit=3&offset=3", "limit=3&offset=6"]
    );
}

#[tokio::test]
async fn a_page_token_typed_as_a_string_is_sent_back_not_counted() {
    let server = MockServer::from_spec(spec("pagination.yaml")).await.unwrap();
    let page = |ids: &[i64], next: Option<&str>| {
        StubResponse::json(
            200,
            &json!({"data": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(), "next_page": next}),
        )
    };
    server.stub_operation("searchRows", page(&[1, 2], Some("tok-2")));
    server.stub_operation("searchRows", page(&[3], Some("tok-3")).when_query("page", "tok-2"));
    server.stub_operation("searchRows", page(&[4], None).when_query("page", "tok-3"));
    let client = paged::Client::builder().base_url(server.base_url()).build().unwrap();
    let ids: Vec<i64> = all_items(client.search_rows().query("x").paginate(), |item| item.id).await;
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(
        queries(&server, "searchRows"),
        ["query=x", "query=x&page=tok-2", "query=x&page=tok-3"]
    );
}

#[tokio::test]
async fn a_list_whose_success_may_have_no_body_still_pages() {
    let server = MockServer::from_spec(spec("pagination.yaml")).await.unwrap();
    let next = format!("{}/later?skiptoken=2", server.base_url());
    server.stub_operation(
        "listLater",
        StubResponse::json(200, &json!({"value": [{"id": 1}], "nextLink": next})),
    );
    server.stub_operation(
        "listLater",
        StubResponse::json(200, &json!({"value": [{"id": 2}]})).when_query("skiptoken", "2"),
    );
    let client = paged::Client::builder().base_url(server.base_url()).build().unwrap();
    let ids: Vec<i64> = all_items(client.list_later().paginate(), |item| item.id).await;
    assert_eq!(ids, [1, 2]);
}

#[tokio::test]
async fn page_numbers_count_up_until_an_empty_page() {
    let server = MockServer::from_spec(spec("pagination.yaml")).await.unwrap();
    let page = |ids: &[i64]| {
        StubResponse::json(
            200,
            &json!({"results": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>()}),
        )
    };
    server.stub_operation("listByPage", page(&[1, 2]));
    server.stub_operation("listByPage", page(&[3, 4]).when_query("page", "2"));
    server.stub_operation("listByPage", page(&[]).when_query("page", "3"));
    let client = paged::Client::builder().base_url(server.base_url()).build().unwrap();
    let ids: Vec<i64> = all_items(client.list_by_page().paginate(), |item| item.id).await;
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(queries(&server, "listByPage"), ["", "page=2", "page=3"]);
}

#[tokio::test]
async fn declared_strategies_are_used() {
    assert_eq!(
        <paged::builders::ListByConductorExtension as Paginated>::PAGINATION.strategy,
        Pagination::Cursor {
            param: "token",
            next: "/meta/next_token"
        }
    );
    assert_eq!(
        <paged::builders::ListBySpeakeasy as Paginated>::PAGINATION.strategy,
        Pagination::Offset {
            offset: "skip",
            limit: Some("take")
        }
    );
    assert_eq!(
        <paged::builders::ListByFern as Paginated>::PAGINATION.strategy,
        Pagination::Cursor {
            param: "from",
            next: "/next"
        }
    );

    let server = MockServer::from_spec(spec("pagination.yaml")).await.unwrap();
    let page = |ids: &[i64], next: Option<&str>| {
        StubResponse::json(
            200,
            &json!({"rows": ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(), "paging": {"next": next}}),
        )
    };
    server.stub_operation("listByAttribute", page(&[1], Some("x")));
    server.stub_operation("listByAttribute", page(&[2], None).when_query("after", "x"));
    let client = paged::Client::builder().base_url(server.base_url()).build().unwrap();
    let ids: Vec<i64> = all_items(client.list_by_attribute().paginate(), |item| item.id).await;
    assert_eq!(ids, [1, 2]);
    assert_eq!(queries(&server, "listByAttribute"), ["", "after=x"]);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_an_error_instead_of_looping() {
    let server = MockServer::from_spec(spec("pagination.yaml")).await.unwrap();
    server.stub_operation(
        "listByAttribute",
        StubResponse::json(200, &json!({"rows": [{"id": 1}], "paging": {"next": "same"}})),
    );
    let client = paged::Client::builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let results: Vec<_> = client.list_by_attribute().paginate().pages().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert_eq!(results[2].as_ref().unwrap_err().kind(), ErrorKind::Pagination);
    assert_eq!(server.received_by("listByAttribute").len(), 2);
}

#[tokio::test]
async fn a_failed_page_is_yielded_as_an_error_and_ends_the_stream() {
    let server = MockServer::from_spec(spec("pagination.yaml")).await.unwrap();
    server.stub_operation("listByOffset", StubResponse::json(200, &json!([{"id": 1}, {"id": 2}])));
    server.stub_operation("listByOffset", StubResponse::status(500).when_query("offset", "2"));
    let client = paged::Client::builder()
        .base_url(server.base_url())
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    let results: Vec<_> = client.list_by_offset().limit(2).paginate().items().collect().await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[2].as_ref().unwrap_err().status().map(|s| s.as_u16()), Some(500));
}
