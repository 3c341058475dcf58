//! Parsing JSON into a [`serde_json::Value`] whose objects and arrays are allocated once, at
//! their final size.
//!
//! `serde_json`'s own reader grows each object's map and each array as entries arrive: every
//! doubling reallocates (the map's index table is rehashed), and the result keeps up to twice
//! the room it needs. Here the entries of every open object and array wait on one shared stack,
//! and each is built from its exact count when it closes. A large spec has hundreds of
//! thousands of objects, so that is less work and a smaller document (fewer pages touched).
//! The value is the same as `serde_json::from_str` gives.

use std::cell::RefCell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses `text` as `serde_json::from_str::<Value>` does.
pub(crate) fn from_str(text: &str) -> serde_json::Result<Value> {
    let stacks = Stacks::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = ExactValue { stacks: &stacks }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// The entries of the objects and the items of the arrays still being read, innermost last.
#[derive(Default)]
struct Stacks {
    entries: RefCell<Vec<(String, Value)>>,
    items: RefCell<Vec<Value>>,
}

/// Reads one value, its objects and arrays through [`Stacks`].
#[derive(Clone, Copy)]
struct ExactValue<'s> {
    stacks: &'s Stacks,
}

impl<'de> DeserializeSeed<'de> for ExactValue<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ExactValue<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let start = self.stacks.items.borrow().len();
        let read = (|| {
            while let Some(item) = seq.next_element_seed(self)? {
                self.stacks.items.borrow_mut().push(item);
            }
            Ok(())
        })();
        // On an error too, this array's items leave the stack.
        let items: Vec<Value> = self.stacks.items.borrow_mut().drain(start..).collect();
        read.map(|()| Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let start = self.stacks.entries.borrow().len();
        let read = (|| {
            while let Some(key) = map.next_key::<String>()? {
                let value = map.next_value_seed(self)?;
                self.stacks.entries.borrow_mut().push((key, value));
            }
            Ok(())
        })();
        // A repeated key keeps its first place and its last value, as `serde_json` reads it.
        let object: Map<String, Value> = self.stacks.entries.borrow_mut().drain(start..).collect();
        read.map(|()| Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_serde_json_reads() {
        let texts = [
            r#"{"a": 1, "b": [true, false, null, -7, 18446744073709551615, 1.5e300, "x\u00e9\n"], "c": {}, "d": []}"#,
            r#"{"dup": 1, "other": 2, "dup": {"nested": [[], [{}], {"k": "v"}]}}"#,
            r#"[1, 2.0, -0.0, 3e-7, {"z": 1, "a": 2}]"#,
            r#""just a string""#,
            "  42  ",
            "null",
        ];
        for text in texts {
            let ours = from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            let theirs: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(ours, theirs, "{text}");
            assert_eq!(ours.to_string(), theirs.to_string(), "{text}: order");
        }
    }

    #[test]
    fn fails_where_serde_json_fails() {
        for text in [
            r#"{"a": [1, 2"#,
            r#"{"a": 1,}"#,
            "[1] 2",
            "",
            r#"{"a" 1}"#,
            "[[[{\"a\": tru}]]]",
        ] {
            let ours = from_str(text).map_err(|e| (e.line(), e.column(), e.to_string()));
            let theirs = serde_json::from_str::<Value>(text).map_err(|e| (e.line(), e.column(), e.to_string()));
            assert_eq!(ours, theirs, "{text}");
        }
    }

    /// Every JSON file of the project's specs reads the same, keys in the same order; with
    /// `SCHEMA_CORPUS=DIR` (e.g. `.cache/specs`), so does every JSON file under `DIR`.
    #[test]
    fn real_documents_read_the_same() {
        let mut files = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        crate::schema::tests::collect_json(&root, &mut files);
        if let Ok(corpus) = std::env::var("SCHEMA_CORPUS") {
            crate::schema::tests::collect_json(std::path::Path::new(&corpus), &mut files);
        }
        assert!(!files.is_empty(), "no JSON files under {}", root.display());
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let theirs = serde_json::from_str::<Value>(&text).map_err(|e| e.to_string());
            let ours = from_str(&text).map_err(|e| e.to_string());
            assert!(ours == theirs, "{}", path.display());
            if let Ok(value) = ours {
                assert_eq!(
                    value.to_string(),
                    theirs.unwrap_or_default().to_string(),
                    "{}",
                    path.display()
                );
            }
        }
        eprintln!("{} JSON files read the same", files.len());
    }
}
