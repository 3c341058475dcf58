//! JSON pointers (RFC 6901).

use serde_json::Value;

/// Escapes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token of a JSON pointer, including percent-encoding as found in
/// URI fragments.
pub(crate) fn unescape_token(token: &str) -> String {
    let decoded = percent_decode(token);
    decoded.replace("~1", "/").replace("~0", "~")
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
        let token = unescape_token(raw);
        current = match current {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
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
}
