//! Reading values out of a JSON body by JSON pointer without building the whole document:
//! everything off the pointer's path is checked and skipped, not allocated.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The value at `pointer` (RFC 6901, `""` for the whole body) in the JSON `body`; `None` when
/// the body is not JSON or nothing is there.
pub(crate) fn value_at(body: &[u8], pointer: &str) -> Option<Value> {
    checked_value_at(body, pointer).ok().flatten()
}

/// What a list page holds at its items pointer.
#[derive(Debug, PartialEq)]
pub(crate) enum Items {
    /// Nothing there, or `null`.
    None,
    /// Something other than an array.
    NotArray,
    /// An array of `count` items; `last_field` is the last item's member named by the request,
    /// if it has one.
    Array { count: usize, last_field: Option<Value> },
}

/// The array at `pointer` in `body`: how many items, and the last item's member `field` when
/// asked for.
///
/// # Errors
///
/// When `body` is not JSON.
pub(crate) fn items_at(body: &[u8], pointer: &str, field: Option<&str>) -> Result<Items, serde_json::Error> {
    Ok(match find(body, pointer, Want::Items { field })? {
        Some(Found::Items { count, last_field }) => Items::Array { count, last_field },
        Some(Found::NotArray) => Items::NotArray,
        Some(Found::Null | Found::Value(_)) | None => Items::None,
    })
}

/// The value at `pointer` in `body`, if any.
///
/// # Errors
///
/// When `body` is not JSON.
pub(crate) fn checked_value_at(body: &[u8], pointer: &str) -> Result<Option<Value>, serde_json::Error> {
    Ok(match find(body, pointer, Want::Value)? {
        Some(Found::Value(value)) => Some(value),
        _ => None,
    })
}

/// What to read where the pointer leads.
#[derive(Clone, Copy)]
enum Want<'a> {
    /// The value itself.
    Value,
    /// An array's length and, optionally, one member of its last item.
    Items { field: Option<&'a str> },
}

/// What was read where the pointer leads.
enum Found {
    Value(Value),
    Items { count: usize, last_field: Option<Value> },
    Null,
    NotArray,
}

/// Reads `want` at `pointer` in `body`, checking the whole body is JSON; `Ok(None)` when the
/// pointer leads nowhere (a pointer not starting with `/` leads nowhere but the empty one).
fn find(body: &[u8], pointer: &str, want: Want<'_>) -> Result<Option<Found>, serde_json::Error> {
    let tokens: Vec<String> = match pointer.strip_prefix('/') {
        Some(rest) => rest
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect(),
        None if pointer.is_empty() => Vec::new(),
        None => {
            // Still a JSON check, as for any other pointer.
            serde_json::from_slice::<IgnoredAny>(body)?;
            return Ok(None);
        }
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let found = At(&tokens, want).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(found)
}

/// The visitor methods for JSON's scalars: each gives `$scalar`, and `null` gives `$null`.
macro_rules! scalars_give {
    ($scalar:expr, $null:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($scalar)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($scalar)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($scalar)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($scalar)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($scalar)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($null)
        }
    };
}

/// Reads what the remaining tokens point at, skipping the rest.
struct At<'a>(&'a [String], Want<'a>);

impl<'de> DeserializeSeed<'de> for At<'_> {
    type Value = Option<Found>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        match (self.0.split_first(), self.1) {
            (None, Want::Value) => serde::Deserialize::deserialize(deserializer).map(|v| Some(Found::Value(v))),
            (None, Want::Items { field }) => deserializer.deserialize_any(ItemsOf { field }).map(Some),
            (Some((token, rest)), want) => deserializer.deserialize_any(Step { token, rest, want }),
        }
    }
}

/// One step down: the member named `token`, or the element at index `token`.
struct Step<'a> {
    token: &'a str,
    rest: &'a [String],
    want: Want<'a>,
}

impl<'de> Visitor<'de> for Step<'_> {
    type Value = Option<Found>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(self.token))? {
            if matches && found.is_none() {
                found = map.next_value_seed(At(self.rest, self.want))?;
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
                match seq.next_element_seed(At(self.rest, self.want))? {
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
    scalars_give!(None, None);
}

/// An array's length and its last item's member `field`; anything else is `Null` or
/// `NotArray`.
struct ItemsOf<'a> {
    field: Option<&'a str>,
}

impl<'de> Visitor<'de> for ItemsOf<'_> {
    type Value = Found;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Found, S::Error> {
        let mut count = 0;
        let mut last_field = None;
        match self.field {
            None => {
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    count += 1;
                }
            }
            Some(field) => {
                let member = [field.to_owned()];
                while let Some(found) = seq.next_element_seed(At(&member, Want::Value))? {
                    count += 1;
                    last_field = match found {
                        Some(Found::Value(value)) => Some(value),
                        _ => None,
                    };
                }
            }
        }
        Ok(Found::Items { count, last_field })
    }

    fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Found, M::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Found::NotArray)
    }

    scalars_give!(Found::NotArray, Found::Null);
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
    use super::{checked_value_at, items_at, value_at, Items};
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
    fn items_are_counted_and_the_last_ones_field_read() {
        let page = br#"{"data": [{"id": "a"}, {"id": "b", "x": [1]}, {"id": 3}], "meta": {"next": null}}"#;
        assert_eq!(
            items_at(page, "/data", Some("id")).unwrap(),
            Items::Array {
                count: 3,
                last_field: Some(json!(3))
            }
        );
        assert_eq!(
            items_at(page, "/data", None).unwrap(),
            Items::Array {
                count: 3,
                last_field: None
            }
        );
        assert_eq!(
            items_at(br#"[{"id": 1}, 7]"#, "", Some("id")).unwrap(),
            Items::Array {
                count: 2,
                last_field: None
            },
            "the last item is not an object"
        );
        assert_eq!(items_at(page, "/meta", None).unwrap(), Items::NotArray);
        assert_eq!(items_at(page, "/meta/next", None).unwrap(), Items::None);
        assert_eq!(items_at(page, "/missing", None).unwrap(), Items::None);
        assert!(items_at(b"{\"data\": [1, 2", "/data", None).is_err());
        assert!(checked_value_at(b"{} {}", "/x").is_err());
        assert!(checked_value_at(b"not json", "no-slash").is_err());
        assert_eq!(checked_value_at(page, "/data/1/x/0").unwrap(), Some(json!(1)));
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
