//! Which operations are paginated, and how: from the attribute, from a spec extension
//! (`x-conductor-pagination`, `x-speakeasy-pagination`, `x-fern-pagination`), or detected from
//! the operation's query parameters and its success response.
//!
//! Detection rules, in order (the first that applies wins; see the README's "Pagination"):
//!
//! 1. the success response declares a `Link` header → `link`;
//! 2. the body has a string field `next_page_uri`, `next_page_url`, `next_url`, `nextLink`,
//!    `@odata.nextLink`, `nextPageUrl` or `next` (format `uri`) → `next_url`;
//! 3. a `starting_after` query parameter and a boolean `has_more` in the body → `last_item`
//!    (Stripe);
//! 4. a cursor query parameter (`cursor`, `page_token`, `pageToken`, `next_page_token`,
//!    `next_token`, `nextToken`, `continuation_token`, `start_cursor`, `after`) and a string
//!    field in the body, at most two levels deep, named `next_cursor`, `nextCursor`,
//!    `next_page_token`, `nextPageToken`, `next_token`, `nextToken`, `continuation_token` or
//!    `end_cursor` → `cursor`;
//! 5. an `offset` or `page` query parameter whose value is a string is a token from the previous
//!    page: → `cursor` when the body has a string field of the same name (Asana's
//!    `next_page.offset`), of that name after `next_` (Stripe's search `next_page`) or of a cursor
//!    name of rule 4, at most two levels deep; else not paginated;
//! 6. an `offset` query parameter → `offset` (with `limit` as the page size when present);
//! 7. a `page` query parameter → `page` (with `per_page`, `page_size`, `pageSize` or `limit`).
//!
//! Every rule also needs the items: the body itself when it is an array, else the one array
//! field of the body (or, among several, `data`, `items`, `results`, `entries`, `values`,
//! `records`, `value`).

use conductor_spec::follow_refs as resolve;
use serde_json::{Map, Value};

/// How an operation's pages link; mirrors the runtime's `Pagination`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Strategy {
    LinkHeader,
    Cursor {
        param: String,
        next: String,
    },
    LastItem {
        param: String,
        field: String,
        has_more: Option<String>,
    },
    NextUrl {
        url: String,
    },
    Offset {
        offset: String,
        limit: Option<String>,
    },
    PageNumber {
        page: String,
        per_page: Option<String>,
        first: u64,
    },
}

/// A paginated operation: the strategy, where the items are, and who decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pagination {
    pub(crate) strategy: Strategy,
    /// JSON pointer to the items array (`""`: the body is the array).
    pub(crate) items: String,
    /// `attribute`, the extension's name, or `detected`.
    pub(crate) source: &'static str,
}

impl Pagination {
    /// One line for docs and `expand`: strategy, parameters and items.
    pub(crate) fn describe(&self) -> String {
        let items = if self.items.is_empty() {
            "the body".to_owned()
        } else {
            format!("`{}`", self.items)
        };
        let how = match &self.strategy {
            Strategy::LinkHeader => "the `Link` header's `rel=\"next\"` URL".to_owned(),
            Strategy::Cursor { param, next } => format!("the cursor at `{next}` sent as `{param}`"),
            Strategy::LastItem { param, field, has_more } => match has_more {
                Some(flag) => format!("the last item's `{field}` sent as `{param}` while `{flag}` is true"),
                None => format!("the last item's `{field}` sent as `{param}` until a page is empty"),
            },
            Strategy::NextUrl { url } => format!("the next page URL at `{url}`"),
            Strategy::Offset { offset, limit } => match limit {
                Some(limit) => format!("`{offset}` advanced by the items received (page size `{limit}`)"),
                None => format!("`{offset}` advanced by the items received"),
            },
            Strategy::PageNumber { page, per_page, first } => match per_page {
                Some(size) => format!("`{page}` counted from {first} (page size `{size}`)"),
                None => format!("`{page}` counted from {first}"),
            },
        };
        format!("pages follow {how}; items in {items} ({})", self.source)
    }
}

/// What detection looks at: the operation's query parameter names and its success response.
pub(crate) struct Inputs<'a> {
    pub(crate) raw: &'a Value,
    /// The operation's object in the document.
    pub(crate) operation: &'a Value,
    pub(crate) query_params: Vec<&'a str>,
    /// The query parameters whose values are strings (an `offset` or `page` that is a string is
    /// a token the server hands out, not a number to count with).
    pub(crate) text_params: Vec<&'a str>,
}

/// A pagination declaration of the settings, parsed (once, when the settings are checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    /// `"none"`: the operation is not paginated, whatever the spec says.
    Off,
    /// A strategy, and the pointer to the items when the declaration names them (else they are
    /// looked for in the response).
    On { strategy: Strategy, items: Option<String> },
}

/// Parses a declaration of the settings: `"none"`, or `"cursor param=cursor next=/next"`...
/// `Err` says what is wrong with it.
pub(crate) fn parse_declaration(text: &str) -> Result<Declared, String> {
    if text.trim() == "none" {
        return Ok(Declared::Off);
    }
    let declared = parse_attribute(text)?;
    let (strategy, items) = strategy_of(&declared)?;
    Ok(Declared::On { strategy, items })
}

/// The pagination of one operation. `Ok(None)`: not paginated. `Err`: a declaration (extension
/// or attribute) that cannot be used, with the reason.
pub(crate) fn decide(inputs: &Inputs<'_>, attribute: Option<&Declared>) -> Result<Option<Pagination>, String> {
    let body = success_body(inputs);
    match attribute {
        Some(Declared::Off) => return Ok(None),
        Some(Declared::On { strategy, items }) => {
            return with_items(strategy.clone(), items.clone(), &body, "attribute").map(Some)
        }
        None => {}
    }
    let extensions = inputs.operation.as_object();
    let extension = |name: &str| extensions.and_then(|o| o.get(name));
    if let Some(value) = extension("x-conductor-pagination") {
        if value == &Value::Bool(false) {
            return Ok(None);
        }
        let Value::Object(declared) = value else {
            return Err("`x-conductor-pagination` must be an object or `false`".to_owned());
        };
        return from_conductor(declared, body, "x-conductor-pagination").map(Some);
    }
    if let Some(value) = extension("x-speakeasy-pagination") {
        return from_speakeasy(value, body).map(Some);
    }
    if let Some(value) = extension("x-fern-pagination") {
        return from_fern(value, body).map(Some);
    }
    Ok(detect(inputs, body))
}

/// The success response's JSON schema (resolved) and whether it declares a `Link` header.
struct SuccessBody<'a> {
    schema: Option<&'a Value>,
    link_header: bool,
    raw: &'a Value,
}

fn success_body<'a>(inputs: &Inputs<'a>) -> SuccessBody<'a> {
    let raw = inputs.raw;
    let response = inputs
        .operation
        .get("responses")
        .and_then(Value::as_object)
        .and_then(|responses| {
            responses
                .iter()
                .find(|(code, _)| code.starts_with('2'))
                .map(|(_, response)| resolve(raw, response))
        });
    let link_header = response
        .and_then(|r| r.get("headers"))
        .and_then(Value::as_object)
        .is_some_and(|headers| headers.keys().any(|name| name.eq_ignore_ascii_case("link")));
    let schema = response
        .and_then(|r| r.get("content"))
        .and_then(Value::as_object)
        .and_then(|content| {
            content
                .iter()
                .find(|(media, _)| media.to_ascii_lowercase().contains("json"))
                .map(|(_, media)| media)
        })
        .and_then(|media| media.get("schema"))
        .map(|schema| resolve(raw, schema));
    SuccessBody {
        schema,
        link_header,
        raw,
    }
}

/// The properties of an object schema, `allOf` members included.
fn properties<'a>(raw: &'a Value, schema: &'a Value) -> Vec<(&'a str, &'a Value)> {
    let mut out = Vec::new();
    collect_properties(raw, schema, &mut out, 0);
    out
}

fn collect_properties<'a>(raw: &'a Value, schema: &'a Value, out: &mut Vec<(&'a str, &'a Value)>, depth: usize) {
    let schema = resolve(raw, schema);
    if depth > 8 {
        return;
    }
    if let Some(map) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in map {
            if !out.iter().any(|(seen, _)| *seen == name) {
                out.push((name, resolve(raw, property)));
            }
        }
    }
    if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
        for member in members {
            collect_properties(raw, member, out, depth + 1);
        }
    }
}

fn is_type(schema: &Value, wanted: &str) -> bool {
    match schema.get("type") {
        Some(Value::String(ty)) => ty == wanted,
        Some(Value::Array(types)) => types.iter().any(|t| t == wanted),
        None => wanted == "object" && schema.get("properties").is_some(),
        _ => false,
    }
}

/// Where the items are: `""` for an array body, else `/field` for the body's items array.
fn find_items(body: &SuccessBody<'_>) -> Option<String> {
    let schema = body.schema?;
    if is_type(schema, "array") {
        return Some(String::new());
    }
    let arrays: Vec<&str> = properties(body.raw, schema)
        .into_iter()
        .filter(|(_, property)| is_type(property, "array"))
        .map(|(name, _)| name)
        .collect();
    let chosen = match arrays.as_slice() {
        [only] => Some(*only),
        several => ["data", "items", "results", "entries", "values", "records", "value"]
            .into_iter()
            .find(|preferred| several.contains(preferred)),
    };
    chosen.map(|name| format!("/{}", conductor_spec::escape_token(name)))
}

/// A string field of the body, searched two levels deep, by the first matching name.
fn find_field(body: &SuccessBody<'_>, names: &[&str], wanted_type: &str) -> Option<String> {
    let schema = body.schema?;
    let top = properties(body.raw, schema);
    for name in names {
        if let Some((field, property)) = top.iter().find(|(field, _)| field == name) {
            if is_type(property, wanted_type) {
                return Some(format!("/{}", conductor_spec::escape_token(field)));
            }
        }
    }
    for (parent, property) in &top {
        if !is_type(property, "object") {
            continue;
        }
        let nested = properties(body.raw, property);
        for name in names {
            if let Some((field, child)) = nested.iter().find(|(field, _)| field == name) {
                if is_type(child, wanted_type) {
                    return Some(format!(
                        "/{}/{}",
                        conductor_spec::escape_token(parent),
                        conductor_spec::escape_token(field)
                    ));
                }
            }
        }
    }
    None
}

fn detect(inputs: &Inputs<'_>, body: SuccessBody<'_>) -> Option<Pagination> {
    let items = find_items(&body)?;
    let query = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| inputs.query_params.iter().find(|param| *param == name))
            .map(|param| (*param).to_owned())
    };
    let found = |strategy| {
        Some(Pagination {
            strategy,
            items: items.clone(),
            source: "detected",
        })
    };
    if body.link_header {
        return found(Strategy::LinkHeader);
    }
    let next_urls = [
        "next_page_uri",
        "next_page_url",
        "next_url",
        "nextLink",
        "@odata.nextLink",
        "nextPageUrl",
    ];
    if let Some(url) = find_field(&body, &next_urls, "string") {
        return found(Strategy::NextUrl { url });
    }
    if let Some(schema) = body.schema {
        let next_uri = properties(body.raw, schema).into_iter().any(|(name, property)| {
            name == "next" && is_type(property, "string") && property.get("format").is_some_and(|f| f == "uri")
        });
        if next_uri {
            return found(Strategy::NextUrl {
                url: "/next".to_owned(),
            });
        }
    }
    if let Some(param) = query(&["starting_after"]) {
        if let Some(has_more) = find_field(&body, &["has_more"], "boolean") {
            return found(Strategy::LastItem {
                param,
                field: "id".to_owned(),
                has_more: Some(has_more),
            });
        }
    }
    let cursor_params = [
        "cursor",
        "page_token",
        "pageToken",
        "next_page_token",
        "next_token",
        "nextToken",
        "continuation_token",
        "start_cursor",
        "after",
    ];
    let cursor_fields = [
        "next_cursor",
        "nextCursor",
        "next_page_token",
        "nextPageToken",
        "next_token",
        "nextToken",
        "continuation_token",
        "end_cursor",
    ];
    if let (Some(param), Some(next)) = (query(&cursor_params), find_field(&body, &cursor_fields, "string")) {
        return found(Strategy::Cursor { param, next });
    }
    // An `offset` or `page` given as a string is a token from the previous page (Asana's
    // `offset`, answered in `next_page.offset`; Stripe's search `page`, answered in `next_page`):
    // a cursor when the body says where the next one is, else nothing that can be counted.
    for name in ["offset", "page"] {
        if let Some(param) = query(&[name]).filter(|param| inputs.text_params.contains(&param.as_str())) {
            let next_name = format!("next_{name}");
            let next = find_field(&body, &[name, next_name.as_str()], "string")
                .or_else(|| find_field(&body, &cursor_fields, "string"));
            return next.and_then(|next| found(Strategy::Cursor { param, next }));
        }
    }
    if let Some(offset) = query(&["offset"]) {
        return found(Strategy::Offset {
            offset,
            limit: query(&["limit"]),
        });
    }
    if let Some(page) = query(&["page"]) {
        return found(Strategy::PageNumber {
            page,
            per_page: query(&["per_page", "page_size", "pageSize", "limit"]),
            first: 1,
        });
    }
    None
}

/// `key=value` pairs separated by spaces or commas, the first word being the strategy:
/// `"cursor param=cursor next=/response_metadata/next_cursor items=/channels"`.
fn parse_attribute(text: &str) -> Result<Map<String, Value>, String> {
    let mut declared = Map::new();
    for (index, word) in text.split([' ', ',']).filter(|w| !w.is_empty()).enumerate() {
        match word.split_once('=') {
            Some((key, value)) => {
                declared.insert(key.to_owned(), Value::String(value.to_owned()));
            }
            None if index == 0 => {
                declared.insert("strategy".to_owned(), Value::String(word.to_owned()));
            }
            None => return Err(format!("`{word}` is not `key=value`")),
        }
    }
    Ok(declared)
}

/// Our own declaration (extension or attribute):
/// `{"strategy": "cursor", "param": "cursor", "next": "/meta/next", "items": "/data"}`.
fn from_conductor(
    declared: &Map<String, Value>,
    body: SuccessBody<'_>,
    source: &'static str,
) -> Result<Pagination, String> {
    let (strategy, items) = strategy_of(declared)?;
    with_items(strategy, items, &body, source)
}

/// The strategy of our own declaration, and its `items` pointer when it names one.
fn strategy_of(declared: &Map<String, Value>) -> Result<(Strategy, Option<String>), String> {
    let text = |key: &str| declared.get(key).and_then(Value::as_str).map(str::to_owned);
    let required =
        |key: &str, strategy: &str| text(key).ok_or_else(|| format!("the `{strategy}` pagination needs `{key}`"));
    let Some(strategy) = text("strategy") else {
        return Err(
            "the pagination declaration needs a `strategy`: link, cursor, last_item, next_url, offset or page"
                .to_owned(),
        );
    };
    let strategy = match strategy.as_str() {
        "link" => Strategy::LinkHeader,
        "cursor" => Strategy::Cursor {
            param: required("param", "cursor")?,
            next: pointer(&required("next", "cursor")?),
        },
        "last_item" => Strategy::LastItem {
            param: required("param", "last_item")?,
            field: text("field").unwrap_or_else(|| "id".to_owned()),
            has_more: text("has_more").map(|p| pointer(&p)),
        },
        "next_url" => Strategy::NextUrl {
            url: pointer(&required("url", "next_url")?),
        },
        "offset" => Strategy::Offset {
            offset: required("offset", "offset")?,
            limit: text("limit"),
        },
        "page" => Strategy::PageNumber {
            page: required("page", "page")?,
            per_page: text("per_page"),
            first: match declared.get("first") {
                None => 1,
                Some(Value::Number(n)) => n.as_u64().ok_or("`first` must be a whole number")?,
                Some(Value::String(s)) => s
                    .parse()
                    .map_err(|_| format!("`first` must be a whole number, not `{s}`"))?,
                Some(_) => return Err("`first` must be a whole number".to_owned()),
            },
        },
        other => {
            return Err(format!(
                "unknown pagination strategy `{other}`; expected link, cursor, last_item, next_url, offset or page"
            ))
        }
    };
    Ok((strategy, text("items").map(|items| pointer(&items))))
}

/// A pagination with its items: those named, else the array found in the success response.
fn with_items(
    strategy: Strategy,
    items: Option<String>,
    body: &SuccessBody<'_>,
    source: &'static str,
) -> Result<Pagination, String> {
    let items = match items {
        Some(items) => items,
        None => find_items(body).ok_or("the items array was not found in the response; name it with `items`")?,
    };
    Ok(Pagination {
        strategy,
        items,
        source,
    })
}

/// `x-speakeasy-pagination`: `{type: cursor|offsetLimit|url, inputs: [{name, in, type}],
/// outputs: {results, nextCursor, nextUrl}}`.
fn from_speakeasy(value: &Value, body: SuccessBody<'_>) -> Result<Pagination, String> {
    const NAME: &str = "x-speakeasy-pagination";
    let kind = value.get("type").and_then(Value::as_str).unwrap_or_default();
    let input = |wanted: &str| {
        value
            .get("inputs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|input| input.get("type").and_then(Value::as_str) == Some(wanted))
            .and_then(|input| input.get("name").and_then(Value::as_str))
            .map(str::to_owned)
    };
    let output = |key: &str| value.get("outputs").and_then(|o| o.get(key)).and_then(Value::as_str);
    let items = match output("results") {
        Some(path) => json_path(path)?,
        None => find_items(&body).ok_or(format!("`{NAME}` names no `results` and none were found"))?,
    };
    let strategy = match kind {
        "cursor" => {
            let param = input("cursor").ok_or(format!("`{NAME}` has no cursor input"))?;
            let next = output("nextCursor").ok_or(format!("`{NAME}` has no `nextCursor` output"))?;
            match next.rsplit_once("[-1].") {
                Some((_, field)) => Strategy::LastItem {
                    param,
                    field: field.to_owned(),
                    has_more: None,
                },
                None => Strategy::Cursor {
                    param,
                    next: json_path(next)?,
                },
            }
        }
        "offsetLimit" => match (input("page"), input("offset")) {
            (Some(page), _) => Strategy::PageNumber {
                page,
                per_page: input("limit"),
                first: 1,
            },
            (None, Some(offset)) => Strategy::Offset {
                offset,
                limit: input("limit"),
            },
            (None, None) => return Err(format!("`{NAME}` offsetLimit has no page or offset input")),
        },
        "url" => Strategy::NextUrl {
            url: json_path(output("nextUrl").ok_or(format!("`{NAME}` has no `nextUrl` output"))?)?,
        },
        other => {
            return Err(format!(
                "`{NAME}` type `{other}` is not supported (cursor, offsetLimit, url)"
            ))
        }
    };
    Ok(Pagination {
        strategy,
        items,
        source: NAME,
    })
}

/// `x-fern-pagination`: `{cursor: $request.x, next_cursor: $response.y, results: $response.z}`
/// or `{offset: $request.x, results: $response.z}`.
fn from_fern(value: &Value, body: SuccessBody<'_>) -> Result<Pagination, String> {
    const NAME: &str = "x-fern-pagination";
    let field = |key: &str| value.get(key).and_then(Value::as_str);
    let request = |path: &str| {
        path.strip_prefix("$request.")
            .map(str::to_owned)
            .ok_or(format!("`{NAME}` expects `$request.` in `{path}`"))
    };
    let items = match field("results") {
        Some(path) => json_path(path)?,
        None => find_items(&body).ok_or(format!("`{NAME}` names no `results` and none were found"))?,
    };
    let strategy = if let Some(cursor) = field("cursor") {
        let next = field("next_cursor").ok_or(format!("`{NAME}` has `cursor` but no `next_cursor`"))?;
        Strategy::Cursor {
            param: request(cursor)?,
            next: json_path(next)?,
        }
    } else if let Some(offset) = field("offset") {
        let param = request(offset)?;
        let size = field("step").map(request).transpose()?;
        if param.to_ascii_lowercase().contains("page") {
            Strategy::PageNumber {
                page: param,
                per_page: size,
                first: 1,
            }
        } else {
            Strategy::Offset {
                offset: param,
                limit: size,
            }
        }
    } else {
        return Err(format!("`{NAME}` has neither `cursor` nor `offset`"));
    };
    Ok(Pagination {
        strategy,
        items,
        source: NAME,
    })
}

/// `$.a.b`, `$response.a.b` or `a.b` → `/a/b`.
fn json_path(path: &str) -> Result<String, String> {
    let rest = path
        .strip_prefix("$response")
        .or_else(|| path.strip_prefix('$'))
        .unwrap_or(path)
        .trim_start_matches('.');
    if rest.contains(['[', '*', '?']) {
        return Err(format!("the JSONPath `{path}` is more than a chain of field names"));
    }
    Ok(rest
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{}", conductor_spec::escape_token(s)))
        .collect())
}

/// A JSON pointer as written, or a dotted path (`meta.next`) turned into one.
fn pointer(text: &str) -> String {
    if text.is_empty() || text.starts_with('/') {
        text.to_owned()
    } else {
        json_path(text).unwrap_or_else(|_| format!("/{text}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A cursor strategy, as the tests expect it.
    fn cursor(param: &str, next: &str) -> Strategy {
        Strategy::Cursor {
            param: param.into(),
            next: next.into(),
        }
    }

    fn decide_for(operation: &Value, raw: &Value, query: &[&str]) -> Result<Option<Pagination>, String> {
        decide_with_text(operation, raw, query, &[])
    }

    /// As `decide_for`, with the query parameters in `text` typed as strings.
    fn decide_with_text(
        operation: &Value,
        raw: &Value,
        query: &[&str],
        text: &[&str],
    ) -> Result<Option<Pagination>, String> {
        decide(
            &Inputs {
                raw,
                operation,
                query_params: query.to_vec(),
                text_params: text.to_vec(),
            },
            None,
        )
    }

    fn json_response(schema: Value) -> Value {
        json!({"responses": {"200": {"content": {"application/json": {"schema": schema}}}}})
    }

    #[test]
    fn github_lists_follow_the_link_header() {
        let operation = json!({"responses": {"200": {
            "headers": {"Link": {"$ref": "#/components/headers/link"}},
            "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}
        }}});
        let found = decide_for(&operation, &json!({}), &["per_page", "page"])
            .unwrap()
            .unwrap();
        assert_eq!(found.strategy, Strategy::LinkHeader);
        assert_eq!(found.items, "");
    }

    #[test]
    fn stripe_lists_continue_from_the_last_item() {
        let raw = json!({"components": {"schemas": {"List": {"type": "object", "properties": {
            "data": {"type": "array", "items": {}}, "has_more": {"type": "boolean"}, "url": {"type": "string"}
        }}}}});
        let operation = json_response(json!({"$ref": "#/components/schemas/List"}));
        let found = decide_for(&operation, &raw, &["limit", "starting_after", "ending_before"])
            .unwrap()
            .unwrap();
        assert_eq!(
            found.strategy,
            Strategy::LastItem {
                param: "starting_after".into(),
                field: "id".into(),
                has_more: Some("/has_more".into())
            }
        );
        assert_eq!(found.items, "/data");
    }

    #[test]
    fn zoom_pages_by_next_page_token() {
        let operation = json_response(json!({"type": "object", "properties": {
            "meetings": {"type": "array", "items": {}},
            "next_page_token": {"type": "string"},
            "page_size": {"type": "integer"}
        }}));
        let found = decide_for(&operation, &json!({}), &["page_size", "next_page_token", "page_number"])
            .unwrap()
            .unwrap();
        assert_eq!(found.strategy, cursor("next_page_token", "/next_page_token"));
        assert_eq!(found.items, "/meetings");
    }

    #[test]
    fn slack_cursors_are_found_one_level_down() {
        let operation = json_response(json!({"type": "object", "properties": {
            "ok": {"type": "boolean"},
            "channels": {"type": "array", "items": {}},
            "response_metadata": {"type": "object", "properties": {"next_cursor": {"type": "string"}}}
        }}));
        let found = decide_for(&operation, &json!({}), &["cursor", "limit"])
            .unwrap()
            .unwrap();
        assert_eq!(found.strategy, cursor("cursor", "/response_metadata/next_cursor"));
        assert_eq!(found.items, "/channels");
    }

    #[test]
    fn twilio_lists_follow_the_next_page_uri() {
        let operation = json_response(json!({"type": "object", "properties": {
            "messages": {"type": "array", "items": {}},
            "next_page_uri": {"type": "string", "format": "uri"},
            "page": {"type": "integer"}
        }}));
        let found = decide_for(&operation, &json!({}), &["PageSize", "Page", "PageToken"])
            .unwrap()
            .unwrap();
        assert_eq!(
            found.strategy,
            Strategy::NextUrl {
                url: "/next_page_uri".into()
            }
        );
        assert_eq!(found.items, "/messages");
    }

    #[test]
    fn offset_and_page_parameters() {
        let operation = json_response(json!({"type": "array", "items": {}}));
        let found = decide_for(&operation, &json!({}), &["offset", "limit"])
            .unwrap()
            .unwrap();
        assert_eq!(
            found.strategy,
            Strategy::Offset {
                offset: "offset".into(),
                limit: Some("limit".into())
            }
        );
        let found = decide_for(&operation, &json!({}), &["page", "per_page"])
            .unwrap()
            .unwrap();
        assert_eq!(
            found.strategy,
            Strategy::PageNumber {
                page: "page".into(),
                per_page: Some("per_page".into()),
                first: 1
            }
        );
    }

    #[test]
    fn a_string_offset_or_page_is_a_token_not_a_count() {
        // Asana: `offset` is a token answered in `next_page.offset`.
        let raw = json!({"components": {"schemas": {"NextPage": {"type": "object", "properties": {
            "offset": {"type": "string"}, "path": {"type": "string"}, "uri": {"type": "string"}
        }}}}});
        let operation = json_response(json!({"type": "object", "properties": {
            "data": {"type": "array", "items": {}},
            "next_page": {"$ref": "#/components/schemas/NextPage"}
        }}));
        let found = decide_with_text(&operation, &raw, &["limit", "offset"], &["offset"])
            .unwrap()
            .unwrap();
        assert_eq!(found.strategy, cursor("offset", "/next_page/offset"));
        assert_eq!(found.items, "/data");
        // Stripe's search: a string `page` answered in `next_page`.
        let operation = json_response(json!({"type": "object", "properties": {
            "data": {"type": "array", "items": {}}, "has_more": {"type": "boolean"},
            "next_page": {"type": "string", "nullable": true}
        }}));
        let found = decide_with_text(&operation, &json!({}), &["limit", "page"], &["page"])
            .unwrap()
            .unwrap();
        assert_eq!(found.strategy, cursor("page", "/next_page"));
        // A string page answered by a cursor field.
        let operation = json_response(json!({"type": "object", "properties": {
            "items": {"type": "array", "items": {}}, "next_cursor": {"type": "string"}
        }}));
        let found = decide_with_text(&operation, &json!({}), &["page"], &["page"])
            .unwrap()
            .unwrap();
        assert_eq!(found.strategy, cursor("page", "/next_cursor"));
        // A token whose next value the body does not document: not counted, not paginated.
        let operation =
            json_response(json!({"type": "object", "properties": {"data": {"type": "array", "items": {}}}}));
        assert_eq!(
            decide_with_text(&operation, &json!({}), &["offset", "limit"], &["offset"]).unwrap(),
            None
        );
    }

    #[test]
    fn not_paginated_without_items_or_parameters() {
        let operation = json_response(json!({"type": "object", "properties": {"id": {"type": "string"}}}));
        assert_eq!(decide_for(&operation, &json!({}), &["page"]).unwrap(), None);
        let operation = json_response(json!({"type": "array", "items": {}}));
        assert_eq!(decide_for(&operation, &json!({}), &["q"]).unwrap(), None);
    }

    #[test]
    fn extensions_win_over_detection() {
        let mut operation = json_response(json!({"type": "object", "properties": {
            "results": {"type": "array", "items": {}}, "meta": {"type": "object"}
        }}));
        operation["x-speakeasy-pagination"] = json!({
            "type": "cursor",
            "inputs": [{"name": "after", "in": "parameters", "type": "cursor"}],
            "outputs": {"nextCursor": "$.meta.next", "results": "$.results"}
        });
        let found = decide_for(&operation, &json!({}), &["page"]).unwrap().unwrap();
        assert_eq!(found.strategy, cursor("after", "/meta/next"));
        assert_eq!(found.source, "x-speakeasy-pagination");

        operation["x-fern-pagination"] = json!({"offset": "$request.page", "results": "$response.results"});
        operation.as_object_mut().unwrap().remove("x-speakeasy-pagination");
        let found = decide_for(&operation, &json!({}), &[]).unwrap().unwrap();
        assert!(matches!(found.strategy, Strategy::PageNumber { ref page, .. } if page == "page"));

        operation["x-conductor-pagination"] = json!(false);
        assert_eq!(decide_for(&operation, &json!({}), &["page"]).unwrap(), None);
        operation["x-conductor-pagination"] = json!({"strategy": "spiral"});
        assert!(decide_for(&operation, &json!({}), &[]).unwrap_err().contains("spiral"));
    }

    #[test]
    fn attribute_declarations() {
        let operation = json_response(json!({"type": "object", "properties": {"rows": {"type": "array"}}}));
        let inputs = Inputs {
            raw: &json!({}),
            operation: &operation,
            query_params: vec![],
            text_params: vec![],
        };
        let declared = parse_declaration("cursor param=after next=meta.next_cursor").unwrap();
        let found = decide(&inputs, Some(&declared)).unwrap().unwrap();
        assert_eq!(found.strategy, cursor("after", "/meta/next_cursor"));
        assert_eq!(found.items, "/rows");
        let off = parse_declaration("none").unwrap();
        assert_eq!(off, Declared::Off);
        assert_eq!(decide(&inputs, Some(&off)).unwrap(), None);
        assert!(parse_declaration("cursor next=/x").unwrap_err().contains("`param`"));
    }
}
