//! Pagination: a paginated operation becomes a lazy `Stream` of pages or of items.
//!
//! The generated code says *how* an operation's pages link ([`Pagination`]) and where the
//! items sit; this module fetches page after page on demand, each one a full call through the
//! client (credentials, rate limiting, retries, tracing, health counters), and works out the
//! next request from the response: a `Link` header, a cursor in the body, the last item's id,
//! a next-page URL, or an advancing offset or page number.

use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{self, Stream, StreamExt};
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, ErrorInner, ErrorKind};
use crate::json_at::{self, Items};
use crate::operation::{decode, encode_request, CallOptions, Operation, Response};
use crate::request::RequestParts;

/// How the pages of an operation link to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pagination {
    /// The `Link` response header's `rel="next"` URL (GitHub).
    LinkHeader,
    /// A cursor read from the body at the JSON pointer `next` and sent back in the query
    /// parameter `param`; the last page has no cursor, or an empty one (Slack's
    /// `response_metadata.next_cursor`).
    Cursor {
        /// The query parameter that carries the cursor.
        param: &'static str,
        /// JSON pointer to the next cursor in the response body.
        next: &'static str,
    },
    /// The last item's `field` sent back in `param`, while the boolean at the JSON pointer
    /// `has_more` is true (Stripe's `starting_after`); without `has_more`, until a page is empty.
    LastItem {
        /// The query parameter that carries the cursor.
        param: &'static str,
        /// The item field whose value is the cursor (usually `id`).
        field: &'static str,
        /// JSON pointer to the "more pages follow" flag, if the API has one.
        has_more: Option<&'static str>,
    },
    /// A next-page URL in the body at the JSON pointer `url`, absolute or relative to the base
    /// URL (Twilio's `next_page_uri`); the last page has none.
    NextUrl {
        /// JSON pointer to the next page's URL.
        url: &'static str,
    },
    /// An `offset` query parameter advanced by the number of items received; ends on an empty
    /// page, or a page shorter than the `limit` parameter's value.
    Offset {
        /// The offset parameter.
        offset: &'static str,
        /// The page-size parameter, if there is one.
        limit: Option<&'static str>,
    },
    /// A page-number query parameter counted up from `first`; ends on an empty page, or a page
    /// shorter than the `per_page` parameter's value.
    PageNumber {
        /// The page-number parameter.
        page: &'static str,
        /// The page-size parameter, if there is one.
        per_page: Option<&'static str>,
        /// The number of the first page (usually 1).
        first: u64,
    },
}

/// Where a paginated operation's items are and how its pages link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaginationSpec {
    /// How to get from one page to the next.
    pub strategy: Pagination,
    /// JSON pointer to the items array in a page (`""` when the page is the array).
    pub items: &'static str,
}

/// A generated operation whose responses are pages of items.
///
/// The generator implements it for every operation that paginates; write code generic over
/// it to page through any of them.
///
/// # Examples
///
/// ```
/// use connector_runtime::{Error, Paginated, Paginator};
///
/// /// How many items an operation has, over all its pages.
/// async fn count<O: Paginated>(operation: O) -> Result<usize, Error<O::ErrorBody>> {
///     Ok(Paginator::new(operation).collect_items().await?.len())
/// }
/// ```
pub trait Paginated: Operation + Clone {
    /// One item of a page.
    type Item: Send + 'static;
    /// How the pages link and where the items are.
    const PAGINATION: PaginationSpec;

    /// Takes the items out of a decoded page.
    fn page_items(page: Self::Output) -> Vec<Self::Item>;
}

/// The pages or items of a paginated operation, fetched lazily; returned by a generated
/// builder's `paginate()`.
///
/// # Examples
///
/// ```no_run
/// use connector_runtime::connector;
/// use futures_util::StreamExt;
///
/// #[connector(spec = "../specs/pagination.yaml", operations = ["listByOffset"])]
/// mod paged {}
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = paged::Client::builder().build()?;
///
/// // Every item of every page, 50 per request, at most 500 in all.
/// let mut rows = client.list_by_offset().limit(50).paginate().max_items(500).items();
/// while let Some(row) = rows.next().await {
///     println!("row {}", row?.id);
/// }
///
/// // The pages, each with its status and headers; at most three requests.
/// let mut pages = client.list_by_offset().paginate().max_pages(3).pages();
/// while let Some(page) = pages.next().await {
///     println!("{} rows", page?.body().len());
/// }
///
/// // Or everything in one `Vec` (the first error ends it).
/// let all = client.list_by_offset().paginate().collect_items().await?;
/// # let _ = all;
/// # Ok(())
/// # }
/// ```
#[must_use = "a paginator does nothing until its stream is polled"]
#[derive(Debug, Clone)]
pub struct Paginator<O> {
    operation: O,
    max_pages: Option<usize>,
    max_items: Option<usize>,
}

/// A boxed stream of pages or items.
pub type PageStream<T, E> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send + 'static>>;

impl<O: Paginated> Paginator<O> {
    /// Pages through `operation`, starting with the request it describes.
    pub fn new(operation: O) -> Self {
        Self {
            operation,
            max_pages: None,
            max_items: None,
        }
    }

    /// Fetches at most `pages` pages.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Stops once `items` items have been received (no further page is requested; the
    /// item stream yields exactly this many at most).
    pub fn max_items(mut self, items: usize) -> Self {
        self.max_items = Some(items);
        self
    }

    /// The pages, each with its status and headers. A failed page ends the stream after
    /// yielding its error.
    pub fn pages(self) -> PageStream<Response<O::Output>, O::ErrorBody> {
        let Self {
            operation,
            max_pages,
            max_items,
        } = self;
        let state = State {
            operation,
            next: Some(Next::First),
            pages: 0,
            items: 0,
            max_pages,
            max_items,
            seen_cursor: None,
            failed: None,
        };
        Box::pin(stream::unfold(state, |mut state| async move {
            // A limit reached means the next page is not wanted, whatever is wrong with it.
            if state.max_pages.is_some_and(|max| state.pages >= max)
                || state.max_items.is_some_and(|max| state.items >= max)
            {
                return None;
            }
            if let Some(err) = state.failed.take() {
                return Some((Err(err), state));
            }
            let next = state.next.take()?;
            match fetch(&mut state, next).await {
                Ok(page) => Some((Ok(page), state)),
                Err(err) => Some((Err(err), state)),
            }
        }))
    }

    /// The items of every page, in order.
    pub fn items(self) -> PageStream<O::Item, O::ErrorBody> {
        let max_items = self.max_items;
        let items = self.pages().flat_map(|page| {
            let batch: Vec<Result<O::Item, Error<O::ErrorBody>>> = match page {
                Ok(page) => O::page_items(page.into_body()).into_iter().map(Ok).collect(),
                Err(err) => vec![Err(err)],
            };
            stream::iter(batch)
        });
        match max_items {
            Some(max) => Box::pin(items.take(max)),
            None => Box::pin(items),
        }
    }

    /// Every item, collected; the first error ends the collection.
    ///
    /// # Errors
    ///
    /// The first page request that fails.
    pub fn collect_items(self) -> impl Future<Output = Result<Vec<O::Item>, Error<O::ErrorBody>>> + Send {
        let mut items = self.items();
        async move {
            let mut out = Vec::new();
            while let Some(item) = items.next().await {
                out.push(item?);
            }
            Ok(out)
        }
    }
}

/// The request for the next page.
#[derive(Debug, Clone)]
enum Next {
    /// The operation as the user built it.
    First,
    /// The operation with one query parameter set (a cursor, offset or page number).
    Query(&'static str, String),
    /// A URL the server gave, with its own query string.
    Url(reqwest::Url),
}

struct State<O: Operation> {
    operation: O,
    next: Option<Next>,
    pages: usize,
    items: usize,
    max_pages: Option<usize>,
    max_items: Option<usize>,
    /// The cursor or URL that produced the current page: a server that answers with the same
    /// one again would loop forever.
    seen_cursor: Option<String>,
    /// A page arrived but the way to the next one cannot be followed: yielded after the page.
    failed: Option<Error<O::ErrorBody>>,
}

/// Fetches one page and works out the request for the one after it.
async fn fetch<O: Paginated>(state: &mut State<O>, next: Next) -> Result<Response<O::Output>, Error<O::ErrorBody>> {
    let spec = O::SPEC;
    let mut parts = encode_request(&state.operation)?;
    let call = state.operation.call_mut();
    let client: Client = call.client.clone();
    let options: CallOptions = call.options.clone();
    let page_size = page_size(&O::PAGINATION.strategy, &parts);
    match &next {
        Next::First => {}
        Next::Query(name, value) => {
            parts.query.retain(|(key, _)| key != name);
            parts.query.push(((*name).to_owned(), value.clone()));
        }
        Next::Url(url) => {
            parts.query.clear();
            parts.next_url = Some(url.clone());
        }
    }
    let started = std::time::Instant::now();
    let operation_state = client.operation_state(spec);
    let exchange = match client.send(spec, &mut parts, options, &operation_state).await {
        Ok(exchange) => exchange,
        Err(inner) => {
            let err = Error::untyped(inner);
            operation_state.counters.finished(Err(err.kind()), started.elapsed());
            return Err(err);
        }
    };
    let follow = if exchange.response.status.is_success() {
        Some(client.url(&parts).and_then(|requested| {
            follow_up::<O>(
                &client,
                &requested,
                &exchange.response.headers,
                &exchange.response.body,
                &next,
                page_size,
            )
        }))
    } else {
        None
    };
    let result = decode::<O>(&client, spec, &parts, exchange);
    operation_state
        .counters
        .finished(result.as_ref().map(|_| ()).map_err(Error::kind), started.elapsed());
    let page = result?;
    state.pages += 1;
    let stop = |message: String| Some(Error::untyped(ErrorInner::new(ErrorKind::Pagination, spec, message)));
    match follow {
        None => {}
        Some(Err(message)) => state.failed = stop(message),
        Some(Ok(FollowUp { next, items })) => {
            state.items += items;
            let key = match &next {
                Some(Next::Query(_, value)) => Some(value.clone()),
                Some(Next::Url(url)) => Some(url.to_string()),
                Some(Next::First) | None => None,
            };
            if key.is_some() && key == state.seen_cursor {
                let key = key.unwrap_or_default();
                state.failed = stop(format!(
                    "the server sent the same next page twice ({key}); stopping instead of looping"
                ));
            } else {
                state.seen_cursor = key;
                state.next = next;
            }
        }
    }
    Ok(page)
}

/// What a page says about the next one.
struct FollowUp {
    next: Option<Next>,
    items: usize,
}

/// The page size the request asked for, if the strategy has a size parameter and it was set.
fn page_size(strategy: &Pagination, parts: &RequestParts) -> Option<usize> {
    let name = match strategy {
        Pagination::Offset { limit, .. } => (*limit)?,
        Pagination::PageNumber { per_page, .. } => (*per_page)?,
        _ => return None,
    };
    parts
        .query
        .iter()
        .find(|(key, _)| key == name)
        .and_then(|(_, value)| value.parse().ok())
}

/// Works out the next request from a successful page.
fn follow_up<O: Paginated>(
    client: &Client,
    requested: &reqwest::Url,
    headers: &HeaderMap,
    body: &[u8],
    current: &Next,
    page_size: Option<usize>,
) -> Result<FollowUp, String> {
    let spec = O::PAGINATION;
    // The page was decoded into its typed items already: only the few values the next request
    // needs are read here, the rest of the body checked and skipped rather than built.
    let blank = body.iter().all(u8::is_ascii_whitespace);
    let not_json = |err: serde_json::Error| format!("the page is not JSON: {err}");
    let value_at = |pointer: &str| {
        if blank {
            Ok(None)
        } else {
            json_at::checked_value_at(body, pointer).map_err(not_json)
        }
    };
    let last_field = match spec.strategy {
        Pagination::LastItem { field, .. } => Some(field),
        _ => None,
    };
    let (count, last_field) = if blank {
        (0, None)
    } else {
        match json_at::items_at(body, spec.items, last_field).map_err(not_json)? {
            Items::Array { count, last_field } => (count, last_field),
            Items::None => (0, None),
            Items::NotArray => return Err(format!("the page's items at `{}` are not an array", spec.items)),
        }
    };
    let next = match spec.strategy {
        Pagination::LinkHeader => link_next(headers)
            .map(|target| same_origin(client, requested, &target))
            .transpose()?
            .map(Next::Url),
        Pagination::NextUrl { url } => match value_at(url)? {
            Some(Value::String(target)) if !target.is_empty() => {
                Some(Next::Url(same_origin(client, requested, &target)?))
            }
            _ => None,
        },
        Pagination::Cursor { param, next } => match value_at(next)? {
            Some(Value::String(cursor)) if !cursor.is_empty() => Some(Next::Query(param, cursor)),
            Some(Value::Number(cursor)) => Some(Next::Query(param, cursor.to_string())),
            _ => None,
        },
        Pagination::LastItem { param, field, has_more } => {
            let more = match has_more {
                Some(pointer) => value_at(pointer)?.and_then(|v| v.as_bool()).unwrap_or(false),
                None => count > 0,
            };
            if count > 0 && more {
                match last_field {
                    Some(Value::String(id)) => Some(Next::Query(param, id)),
                    Some(Value::Number(id)) => Some(Next::Query(param, id.to_string())),
                    _ => return Err(format!("the last item has no `{field}` to continue from")),
                }
            } else {
                None
            }
        }
        Pagination::Offset { offset, .. } => {
            let done = count == 0 || page_size.is_some_and(|size| count < size);
            let current = match current {
                Next::Query(_, value) => value.parse::<u64>().unwrap_or(0),
                _ => 0,
            };
            (!done).then(|| Next::Query(offset, (current + count as u64).to_string()))
        }
        Pagination::PageNumber { page: param, first, .. } => {
            let done = count == 0 || page_size.is_some_and(|size| count < size);
            let current = match current {
                Next::Query(_, value) => value.parse::<u64>().unwrap_or(first),
                _ => first,
            };
            (!done).then(|| Next::Query(param, (current + 1).to_string()))
        }
    };
    Ok(FollowUp { next, items: count })
}

/// The `rel="next"` target of a `Link` header (RFC 8288), if any.
pub(crate) fn link_next(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let Ok(text) = value.to_str() else { continue };
        for link in split_links(text) {
            let Some((target, params)) = link.trim().strip_prefix('<').and_then(|rest| rest.split_once('>')) else {
                continue;
            };
            let is_next = params.split(';').any(|param| {
                let Some((key, value)) = param.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|rel| rel.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.to_owned());
            }
        }
    }
    None
}

/// Splits a `Link` header at the commas between links (not those inside `<...>` or quotes).
fn split_links(text: &str) -> Vec<&str> {
    let mut links = Vec::new();
    let (mut in_target, mut in_quotes, mut start) = (false, false, 0);
    for (at, c) in text.char_indices() {
        match c {
            '<' if !in_quotes => in_target = true,
            '>' if !in_quotes => in_target = false,
            '"' if !in_target => in_quotes = !in_quotes,
            ',' if !in_target && !in_quotes => {
                links.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    links.push(&text[start..]);
    links
}

/// Resolves a next-page URL against the URL just requested and refuses one on another origin:
/// the client's credentials go with every page, so they must not be sent to a host the spec
/// does not name.
fn same_origin(client: &Client, requested: &reqwest::Url, target: &str) -> Result<reqwest::Url, String> {
    let url = requested
        .join(target)
        .map_err(|err| format!("the next page URL `{target}` does not parse: {err}"))?;
    if url.origin() != requested.origin() {
        return Err(format!(
            "the next page URL points at {}, not at {} where the first page came from; not following it",
            client.redacted(&url),
            requested.origin().ascii_serialization()
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn finds_the_next_link_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::LINK,
            HeaderValue::from_static(
                r#"<https://api.example.com/r?page=1>; rel="prev", <https://api.example.com/r?page=3&a=b,c>; rel="next", <https://api.example.com/r?page=9>; rel="last""#,
            ),
        );
        assert_eq!(
            link_next(&headers).as_deref(),
            Some("https://api.example.com/r?page=3&a=b,c")
        );
    }

    #[test]
    fn no_next_link_on_the_last_page() {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::LINK,
            HeaderValue::from_static(r#"<https://api.example.com/r?page=1>; rel="first", <https://x>; rel="prev""#),
        );
        assert_eq!(link_next(&headers), None);
        assert_eq!(link_next(&HeaderMap::new()), None);
        headers.insert(reqwest::header::LINK, HeaderValue::from_static("garbage <; rel=next"));
        assert_eq!(link_next(&headers), None);
    }

    #[test]
    fn relation_lists_and_unquoted_values_count() {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::LINK,
            HeaderValue::from_static("</items?after=9>; REL=\"last next\""),
        );
        assert_eq!(link_next(&headers).as_deref(), Some("/items?after=9"));
    }
}
