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

/// Unescapes one reference token of a JSON pointer (`~1` → `/`, `~0` → `~`), borrowing it when
/// it has nothing to unescape.
pub fn unescape_token(token: &str) -> Cow<'_, str> {
    if !token.contains('~') {
        return Cow::Borrowed(token);
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            (other, _) => out.push(other),
        }
    }
    Cow::Owned(out)
}

/// As [`unescape_token`], for a token of a URI fragment (a `$ref`'s part after `#`), which may
/// also be percent-encoded.
pub(crate) fn unescape_fragment_token(token: &str) -> Cow<'_, str> {
    if !token.contains('%') {
        return unescape_token(token);
    }
    Cow::Owned(unescape_token(&percent_decode(token)).into_owned())
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
        let token = unescape_fragment_token(raw);
        current = match current {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// How many `$ref`s in a row are followed before a chain is taken for a cycle; the one limit of
/// every reference follower ([`resolve_refs`], [`resolve_reference`], [`follow_refs`]).
pub const MAX_REF_HOPS: usize = 16;

/// What a chain of local `$ref`s leads to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Resolved<'a> {
    /// The value at the end of the chain (not a `$ref`).
    pub value: &'a Value,
    /// The last reference followed (`#/components/...`), which says where `value` sits; `None`
    /// when the value was not a reference.
    pub reference: Option<&'a str>,
}

/// Follows local `$ref`s (`#/...`; the loader has bundled the rest into the document) from
/// `value` to what they point at. `None` when a reference does not resolve (or is not local),
/// or the chain is longer than [`MAX_REF_HOPS`] (a cycle).
pub fn resolve_refs<'a>(root: &'a Value, value: &'a Value) -> Option<Resolved<'a>> {
    let (end, complete) = chase(root, value, None);
    complete.then_some(end)
}

/// As [`resolve_refs`], from a reference string (`#/components/parameters/id`).
pub fn resolve_reference<'a>(root: &'a Value, reference: &'a str) -> Option<Resolved<'a>> {
    let target = resolve_pointer(root, reference.strip_prefix('#')?)?;
    let (end, complete) = chase(root, target, Some(reference));
    complete.then_some(end)
}

/// As [`resolve_refs`], but a reference that does not resolve, or a chain longer than
/// [`MAX_REF_HOPS`], stops at the last value reached.
pub fn follow_refs<'a>(root: &'a Value, value: &'a Value) -> &'a Value {
    chase(root, value, None).0.value
}

/// The one loop behind the followers: where the chain from `value` (reached through
/// `reference`) ends, and whether it ended at a value that is not a reference.
fn chase<'a>(root: &'a Value, mut value: &'a Value, mut reference: Option<&'a str>) -> (Resolved<'a>, bool) {
    for _ in 0..MAX_REF_HOPS {
        let Some(next) = value.get("$ref").and_then(Value::as_str) else {
            return (Resolved { value, reference }, true);
        };
        match next
            .strip_prefix('#')
            .and_then(|pointer| resolve_pointer(root, pointer))
        {
            Some(target) => {
                value = target;
                reference = Some(next);
            }
            None => return (Resolved { value, reference }, false),
        }
    }
    let complete = value.get("$ref").and_then(Value::as_str).is_none();
    (Resolved { value, reference }, complete)
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
        let end = resolve_refs(&doc, &doc["a"]).unwrap();
        assert_eq!((end.value, end.reference), (&doc["c/d"], Some("#/c~1d")));
        assert_eq!(resolve_refs(&doc, &doc["c/d"]).unwrap().reference, None);
        assert_eq!(resolve_refs(&doc, &doc["loop"]), None);
        assert_eq!(resolve_refs(&doc, &doc["dangling"]), None);
        let end = resolve_reference(&doc, "#/b").unwrap();
        assert_eq!((end.value, end.reference), (&doc["c/d"], Some("#/c~1d")));
        assert_eq!(resolve_reference(&doc, "#/c~1d").unwrap().reference, Some("#/c~1d"));
        assert_eq!(resolve_reference(&doc, "#/nowhere"), None);
    }

    #[test]
    fn escapes_tokens() {
        assert_eq!(escape_token("/pets/{id}"), "~1pets~1{id}");
        assert_eq!(escape_token("a~b"), "a~0b");
        assert_eq!(escape_token("plain"), "plain");
        let mut pointer = "#/paths".to_owned();
        push_token(&mut pointer, "/a~b");
        assert_eq!(pointer, "#/paths/~1a~0b");
        assert_eq!(unescape_fragment_token("~1a~0b%20c"), "/a~b c");
        assert_eq!(unescape_token("~1a~0b%20c"), "/a~b%20c");
        assert_eq!(unescape_token("~01"), "~1");
        assert_eq!(unescape_token("a~b"), "a~b");
        assert!(matches!(unescape_token("plain"), Cow::Borrowed("plain")));
    }
}
