//! Reading one value out of a JSON body by JSON pointer without building the whole document:
//! everything off the pointer's path is checked and skipped, not allocated.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The value at `pointer` (RFC 6901, `""` for the whole body) in the JSON `body`; `None` when
/// the body is not JSON or nothing is there.
pub(crate) fn value_at(body: &[u8], pointer: &str) -> Option<Value> {
    let tokens: Vec<String> = match pointer.strip_prefix('/') {
        Some(rest) => rest
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
        None if pointer.is_empty() => Vec::new(),
        None => return None,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let found = At(&tokens).deserialize(&mut deserializer).ok()?;
    deserializer.end().ok()?;
    found
}

/// Reads the value the remaining tokens point at, skipping the rest.
struct At<'a>(&'a [String]);

impl<'de> DeserializeSeed<'de> for At<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match self.0.split_first() {
            None => serde::Deserialize::deserialize(deserializer).map(Some),
            Some((token, rest)) => deserializer.deserialize_any(Step { token, rest }),
        }
    }
}

/// One step down: the member named `token`, or the element at index `token`.
struct Step<'a> {
    token: &'a str,
    rest: &'a [String],
}

impl<'de> Visitor<'de> for Step<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(self.token))? {
            if matches && found.is_none() {
                found = map.next_value_seed(At(self.rest))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
        let wanted = self.token.parse::<usize>().ok();
        let mut found = None;
        let mut index = 0;
        loop {
            if Some(index) == wanted {
                match seq.next_element_seed(At(self.rest))? {
                    Some(value) => found = value,
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            index += 1;
        }
        Ok(found)
    }

    // A scalar has nothing below it.
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Whether a member's name is the token, compared without allocating when the name has no
/// escapes.
struct KeyIs<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, name: &str) -> Result<bool, E> {
        Ok(name == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::value_at;
    use serde_json::{json, Value};

    /// Every pointer agrees with `serde_json::Value::pointer` on the parsed document.
    #[test]
    fn agrees_with_value_pointer() {
        let body = json!({
            "ok": false,
            "error": "channel_not_found",
            "a/b": {"m~n": [1, {"deep": [true, null, "x"]}]},
            "list": [{"id": 1}, {"id": 2}],
            "": "empty name",
            "text": "with \"escapes\" and \u{e9}",
            "esc\u{e9}": 3,
        });
        let text = body.to_string();
        for pointer in [
            "",
            "/ok",
            "/error",
            "/a~1b",
            "/a~1b/m~0n",
            "/a~1b/m~0n/0",
            "/a~1b/m~0n/1/deep/2",
            "/a~1b/m~0n/7",
            "/list/1/id",
            "/list/x",
            "/list/-",
            "/",
            "/text",
            "/esc\u{e9}",
            "/missing",
            "/ok/below",
            "no-slash",
        ] {
            assert_eq!(
                value_at(text.as_bytes(), pointer),
                body.pointer(pointer).cloned(),
                "{pointer}"
            );
        }
    }

    #[test]
    fn a_body_that_is_not_json_has_nothing_in_it() {
        assert_eq!(value_at(b"{\"ok\": false", "/ok"), None, "unterminated");
        assert_eq!(value_at(b"{\"ok\": false} trailing", "/ok"), None);
        assert_eq!(value_at(b"", "/ok"), None);
        assert_eq!(value_at(b"[1, 2", "/0"), None);
        assert_eq!(value_at(b"7", ""), Some(Value::from(7)));
    }
}
