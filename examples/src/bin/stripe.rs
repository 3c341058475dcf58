//! A Stripe connector: customers, payment intents with idempotency keys, form bodies and list
//! pagination (`starting_after` while `has_more`).
//!
//! ```text
//! cargo run -p conductor-examples --bin stripe                          # the mock server
//! STRIPE_API_KEY=sk_test_... cargo run -p conductor-examples --bin stripe   # api.stripe.com
//! ```
//!
//! Without `STRIPE_API_KEY` it serves `specs/real/stripe-excerpt.json` on 127.0.0.1 with the
//! spec-derived mock, scripting two pages of customers and a 503 on the first payment intent
//! attempt (retried with the same idempotency key). With a key it calls api.stripe.com; it
//! creates objects only with a test-mode key (`sk_test_`/`rk_test_`).

// rustdoc works out the auto traits (`RefUnwindSafe`, ...) of every public type, and Stripe's
// types nest deeper than the default limit of 128 (a `BalanceTransaction`'s `source` reaches
// charges, their payment methods, setup attempts, ...): without it `cargo doc` fails (E0275).
#![recursion_limit = "256"]

use conductor_mock::StubResponse;
use connector_runtime::{connector, OperationExt};
use serde_json::json;

/// Stripe's API, from the trimmed excerpt of its spec.
#[connector(spec = "../specs/real/stripe-excerpt.json")]
pub mod stripe {}

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Failure> {
    let key = std::env::var("STRIPE_API_KEY").ok().filter(|k| !k.is_empty());
    let builder = stripe::Client::builder().idempotency_header("Idempotency-Key");
    let (server, client, writes) = match key {
        Some(key) => {
            let test_mode = key.starts_with("sk_test_") || key.starts_with("rk_test_");
            println!(
                "using the real API at https://api.stripe.com (STRIPE_API_KEY is set; {})",
                if test_mode {
                    "test mode"
                } else {
                    "not a test key: read-only"
                }
            );
            (None, builder.basic_auth(key, "").build()?, test_mode)
        }
        None => {
            let server = stripe::mock::start().await?;
            println!(
                "using the mock server at {} (set STRIPE_API_KEY to call api.stripe.com)",
                server.base_url()
            );
            let client = builder
                .base_url(server.base_url())
                .basic_auth("sk_test_mock", "")
                .build()?;
            script(&server).await?;
            (Some(server), client, true)
        }
    };

    if writes {
        // A form body: `email=...&metadata[source]=...&expand[]=...` in Stripe's brackets.
        let mut body = stripe::types::PostCustomersBody {
            email: Some("jenny.rosen@example.com".to_owned()),
            description: Some("created by the api-conductor example".to_owned()),
            ..Default::default()
        };
        body.expand = Some(vec!["tax".to_owned()]);
        let customer = client.post_customers().body(body).await?;
        println!("PostCustomers            -> {} ({:?})", customer.id, customer.email);

        // An explicit idempotency key: a retry, or running this again with the same key,
        // never charges twice.
        let key = format!("example-{}", std::process::id());
        let intent = client
            .post_payment_intents(stripe::types::PostPaymentIntentsBody::new(2000, "eur"))
            .idempotency_key("Idempotency-Key", &key)
            .await?;
        println!(
            "PostPaymentIntents       -> {} {} {} ({:?}), Idempotency-Key {key}",
            intent.id, intent.amount, intent.currency, intent.status
        );
    }

    // List pagination: `starting_after` = the last id, while `has_more`.
    let customers = client
        .get_customers()
        .limit(2)
        .paginate()
        .max_items(5)
        .collect_items()
        .await?;
    let ids: Vec<&str> = customers.iter().map(|c| c.id.as_str()).collect();
    println!(
        "GetCustomers (paged)     -> {} customers: {}",
        customers.len(),
        ids.join(", ")
    );

    if let Some(server) = server {
        println!("the mock received:");
        for request in server.received() {
            println!(
                "  {} {}{}  idempotency-key: {}",
                request.method,
                request.path,
                request.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default(),
                request.header("idempotency-key").unwrap_or("-")
            );
        }
    }
    Ok(())
}

/// Scripts the mock: two pages of customers, and a 503 before the payment intent succeeds.
/// Bodies start from what the mock generates from the spec, so they are valid.
async fn script(server: &conductor_mock::MockServer) -> Result<(), Failure> {
    // Samples from a second mock, so this one's record shows only the tour's requests.
    let samples = stripe::mock::start().await?;
    let sampler = stripe::Client::builder()
        .base_url(samples.base_url())
        .basic_auth("sk_test_mock", "")
        .build()?;
    let sample = sampler.get_customers().limit(1).await?;
    let mut page = serde_json::to_value(&sample)?;
    let customer = page["data"][0].clone();
    let with_id = |id: &str| {
        let mut value = customer.clone();
        value["id"] = json!(id);
        value
    };
    page["has_more"] = json!(true);
    page["data"] = json!([with_id("cus_A"), with_id("cus_B")]);
    let mut last = page.clone();
    last["has_more"] = json!(false);
    last["data"] = json!([with_id("cus_C")]);
    server
        .stub_operation("GetCustomers", StubResponse::json(200, &page))
        .stub_operation(
            "GetCustomers",
            StubResponse::json(200, &last).when_query("starting_after", "cus_B"),
        );
    let mut intent = serde_json::to_value(
        sampler
            .post_payment_intents(stripe::types::PostPaymentIntentsBody::new(2000, "eur"))
            .await?,
    )?;
    intent["id"] = json!("pi_1");
    intent["amount"] = json!(2000);
    intent["currency"] = json!("eur");
    server
        .stub_operation(
            "PostPaymentIntents",
            StubResponse::status(503).header("retry-after", "0"),
        )
        .stub_operation("PostPaymentIntents", StubResponse::json(200, &intent));
    Ok(())
}
