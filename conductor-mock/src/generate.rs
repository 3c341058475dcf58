//! Example data generated from a schema: deterministic for a seed, respecting types, formats,
//! enums, bounds, lengths and required properties, and bounded in depth and size.

use serde_json::{Map, Number, Value};

use crate::pattern;
use conductor_spec::follow_refs as deref;

/// How deep objects and arrays nest before generation stops adding optional content.
const MAX_DEPTH: usize = 4;

/// How deep required content may nest before generation gives up on it (`null`).
const MAX_REQUIRED_DEPTH: usize = MAX_DEPTH + 4;

/// How many values one answer may hold (a string counts one per 16 bytes); past it, required
/// content gets the smallest value of its type and arrays stop. With the caps below it bounds a
/// generated answer to about a megabyte whatever the schema.
pub(crate) const MAX_VALUES: usize = 500;

/// The most items a generated array holds, whatever its `minItems`.
pub(crate) const MAX_ITEMS: usize = 100;

/// The longest generated string, whatever its `minLength`.
pub(crate) const MAX_STRING: usize = 1_024;

/// Whether a value is valid for a schema (both inside the document); decides which branch of a
/// `oneOf` to generate, as a value for one branch can match several.
pub(crate) type Accepts<'a> = &'a dyn Fn(&Value, &Value) -> bool;

/// Generates a value for `schema`; `root` resolves `$ref`s. With `examples`, a schema's own
/// `example` is taken where one is given; without, every value is generated.
pub(crate) fn generate(
    root: &Value,
    schema: &Value,
    rng: &mut fastrand::Rng,
    examples: bool,
    accepts: Accepts<'_>,
) -> Value {
    let mut generator = Generator {
        root,
        rng,
        examples,
        optional: true,
        accepts,
        left: MAX_VALUES,
    };
    generator.value_for(schema, 0)
}

/// Generates the smallest value for `schema` the rules here make: only required properties,
/// arrays at their `minItems`, no `example`s — what a hand-written test would write.
pub(crate) fn required_only(root: &Value, schema: &Value, rng: &mut fastrand::Rng, accepts: Accepts<'_>) -> Value {
    let mut generator = Generator {
        root,
        rng,
        examples: false,
        optional: false,
        accepts,
        left: MAX_VALUES,
    };
    generator.value_for(schema, 0)
}

/// One generation: the document, the random source, whether examples are used, whether optional
/// content is added, the validity check for unions, and how many values may still be added.
struct Generator<'a, 'r> {
    root: &'a Value,
    rng: &'r mut fastrand::Rng,
    examples: bool,
    optional: bool,
    accepts: Accepts<'r>,
    left: usize,
}

impl Generator<'_, '_> {
    fn value_for(&mut self, schema: &Value, depth: usize) -> Value {
        let root = self.root;
        let schema = deref(root, schema);
        if depth > MAX_REQUIRED_DEPTH {
            return Value::Null;
        }
        if self.left == 0 {
            return self.minimal(schema, 0);
        }
        self.left -= 1;
        if self.examples {
            if let Some(example) = schema.get("example") {
                return example.clone();
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let choices: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            if !choices.is_empty() {
                return choices[self.rng.usize(..choices.len())].clone();
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            // A part that is not an object (`allOf: [{type: string}, {nullable: false}]`, as Box
            // writes its ids) gives the value when no part gives fields.
            let mut scalar = None;
            for part in parts {
                match self.value_for(part, depth) {
                    Value::Object(fields) => merged.extend(fields),
                    other => {
                        scalar.get_or_insert(other);
                    }
                }
            }
            if let Value::Object(own) = self.object_value(schema, depth) {
                merged.extend(own);
            }
            // Required beside the parts or in one part but declared in another (Box's
            // `File--Mini` requires `sequence_id`, which its second part declares; DigitalOcean's
            // `meta` declares `total` in one part and requires it in the next).
            let root = self.root;
            let required: Vec<&str> = required_names(schema)
                .chain(parts.iter().flat_map(|part| required_names(deref(root, part))))
                .collect();
            for name in required {
                if merged.contains_key(name) {
                    continue;
                }
                let declared = schema.get("properties").and_then(|p| p.get(name)).or_else(|| {
                    parts
                        .iter()
                        .find_map(|part| deref(root, part).get("properties").and_then(|p| p.get(name)))
                });
                if let Some(property) = declared {
                    let value = self.value_for(property, depth + 1);
                    merged.insert(name.to_owned(), value);
                }
            }
            return match scalar {
                Some(value) if merged.is_empty() && !value.is_object() => value,
                _ => Value::Object(merged),
            };
        }
        if let Some(branches) = schema.get("oneOf").and_then(Value::as_array) {
            // The first branch whose value matches exactly one branch; failing that, a branch's
            // value set apart from the others it also matches.
            let mut values = Vec::with_capacity(branches.len());
            for branch in branches {
                let value = self.branch_value(schema, branch, depth);
                if branches.len() == 1 || (self.accepts)(schema, &value) {
                    return value;
                }
                values.push(value);
            }
            for (index, value) in values.iter().enumerate() {
                let contrasted = self.contrasted(branches, index, value);
                if (self.accepts)(schema, &contrasted) {
                    return contrasted;
                }
            }
            if let Some(value) = values.into_iter().next() {
                return value;
            }
        }
        if let Some(first) = schema.get("anyOf").and_then(Value::as_array).and_then(|b| b.first()) {
            return self.branch_value(schema, first, depth);
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => {
                let text = string_value(schema, self.rng);
                // Long strings spend the budget too, so text cannot make an answer large.
                let length = text.as_str().map_or(0, str::len);
                self.left = self.left.saturating_sub(length / 16);
                text
            }
            Some("integer") => integer_value(schema, self.rng),
            Some("number") => number_value(schema, self.rng),
            Some("boolean") => Value::Bool(self.rng.bool()),
            Some("array") => {
                let min = schema
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .map_or(0, |m| (m as usize).min(MAX_ITEMS));
                let max = schema
                    .get("maxItems")
                    .and_then(Value::as_u64)
                    .map_or(usize::MAX, |m| m as usize);
                let count = if depth >= MAX_DEPTH || self.left == 0 || !self.optional {
                    min
                } else {
                    min.max(1).min(max)
                };
                let items = schema.get("items").cloned().unwrap_or(Value::Object(Map::new()));
                let mut values = Vec::with_capacity(count);
                while values.len() < count && self.left > 0 {
                    values.push(self.value_for(&items, depth + 1));
                }
                Value::Array(values)
            }
            Some("object") => self.object_value(schema, depth),
            _ if schema.get("properties").is_some() => self.object_value(schema, depth),
            _ => Value::Object(Map::new()),
        }
    }

    /// A value for content past the budget, as small as the schema allows: `null` where it is
    /// nullable, an enum's first value, a scalar as usual (bounded), an empty array, an object
    /// with only its required properties (themselves minimal, a few levels deep).
    fn minimal(&mut self, schema: &Value, depth: usize) -> Value {
        let schema = deref(self.root, schema);
        if schema.get("nullable") == Some(&Value::Bool(true)) || depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| values.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|b| b.first()) {
                return self.minimal(first, depth);
            }
        }
        let mut object = Map::new();
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            for part in parts {
                match self.minimal(part, depth) {
                    Value::Object(fields) => object.extend(fields),
                    other if parts.len() == 1 => return other,
                    _ => {}
                }
            }
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => string_value(schema, self.rng),
            Some("integer") => integer_value(schema, self.rng),
            Some("number") => number_value(schema, self.rng),
            Some("boolean") => Value::Bool(false),
            Some("array") => Value::Array(Vec::new()),
            _ => {
                for name in required_names(schema) {
                    if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
                        let value = self.minimal(property, depth + 1);
                        object.insert(name.to_owned(), value);
                    }
                }
                Value::Object(object)
            }
        }
    }

    /// `value` (valid for `branches[chosen]`) with properties that the other branches declare
    /// and the chosen one leaves open, each of a type the other branch refuses, so that it
    /// matches the chosen branch alone. GitHub's 422 answer is `oneOf` a validation error and a
    /// rule violation that requires nothing: every validation error is also a rule violation
    /// until it carries a `status` that is not a string.
    fn contrasted(&self, branches: &[Value], chosen: usize, value: &Value) -> Value {
        let Value::Object(fields) = value else {
            return value.clone();
        };
        let own = deref(self.root, &branches[chosen]);
        if own.get("additionalProperties") == Some(&Value::Bool(false)) {
            return value.clone();
        }
        let mut fields = fields.clone();
        for (index, other) in branches.iter().enumerate() {
            let properties = deref(self.root, other).get("properties").and_then(Value::as_object);
            let open = properties.into_iter().flatten().find(|(name, _)| {
                !fields.contains_key(*name) && own.get("properties").and_then(|p| p.get(name)).is_none()
            });
            if let (true, Some((name, property))) = (index != chosen, open) {
                let refused = match deref(self.root, property).get("type").and_then(Value::as_str) {
                    Some("string") => Value::from(0),
                    _ => Value::String("x".to_owned()),
                };
                fields.insert(name.clone(), refused);
            }
        }
        Value::Object(fields)
    }

    /// A value for one branch of a union, with the discriminator's tag for it.
    fn branch_value(&mut self, union: &Value, branch: &Value, depth: usize) -> Value {
        let mut value = self.value_for(branch, depth);
        if let (Some(tag), Value::Object(fields)) = (discriminator_tag(union, branch), &mut value) {
            fields.insert(tag.0, Value::String(tag.1));
        }
        value
    }

    fn object_value(&mut self, schema: &Value, depth: usize) -> Value {
        let mut object = Map::new();
        let required: Vec<&str> = required_names(schema).collect();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let is_required = required.contains(&name.as_str());
                let write_only = deref(self.root, property).get("writeOnly") == Some(&Value::Bool(true));
                if is_required || (self.optional && depth < MAX_DEPTH && self.left > 0 && !write_only) {
                    object.insert(name.clone(), self.value_for(property, depth + 1));
                }
            }
        }
        Value::Object(object)
    }
}

/// The names a schema lists in `required`.
fn required_names(schema: &Value) -> impl Iterator<Item = &str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
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

fn string_value(schema: &Value, rng: &mut fastrand::Rng) -> Value {
    if let Some(text) = schema
        .get("pattern")
        .and_then(Value::as_str)
        .and_then(pattern::matching)
    {
        return Value::String(text);
    }
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
    let min = min.min(MAX_STRING);
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
    fn a_one_of_whose_branches_overlap_gets_a_value_for_one_alone() {
        let root = json!({"components": {"schemas": {
            "Invalid": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
            "Violation": {"type": "object", "properties": {"message": {"type": "string"}, "status": {"type": "string"}}}
        }}});
        let schema = json!({"oneOf": [
            {"$ref": "#/components/schemas/Invalid"},
            {"$ref": "#/components/schemas/Violation"}
        ]});
        let validator = jsonschema::draft4::new(&json!({
            "oneOf": [
                {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}},
                {"type": "object", "properties": {"message": {"type": "string"}, "status": {"type": "string"}}}
            ]
        }))
        .unwrap();
        let accepts = |_: &Value, value: &Value| validator.is_valid(value);
        let value = generate(&root, &schema, &mut fastrand::Rng::with_seed(1), true, &accepts);
        assert!(validator.is_valid(&value), "{value}");
        assert_eq!(
            value["status"], 0,
            "set apart by a status the other branch refuses: {value}"
        );
    }

    #[test]
    fn all_of_gives_scalars_and_the_required_properties_its_parts_declare() {
        let root = json!({"components": {"schemas": {
            "Base": {"type": "object", "required": ["id"], "properties": {"id": {
                "allOf": [{"type": "string", "minLength": 3}, {"nullable": false}]
            }}},
            "Mini": {
                "allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"sequence_id": {"type": "string"}}}],
                "required": ["sequence_id"]
            }
        }}});
        let schema = json!({"$ref": "#/components/schemas/Mini"});
        let mut generator = Generator {
            root: &root,
            rng: &mut fastrand::Rng::with_seed(1),
            examples: true,
            optional: true,
            accepts: &|_, _| true,
            left: MAX_VALUES,
        };
        // Past the depth where optional properties stop, required ones still come.
        let value = generator.value_for(&schema, MAX_DEPTH);
        assert!(value["id"].as_str().is_some_and(|id| id.len() >= 3), "{value}");
        assert!(value["sequence_id"].is_string(), "{value}");
    }

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
        let value = generate(&root, &schema, &mut fastrand::Rng::with_seed(1), true, &|_, _| true);
        assert_eq!(value["id"], 5);
        assert!(value["name"].as_str().unwrap().len() >= 12);
        assert_eq!(value["status"], "a");
        assert_eq!(value["born"], "2024-01-02T03:04:05Z");
        let again = generate(&root, &schema, &mut fastrand::Rng::with_seed(1), true, &|_, _| true);
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
