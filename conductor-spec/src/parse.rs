//! Parsing a document by its file extension.

use std::path::Path;

use serde_json::{Map, Number, Value};

use crate::SpecError;

/// The syntax a file is parsed with, chosen by extension (`.yaml`/`.yml` → YAML, else JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Yaml,
}

impl Format {
    pub(crate) fn of(path: &Path) -> Self {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => Self::Yaml,
            _ => Self::Json,
        }
    }
}

/// Parses `text` (read from `path`) into a JSON value.
pub(crate) fn parse_document(path: &Path, text: &str) -> Result<Value, SpecError> {
    match Format::of(path) {
        Format::Json => crate::exact::from_str(text).map_err(|err| SpecError::Syntax {
            path: path.to_path_buf(),
            format: "JSON",
            line: err.line(),
            column: err.column(),
            message: strip_position(&err.to_string()),
        }),
        Format::Yaml => {
            let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|err| {
                let (line, column) = err.location().map_or((0, 0), |loc| (loc.line(), loc.column()));
                SpecError::Syntax {
                    path: path.to_path_buf(),
                    format: "YAML",
                    line,
                    column,
                    message: strip_position(&err.to_string()),
                }
            })?;
            Ok(yaml_to_json(yaml))
        }
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// Converts YAML to JSON; non-string keys (`200:` in `responses`) become strings.
fn yaml_to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                n.as_f64().and_then(Number::from_f64).map_or(Value::Null, Value::Number)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                map.insert(yaml_key(key), yaml_to_json(value));
            }
            Value::Object(map)
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Null => "null".to_owned(),
        other => serde_yaml::to_string(&other)
            .map(|s| s.trim().to_owned())
            .unwrap_or_default(),
    }
}
