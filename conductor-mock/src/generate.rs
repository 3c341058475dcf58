//! Example data generated from a schema: deterministic for a seed, respecting types, formats,
//! enums, bounds, lengths and required properties, and bounded on recursion.

use serde_json::{Map, Number, Value};

use crate::routes::deref;

/// How deep objects and arrays nest before generation stops adding optional content.
const MAX_DEPTH: usize = 4;

/// Generates a value for `schema`; `root` resolves `$ref`s.
pub(crate) fn generate(root: &Value, schema: &Value, rng: &mut fastrand::Rng) -> Value {
    value_for(root, schema, rng, 0)
}

fn value_for(root: &Value, schema: &Value, rng: &mut fastrand::Rng, depth: usize) -> Value {
    let schema = deref(root, schema);
    if depth > MAX_DEPTH + 4 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let choices: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if !choices.is_empty() {
            return choices[rng.usize(..choices.len())].clone();
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            match value_for(root, part, rng, depth) {
                Value::Object(fields) => merged.extend(fields),
                other if parts.len() == 1 => return other,
                _ => {}
            }
        }
        if let Value::Object(own) = object_value(root, schema, rng, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|b| b.first()) {
            let mut value = value_for(root, first, rng, depth);
            if let (Some(tag), Value::Object(fields)) = (discriminator_tag(schema, first), &mut value) {
                fields.insert(tag.0, Value::String(tag.1));
            }
            return value;
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => string_value(schema, rng),
        Some("integer") => integer_value(schema, rng),
        Some("number") => number_value(schema, rng),
        Some("boolean") => Value::Bool(rng.bool()),
        Some("array") => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
            let max = schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .map_or(usize::MAX, |m| m as usize);
            let count = if depth >= MAX_DEPTH { min } else { min.max(1).min(max) };
            let items = schema.get("items").cloned().unwrap_or(Value::Object(Map::new()));
            Value::Array((0..count).map(|_| value_for(root, &items, rng, depth + 1)).collect())
        }
        Some("object") => object_value(root, schema, rng, depth),
        _ if schema.get("properties").is_some() => object_value(root, schema, rng, depth),
        _ => Value::Object(Map::new()),
    }
}

/// The discriminator property and the tag that selects `branch`, if the union has one.
fn discriminator_tag(schema: &Value, branch: &Value) -> Option<(String, String)> {
    let discriminator = schema.get("discriminator")?;
    let property = discriminator.get("propertyName")?.as_str()?.to_owned();
    let reference = branch.get("$ref")?.as_str()?;
    let mapped = discriminator
        .get("mapping")
        .and_then(Value::as_object)
        .and_then(|mapping| mapping.iter().find(|(_, target)| target.as_str() == Some(reference)))
        .map(|(tag, _)| tag.clone());
    let tag = mapped.or_else(|| reference.rsplit('/').next().map(str::to_owned))?;
    Some((property, tag))
}

fn object_value(root: &Value, schema: &Value, rng: &mut fastrand::Rng, depth: usize) -> Value {
    let mut object = Map::new();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let is_required = required.contains(&name.as_str());
            let write_only = deref(root, property).get("writeOnly") == Some(&Value::Bool(true));
            if is_required || (depth < MAX_DEPTH && !write_only) {
                object.insert(name.clone(), value_for(root, property, rng, depth + 1));
            }
        }
    }
    Value::Object(object)
}

fn string_value(schema: &Value, rng: &mut fastrand::Rng) -> Value {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-02T03:04:05Z".to_owned(),
        Some("date") => "2024-01-02".to_owned(),
        Some("time") => "03:04:05Z".to_owned(),
        Some("uuid") => format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            rng.u32(..),
            rng.u16(..),
            rng.u16(..0x1000),
            rng.u16(..0x1000),
            rng.u64(..0x1_0000_0000_0000)
        ),
        Some("email") => "user@example.com".to_owned(),
        Some("uri" | "url") => "https://example.com/resource".to_owned(),
        Some("hostname") => "example.com".to_owned(),
        Some("ipv4") => "192.0.2.1".to_owned(),
        Some("ipv6") => "2001:db8::1".to_owned(),
        Some("byte") => "aGVsbG8=".to_owned(),
        _ => format!("string-{}", rng.u16(..1000)),
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut text = text;
    while text.chars().count() < min {
        text.push('x');
    }
    if text.chars().count() > max {
        text = text.chars().take(max).collect();
    }
    Value::String(text)
}

fn bounds(schema: &Value) -> (Option<f64>, Option<f64>) {
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    let minimum =
        schema
            .get("minimum")
            .and_then(Value::as_f64)
            .map(|m| if exclusive("exclusiveMinimum") { m + 1.0 } else { m });
    let maximum =
        schema
            .get("maximum")
            .and_then(Value::as_f64)
            .map(|m| if exclusive("exclusiveMaximum") { m - 1.0 } else { m });
    (minimum, maximum)
}

fn integer_value(schema: &Value, rng: &mut fastrand::Rng) -> Value {
    let (minimum, maximum) = bounds(schema);
    let low = minimum.map_or(1, |m| m.ceil() as i64);
    let high = maximum.map_or(low.saturating_add(1000), |m| m.floor() as i64).max(low);
    Value::Number(rng.i64(low..=high).into())
}

fn number_value(schema: &Value, rng: &mut fastrand::Rng) -> Value {
    let (minimum, maximum) = bounds(schema);
    let low = minimum.unwrap_or(0.0);
    let high = maximum.unwrap_or(low + 1000.0).max(low);
    let value = low + (high - low) * rng.f64();
    Number::from_f64((value * 100.0).round() / 100.0).map_or(Value::Null, Value::Number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn respects_types_bounds_and_required() {
        let root = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer", "minimum": 5, "maximum": 5},
                "name": {"type": "string", "minLength": 12},
                "status": {"type": "string", "enum": ["a"]},
                "born": {"type": "string", "format": "date-time"},
                "friend": {"$ref": "#/components/schemas/Pet"}
            }}
        }}});
        let schema = json!({"$ref": "#/components/schemas/Pet"});
        let value = generate(&root, &schema, &mut fastrand::Rng::with_seed(1));
        assert_eq!(value["id"], 5);
        assert!(value["name"].as_str().unwrap().len() >= 12);
        assert_eq!(value["status"], "a");
        assert_eq!(value["born"], "2024-01-02T03:04:05Z");
        let again = generate(&root, &schema, &mut fastrand::Rng::with_seed(1));
        assert_eq!(value, again, "deterministic for a seed");
        // Recursion is bounded.
        let mut depth = 0;
        let mut node = &value;
        while let Some(next) = node.get("friend") {
            node = next;
            depth += 1;
        }
        assert!(depth <= MAX_DEPTH);
    }
}
