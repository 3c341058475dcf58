//! JSON pointers (RFC 6901).

use std::borrow::Cow;

use serde_json::Value;

/// Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    let mut out = String::with_capacity(token.len());
    push_escaped(&mut out, token);
    out
}

/// Appends `/` and the escaped `token` to `pointer`, without an intermediate string.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    push_escaped(pointer, token);
}

fn push_escaped(pointer: &mut String, token: &str) {
    if !token.contains(['~', '/']) {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}

/// Unescapes one reference token of a JSON pointer, including percent-encoding as found in
/// URI fragments.
pub(crate) fn unescape_token(token: &str) -> String {
    unescape(token).into_owned()
}

/// As [`unescape_token`], borrowing the token when it has nothing to unescape (most do).
fn unescape(token: &str) -> Cow<'_, str> {
    if !token.contains(['~', '%']) {
        return Cow::Borrowed(token);
    }
    let decoded = percent_decode(token);
    Cow::Owned(decoded.replace("~1", "/").replace("~0", "~"))
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Follows a JSON pointer such as `/components/schemas/Pet` (the part of a `$ref` after `#`).
///
/// Returns `None` when any token does not resolve.
pub fn resolve_pointer<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut current = root;
    for raw in rest.split('/') {
        let token = unescape(raw);
        current = match current {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// How many `$ref`s in a row [`follow_refs`] follows before it stops (a cycle of references).
const MAX_REF_HOPS: usize = 16;

/// Follows local `$ref`s (`#/...`; the loader has bundled the rest into the document) from
/// `value` to what they point at. A reference that does not resolve, or a chain longer than
/// sixteen hops, stops at the last value reached.
pub fn follow_refs<'a>(root: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_REF_HOPS {
        let Some(pointer) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|reference| reference.strip_prefix('#'))
        else {
            return value;
        };
        match resolve_pointer(root, pointer) {
            Some(target) => value = target,
            None => return value,
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_escaped_tokens() {
        let doc = serde_json::json!({"paths": {"/pets/{id}": {"get": 1}}, "a": [0, {"b~c": 2}]});
        assert_eq!(
            resolve_pointer(&doc, "/paths/~1pets~1{id}/get"),
            Some(&serde_json::json!(1))
        );
        assert_eq!(resolve_pointer(&doc, "/a/1/b~0c"), Some(&serde_json::json!(2)));
        assert_eq!(
            resolve_pointer(&doc, "/paths/~1pets~1%7Bid%7D/get"),
            Some(&serde_json::json!(1))
        );
        assert_eq!(resolve_pointer(&doc, "/a/7"), None);
        assert_eq!(resolve_pointer(&doc, "nope"), None);
    }

    #[test]
    fn follows_chains_of_references_and_stops_at_a_cycle() {
        let doc = serde_json::json!({
            "a": {"$ref": "#/b"},
            "b": {"$ref": "#/c~1d"},
            "c/d": {"type": "string"},
            "loop": {"$ref": "#/loop"},
            "dangling": {"$ref": "#/nowhere"},
        });
        assert_eq!(follow_refs(&doc, &doc["a"]), &serde_json::json!({"type": "string"}));
        assert_eq!(follow_refs(&doc, &doc["loop"]), &doc["loop"]);
        assert_eq!(follow_refs(&doc, &doc["dangling"]), &doc["dangling"]);
        assert_eq!(follow_refs(&doc, &doc["c/d"]), &doc["c/d"]);
    }

    #[test]
    fn escapes_tokens() {
        assert_eq!(escape_token("/pets/{id}"), "~1pets~1{id}");
        assert_eq!(escape_token("a~b"), "a~0b");
        assert_eq!(escape_token("plain"), "plain");
        let mut pointer = "#/paths".to_owned();
        push_token(&mut pointer, "/a~b");
        assert_eq!(pointer, "#/paths/~1a~0b");
        assert_eq!(unescape_token("~1a~0b%20c"), "/a~b c");
    }
}
