//! Per-request overhead of a generated client over a bare `reqwest` call to the same local
//! server.
//!
//! ```sh
//! cargo bench -p workspace-tests --bench overhead              # 20 rounds × 1,000 requests per path
//! cargo bench -p workspace-tests --bench overhead -- 40 2000   # rounds, requests per round
//! ONLY=bare cargo bench -p workspace-tests --bench overhead      # one path alone (also: bare-timed, decoded,
//!                                                                # decoded-timed, generated, generated-timed)
//! ONLY=answered cargo bench -p workspace-tests --bench overhead  # the no-network calls alone (also:
//!                                                                # built, a bare request built and the
//!                                                                # body decoded), for callgrind counts
//! ```
//!
//! The server (a bare axum route answering a fixed pet as JSON) runs on its own thread and
//! runtime; the client side runs on a current-thread runtime. Both sides share one
//! `reqwest::Client` (the generated client is given it), so the difference is the runtime's
//! work: request building, credentials, rate limiter, retry bookkeeping, tracing span, health
//! counters and typed decoding. Rounds alternate the paths so drift affects each alike.
//! Besides wall-clock latency it reports the client thread's CPU time per request (Linux
//! `schedstat`), and the runtime's CPU cost per call without the network (a hook answers
//! the call) against building a bare request and decoding the same body.
//! Loopback only; every loop is bounded by its request count.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::future::IntoFuture as _;
use std::time::{Duration, Instant};

use connector_runtime::{connector, Hook, HookRequest, HookResponse};

/// The petstore connector.
#[connector(spec = "../specs/petstore.yaml")]
pub mod petstore {}

const PET: &str = r#"{"id":7,"name":"Rex","tag":"dog","status":"available","born":"2020-01-02T03:04:05Z"}"#;

fn start_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let app = axum::Router::new().route(
                "/pets/{id}",
                axum::routing::get(|| async { ([("content-type", "application/json")], PET) }),
            );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// CPU time this thread has used (Linux `schedstat`), if readable.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok().map(Duration::from_nanos)
}

fn stats(samples: &mut [Duration]) -> (Duration, Duration, Duration) {
    samples.sort();
    let median = samples[samples.len() / 2];
    let p90 = samples[samples.len() * 9 / 10];
    let mean = samples.iter().sum::<Duration>() / u32::try_from(samples.len()).unwrap();
    (median, p90, mean)
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// The paths measured: the name `ONLY=` takes, and the row's name.
const PATHS: [(&str, &str); 6] = [
    ("bare", "bare reqwest (bytes)"),
    ("bare-timed", "bare reqwest + 30 s timeout"),
    ("decoded", "bare reqwest + serde decode"),
    ("decoded-timed", "bare reqwest + 30 s timeout + serde decode"),
    ("generated-timed", "generated client (defaults: 30 s attempt timeout)"),
    ("generated", "generated client, `.timeout(None)`"),
];

/// Answers every call with the pet, so a call runs the whole runtime but not the network.
struct Answer;

impl Hook for Answer {
    fn before_request(&self, _request: &mut HookRequest<'_>) -> Option<HookResponse> {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("content-type", "application/json".parse().unwrap());
        Some(HookResponse::new(reqwest::StatusCode::OK, headers, PET))
    }
}

/// Times `n` runs of `f`, returning (wall, CPU) per run.
async fn time<F, Fut, T>(n: usize, mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let cpu = thread_cpu();
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(f().await);
    }
    let wall = start.elapsed();
    let cpu = cpu.zip(thread_cpu()).map_or(Duration::ZERO, |(a, b)| b - a);
    let n = u32::try_from(n).unwrap();
    (wall / n, cpu / n)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    let rounds: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let per_round: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let base = start_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        connector_runtime::install_crypto_provider();
        let http = reqwest::Client::builder().build().unwrap();
        let generated = |timeout: Option<Duration>| {
            petstore::Client::builder()
                .base_url(&base)
                .api_key("bench-key")
                .http_client(http.clone())
                .timeout(timeout)
                .build()
                .unwrap()
        };
        let client = generated(Some(Duration::from_secs(30)));
        let untimed = generated(None);
        let url = format!("{base}/pets/7");

        let bare = |timeout: Option<Duration>| {
            let mut request = http.get(&url).header("x-api-key", "bench-key");
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            async move {
                let response = request.send().await.unwrap();
                assert!(response.status().is_success());
                response.bytes().await.unwrap()
            }
        };
        // What a hand-written client does for the same result: send, check, decode the body
        // into the same type.
        let bare_decoded = |timeout: Option<Duration>| {
            let body = bare(timeout);
            async move { serde_json::from_slice::<petstore::types::Pet>(&body.await).unwrap() }
        };

        // The runtime's own work per call, without the network.
        let answered = petstore::Client::builder()
            .base_url(&base)
            .api_key("bench-key")
            .http_client(http.clone())
            .hook(Answer)
            .build()
            .unwrap();
        let built = || async {
            let request = http.get(&url).header("x-api-key", "bench-key").build().unwrap();
            let pet = serde_json::from_str::<petstore::types::Pet>(PET).unwrap();
            (request, pet)
        };
        let only = std::env::var("ONLY").ok();
        if let Some(only) = only.as_deref() {
            if !matches!(only, "answered" | "built") && !PATHS.iter().any(|(short, _)| *short == only) {
                let names: Vec<&str> = PATHS.iter().map(|(short, _)| *short).collect();
                eprintln!(
                    "ONLY={only} is not a path; one of: {}, answered, built",
                    names.join(", ")
                );
                std::process::exit(2);
            }
        }
        if matches!(only.as_deref(), Some("answered" | "built")) {
            // Instruction counts per call come from running this under callgrind and dividing
            // by `rounds × per_round`.
            let n = rounds * per_round;
            let (wall, _) = if only.as_deref() == Some("built") {
                time(n, built).await
            } else {
                time(n, || answered.get_pet_by_id(7).into_future()).await
            };
            println!(
                "{} alone, {n} calls: mean {} wall",
                only.unwrap_or_default(),
                micros(wall)
            );
            return;
        }
        let n = 100_000;
        let (runtime_wall, _) = time(n, || answered.get_pet_by_id(7).into_future()).await;
        let (bare_wall, _) = time(n, built).await;
        println!(
            "no network, per call: generated client {} (everything but the exchange), \
             bare request build + decode {}",
            micros(runtime_wall),
            micros(bare_wall)
        );

        // Warm up the connection and every path.
        for _ in 0..500 {
            bare(None).await;
            bare_decoded(None).await;
            client.get_pet_by_id(7).await.unwrap();
            untimed.get_pet_by_id(7).await.unwrap();
        }

        let thirty = Some(Duration::from_secs(30));
        // One request on path `path` (an index of `PATHS`).
        let (bare, bare_decoded, client, untimed) = (&bare, &bare_decoded, &client, &untimed);
        let send = move |path: usize| async move {
            match path {
                0 => drop(std::hint::black_box(bare(None).await)),
                1 => drop(std::hint::black_box(bare(thirty).await)),
                2 => drop(std::hint::black_box(bare_decoded(None).await)),
                3 => drop(std::hint::black_box(bare_decoded(thirty).await)),
                4 => drop(std::hint::black_box(client.get_pet_by_id(7).await.unwrap())),
                _ => drop(std::hint::black_box(untimed.get_pet_by_id(7).await.unwrap())),
            }
        };

        if let Some(only) = only {
            let path = PATHS
                .iter()
                .position(|(short, _)| *short == only)
                .expect("ONLY was checked when read");
            let n = rounds * per_round;
            let mut samples = Vec::with_capacity(n);
            let cpu_start = thread_cpu();
            for _ in 0..n {
                let start = Instant::now();
                send(path).await;
                samples.push(start.elapsed());
            }
            let cpu = cpu_start.zip(thread_cpu()).map_or(Duration::ZERO, |(a, b)| b - a);
            let (median, p90, mean) = stats(&mut samples);
            println!(
                "{only} alone, {n} requests: median {}, p90 {}, mean {} wall, {} client CPU",
                micros(median),
                micros(p90),
                micros(mean),
                micros(cpu / u32::try_from(n).unwrap())
            );
            return;
        }

        let names: Vec<&str> = PATHS.iter().map(|(_, long)| *long).collect();
        let mut samples: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds * per_round); names.len()];
        // Each round's median per path: the paired comparisons below divide medians of the same
        // round, so drift between rounds falls on both sides of each ratio.
        let mut round_medians: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); names.len()];
        let mut cpu = [Duration::ZERO; PATHS.len()];
        for _ in 0..rounds {
            for (path, samples) in samples.iter_mut().enumerate() {
                let cpu_start = thread_cpu();
                let first = samples.len();
                for _ in 0..per_round {
                    let start = Instant::now();
                    send(path).await;
                    samples.push(start.elapsed());
                }
                let mut round = samples[first..].to_vec();
                round_medians[path].push(stats(&mut round).0);
                if let (Some(a), Some(b)) = (cpu_start, thread_cpu()) {
                    cpu[path] += b - a;
                }
            }
        }
        let requests = u32::try_from(rounds * per_round).unwrap();
        println!("{requests} requests per path ({rounds} rounds of {per_round}, paths alternating)");
        println!("| path | median | p90 | mean | client CPU per request |");
        println!("|---|---|---|---|---|");
        let mut medians = Vec::new();
        for (i, samples) in samples.iter_mut().enumerate() {
            let (median, p90, mean) = stats(samples);
            medians.push(median);
            println!(
                "| {} | {} | {} | {} | {} |",
                names[i],
                micros(median),
                micros(p90),
                micros(mean),
                micros(cpu[i] / requests)
            );
        }
        let overhead = |of: Duration, over: Duration| (of.as_secs_f64() / over.as_secs_f64() - 1.0) * 100.0;
        println!(
            "median overhead of the generated client: {:+.1}% over bare reqwest with the same timeout, \
             {:+.1}% (no timeout) over bare reqwest, {:+.1}% over bare reqwest + decode with the same \
             timeout, {:+.1}% (no timeout) over bare reqwest + decode",
            overhead(medians[4], medians[1]),
            overhead(medians[5], medians[0]),
            overhead(medians[4], medians[3]),
            overhead(medians[5], medians[2]),
        );
        // Paired: the ratio of two paths' medians within each round, then the median and range
        // of those ratios over the rounds.
        let paired = |of: usize, over: usize| {
            let mut ratios: Vec<f64> = round_medians[of]
                .iter()
                .zip(&round_medians[over])
                .map(|(a, b)| overhead(*a, *b))
                .collect();
            ratios.sort_by(f64::total_cmp);
            let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
            (quartile(2), quartile(1), quartile(3))
        };
        println!("per-round medians, paired over {rounds} rounds:");
        for (label, of, over) in [
            ("generated (defaults) over bare + same timeout + decode", 4, 3),
            ("generated (no timeout) over bare + decode", 5, 2),
            ("generated (defaults) over bare + same timeout", 4, 1),
            ("generated (no timeout) over bare", 5, 0),
        ] {
            let (median, low, high) = paired(of, over);
            println!("  {label:<55} {median:+.1}% (quartiles {low:+.1}% to {high:+.1}%)");
        }
    });
}
