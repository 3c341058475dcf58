//! Reading a server's rate-limit headers: what budget is left, when it resets, and what
//! quota the server announces. A pure function of the headers and the time, so every form is
//! tested without a server.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

// The names read here, parsed once: looking a header up by `&str` parses the name each time.
static X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
static X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
static RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
static RATELIMIT_RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
static RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
static RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");

/// What a response said about the server's rate limit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ServerBudget {
    /// Requests left in the current window.
    pub(crate) remaining: Option<u64>,
    /// How long until the window resets.
    pub(crate) reset: Option<Duration>,
    /// The quota the server announces: `(requests, window)`.
    pub(crate) policy: Option<(u64, Duration)>,
    /// An explicit wait (`Retry-After`) on a refusal (429, or 403 from GitHub's secondary
    /// limits).
    pub(crate) retry_after: Option<Duration>,
}

impl ServerBudget {
    /// How long further requests must be held, if the server said to hold them.
    pub(crate) fn hold(&self) -> Option<Duration> {
        if let Some(wait) = self.retry_after {
            return Some(wait);
        }
        match (self.remaining, self.reset) {
            (Some(0), Some(reset)) => Some(reset),
            _ => None,
        }
    }
}

/// How long a response says further requests must be held: `Retry-After` on a 429 (or a 403,
/// GitHub's secondary limits), or the reset when the remaining budget is 0 (`X-RateLimit-*`,
/// `RateLimit-*`, `RateLimit: r=0;t=..`). `None` when the response does not ask to hold
/// requests. This is what [`crate::LocalRateLimiter`] pauses on; shared limiters (such as a
/// Redis backend) call it from [`crate::RateLimiter::observe`] to pause every worker alike.
pub fn server_hold(status: u16, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if !matches!(status, 403 | 429) && !has_budget_header(headers) {
        return None;
    }
    read(status, headers, now).hold()
}

/// Whether `headers` say anything about the budget (remaining requests or a policy), so
/// [`read`] can find something in a response that is not a refusal.
pub(crate) fn has_budget_header(headers: &HeaderMap) -> bool {
    let names = [
        &X_RATELIMIT_REMAINING,
        &RATELIMIT_REMAINING,
        &RATELIMIT,
        &RATELIMIT_POLICY,
    ];
    // A few headers are compared by name, as text, faster than the names are hashed for lookups.
    if headers.keys_len() <= 8 {
        headers
            .keys()
            .any(|key| names.iter().any(|name| name.as_str() == key.as_str()))
    } else {
        names.into_iter().any(|name| headers.contains_key(name))
    }
}

fn text<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn number(headers: &HeaderMap, name: &HeaderName) -> Option<u64> {
    text(headers, name).and_then(|v| v.parse::<u64>().ok())
}

/// A reset value is epoch seconds when it is large (GitHub), else seconds from now (IETF).
pub(crate) fn reset_to_wait(reset: u64, now: SystemTime) -> Duration {
    const EPOCH_THRESHOLD: u64 = 1_000_000_000;
    if reset >= EPOCH_THRESHOLD {
        match SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(reset)) {
            Some(reset_at) => reset_at.duration_since(now).unwrap_or(Duration::ZERO),
            None => Duration::MAX,
        }
    } else {
        Duration::from_secs(reset)
    }
}

/// `Retry-After` (seconds or an HTTP date) or `retry-after-ms`; unparseable values are `None`.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = text(headers, &RETRY_AFTER_MS).and_then(|v| v.parse::<f64>().ok()) {
        if (0.0..1e15).contains(&ms) {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    let value = text(headers, &RETRY_AFTER)?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    httpdate::parse_http_date(value)
        .ok()
        .map(|date| date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Reads every rate-limit header form we know:
///
/// - `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (GitHub and many
///   others; the reset is epoch seconds or seconds from now);
/// - IETF draft `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
///   `RateLimit-Policy: 100;w=60`;
/// - the later IETF structured form `RateLimit: "default";r=0;t=30` with
///   `RateLimit-Policy: "default";q=100;w=60` (and `limit=, remaining=, reset=` spelled out);
/// - `Retry-After` on a 429, or on a 403 (GitHub's secondary rate limits).
///
/// Values that do not parse are ignored.
pub(crate) fn read(status: u16, headers: &HeaderMap, now: SystemTime) -> ServerBudget {
    let mut budget = ServerBudget::default();
    for (remaining, reset) in [
        (&X_RATELIMIT_REMAINING, &X_RATELIMIT_RESET),
        (&RATELIMIT_REMAINING, &RATELIMIT_RESET),
    ] {
        let remaining = number(headers, remaining);
        if remaining.is_some() && budget.remaining.is_none() {
            budget.remaining = remaining;
            budget.reset = number(headers, reset).map(|r| reset_to_wait(r, now));
        }
    }
    if let Some(combined) = text(headers, &RATELIMIT) {
        let fields = parameters(combined);
        if budget.remaining.is_none() {
            budget.remaining = field(&fields, &["r", "remaining"]);
        }
        if budget.reset.is_none() {
            budget.reset = field(&fields, &["t", "reset"]).map(Duration::from_secs);
        }
    }
    if let Some(policy) = text(headers, &RATELIMIT_POLICY) {
        budget.policy = parse_policy(policy);
    }
    if matches!(status, 403 | 429) {
        budget.retry_after = retry_after(headers, now);
    }
    budget
}

/// `key=value` pairs of a structured header item, keys lower case; bare items are skipped.
fn parameters(value: &str) -> Vec<(String, String)> {
    value
        .split([',', ';'])
        .filter_map(|part| {
            let (key, value) = part.split_once('=')?;
            Some((
                key.trim().to_ascii_lowercase(),
                value.trim().trim_matches('"').to_owned(),
            ))
        })
        .collect()
}

fn field(fields: &[(String, String)], names: &[&str]) -> Option<u64> {
    fields
        .iter()
        .find(|(key, _)| names.contains(&key.as_str()))
        .and_then(|(_, value)| value.parse().ok())
}

/// The first policy of `RateLimit-Policy`: `100;w=60` or `"name";q=100;w=60`.
fn parse_policy(value: &str) -> Option<(u64, Duration)> {
    let first = value.split(',').next()?;
    let mut parts = first.split(';').map(str::trim);
    let head = parts.next()?;
    let mut limit = head.parse::<u64>().ok();
    let mut window = None;
    for part in parts {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        match key.trim() {
            "q" => limit = value.trim().parse().ok(),
            "w" => window = value.trim().parse::<u64>().ok(),
            _ => {}
        }
    }
    match (limit, window) {
        // Windows beyond a year are nonsense and would overflow time arithmetic.
        (Some(limit), Some(window)) if limit > 0 && window > 0 && window <= 366 * 86_400 => {
            Some((limit, Duration::from_secs(window)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    const NOW: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW)
    }

    #[test]
    fn github_headers() {
        let reset = (NOW + 90).to_string();
        let budget = read(
            200,
            &headers(&[
                ("x-ratelimit-limit", "5000"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", &reset),
            ]),
            now(),
        );
        assert_eq!(budget.remaining, Some(0));
        assert_eq!(budget.hold(), Some(Duration::from_secs(90)));
        // A reset in the past means no wait.
        let past = (NOW - 5).to_string();
        let budget = read(
            200,
            &headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", &past)]),
            now(),
        );
        assert_eq!(budget.hold(), Some(Duration::ZERO));
    }

    #[test]
    fn budget_left_means_no_hold() {
        let budget = read(
            200,
            &headers(&[("x-ratelimit-remaining", "12"), ("x-ratelimit-reset", "30")]),
            now(),
        );
        assert_eq!(budget.remaining, Some(12));
        assert_eq!(budget.hold(), None);
    }

    #[test]
    fn ietf_headers_both_drafts() {
        let budget = read(
            200,
            &headers(&[
                ("ratelimit-limit", "100"),
                ("ratelimit-remaining", "0"),
                ("ratelimit-reset", "17"),
                ("ratelimit-policy", "100;w=60"),
            ]),
            now(),
        );
        assert_eq!(budget.hold(), Some(Duration::from_secs(17)));
        assert_eq!(budget.policy, Some((100, Duration::from_secs(60))));

        let budget = read(
            200,
            &headers(&[
                ("ratelimit", "\"default\";r=0;t=8"),
                ("ratelimit-policy", "\"default\";q=30;w=60, \"daily\";q=1000;w=86400"),
            ]),
            now(),
        );
        assert_eq!(budget.hold(), Some(Duration::from_secs(8)));
        assert_eq!(budget.policy, Some((30, Duration::from_secs(60))));

        let budget = read(200, &headers(&[("ratelimit", "limit=10, remaining=0, reset=4")]), now());
        assert_eq!(budget.hold(), Some(Duration::from_secs(4)));
    }

    #[test]
    fn secondary_limits_and_retry_after_forms() {
        let budget = read(403, &headers(&[("retry-after", "60")]), now());
        assert_eq!(budget.hold(), Some(Duration::from_secs(60)));
        let date = httpdate::fmt_http_date(now() + Duration::from_secs(20));
        let budget = read(429, &headers(&[("retry-after", &date)]), now());
        assert_eq!(budget.hold(), Some(Duration::from_secs(20)));
        // A Retry-After on a success is not a rate-limit signal.
        assert_eq!(read(200, &headers(&[("retry-after", "60")]), now()).hold(), None);
    }

    #[test]
    fn budget_headers_are_found_among_few_or_many() {
        let few = headers(&[("content-type", "application/json"), ("date", "x")]);
        assert!(!has_budget_header(&few));
        let mut many = few.clone();
        for i in 0..12 {
            many.insert(
                HeaderName::from_bytes(format!("x-other-{i}").as_bytes()).unwrap(),
                HeaderValue::from_static("1"),
            );
        }
        assert!(!has_budget_header(&many));
        for name in [
            "x-ratelimit-remaining",
            "ratelimit-remaining",
            "RateLimit",
            "ratelimit-policy",
        ] {
            for map in [&few, &many] {
                let mut map = map.clone();
                map.insert(
                    HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    HeaderValue::from_static("0"),
                );
                assert!(has_budget_header(&map), "{name} among {}", map.len());
            }
        }
        assert!(!has_budget_header(&headers(&[
            ("x-ratelimit-limit", "10"),
            ("ratelimit-reset", "3")
        ])));
    }

    #[test]
    fn garbage_is_ignored() {
        let budget = read(
            429,
            &headers(&[
                ("retry-after", "tomorrow-ish"),
                ("retry-after-ms", "NaN"),
                ("x-ratelimit-remaining", "-1"),
                ("x-ratelimit-reset", "soon"),
                ("ratelimit", ";;==,r=x"),
                ("ratelimit-policy", "10;w=18446744073709551615"),
            ]),
            now(),
        );
        assert_eq!(budget, ServerBudget::default());
        let mut map = HeaderMap::new();
        map.insert("retry-after", HeaderValue::from_bytes(b"\xff\xfe").unwrap());
        assert_eq!(read(429, &map, now()), ServerBudget::default());
        assert_eq!(retry_after(&headers(&[("retry-after-ms", "1e300")]), now()), None);
    }
}
