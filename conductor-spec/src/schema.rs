//! Reading [`openapiv3`] schemas straight from JSON.
//!
//! `openapiv3`'s `Schema` is two flattened parts, one of them an untagged choice, so serde
//! copies every schema object into an intermediate tree once per nesting level before reading
//! a field (on GitHub's spec that is most of the time spent building the model). This reader
//! makes the same decisions in one pass over the JSON: the same fields, the same choice
//! between string, number, integer, boolean, object, array, `oneOf`, `allOf`, `anyOf`, `not`
//! and "any", `null` read as absent. Anything it is not sure of (a field of an unexpected
//! JSON type, a reference that is not a string, an array where an object belongs) makes it
//! give up on the whole schema, and serde reads that one instead, so the result, error
//! included, is always serde's.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ArrayType, BooleanType, Discriminator, ExternalDocumentation, IntegerType,
    NumberType, ObjectType, ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type,
};
use serde::Deserialize;
use serde_json::{Map, Number, Value};

use crate::json::{entries, extensions, optional, reference_or, text};

/// Reads a schema or a reference to one, as `ReferenceOr::<Schema>::deserialize(value)` would.
///
/// # Errors
///
/// Exactly when serde's reader fails, with its error.
pub fn schema_from_json(value: &Value) -> Result<ReferenceOr<Schema>, serde_json::Error> {
    match schema_or_ref(value, |schema| schema) {
        Some(schema) => Ok(schema),
        None => ReferenceOr::deserialize(value),
    }
}

/// A `$ref` object or a schema; `wrap` turns the schema into what the field holds (`Box`).
fn schema_or_ref<T>(value: &Value, wrap: impl FnOnce(Schema) -> T) -> Option<ReferenceOr<T>> {
    reference_or(value, |object| schema(object).map(wrap))
}

/// The fields of one schema object, each `None` when absent or, but for the four flags, `null`
/// (as serde reads an optional field).
#[derive(Default)]
struct Fields<'a> {
    nullable: Option<&'a Value>,
    read_only: Option<&'a Value>,
    write_only: Option<&'a Value>,
    deprecated: Option<&'a Value>,
    external_docs: Option<&'a Value>,
    example: Option<&'a Value>,
    title: Option<&'a Value>,
    description: Option<&'a Value>,
    discriminator: Option<&'a Value>,
    default: Option<&'a Value>,
    typ: Option<&'a Value>,
    pattern: Option<&'a Value>,
    multiple_of: Option<&'a Value>,
    exclusive_minimum: Option<&'a Value>,
    exclusive_maximum: Option<&'a Value>,
    minimum: Option<&'a Value>,
    maximum: Option<&'a Value>,
    properties: Option<&'a Value>,
    required: Option<&'a Value>,
    additional_properties: Option<&'a Value>,
    min_properties: Option<&'a Value>,
    max_properties: Option<&'a Value>,
    items: Option<&'a Value>,
    min_items: Option<&'a Value>,
    max_items: Option<&'a Value>,
    unique_items: Option<&'a Value>,
    enumeration: Option<&'a Value>,
    format: Option<&'a Value>,
    min_length: Option<&'a Value>,
    max_length: Option<&'a Value>,
    one_of: Option<&'a Value>,
    all_of: Option<&'a Value>,
    any_of: Option<&'a Value>,
    not: Option<&'a Value>,
}

impl<'a> Fields<'a> {
    fn of(object: &'a Map<String, Value>) -> Self {
        let mut fields = Self::default();
        for (key, value) in object {
            // The four flags are plain `bool`s: `null` is not absent there (serde refuses it).
            let slot = match key.as_str() {
                "nullable" => &mut fields.nullable,
                "readOnly" => &mut fields.read_only,
                "writeOnly" => &mut fields.write_only,
                "deprecated" => &mut fields.deprecated,
                _ if value.is_null() => continue,
                "externalDocs" => &mut fields.external_docs,
                "example" => &mut fields.example,
                "title" => &mut fields.title,
                "description" => &mut fields.description,
                "discriminator" => &mut fields.discriminator,
                "default" => &mut fields.default,
                "type" => &mut fields.typ,
                "pattern" => &mut fields.pattern,
                "multipleOf" => &mut fields.multiple_of,
                "exclusiveMinimum" => &mut fields.exclusive_minimum,
                "exclusiveMaximum" => &mut fields.exclusive_maximum,
                "minimum" => &mut fields.minimum,
                "maximum" => &mut fields.maximum,
                "properties" => &mut fields.properties,
                "required" => &mut fields.required,
                "additionalProperties" => &mut fields.additional_properties,
                "minProperties" => &mut fields.min_properties,
                "maxProperties" => &mut fields.max_properties,
                "items" => &mut fields.items,
                "minItems" => &mut fields.min_items,
                "maxItems" => &mut fields.max_items,
                "uniqueItems" => &mut fields.unique_items,
                "enum" => &mut fields.enumeration,
                "format" => &mut fields.format,
                "minLength" => &mut fields.min_length,
                "maxLength" => &mut fields.max_length,
                "oneOf" => &mut fields.one_of,
                "allOf" => &mut fields.all_of,
                "anyOf" => &mut fields.any_of,
                "not" => &mut fields.not,
                _ => continue,
            };
            *slot = Some(value);
        }
        fields
    }
}

fn schema(object: &Map<String, Value>) -> Option<Schema> {
    let fields = Fields::of(object);
    let schema_data = SchemaData {
        nullable: flag(fields.nullable)?,
        read_only: flag(fields.read_only)?,
        write_only: flag(fields.write_only)?,
        deprecated: flag(fields.deprecated)?,
        external_docs: optional(fields.external_docs, |v| ExternalDocumentation::deserialize(v).ok())?,
        example: fields.example.cloned(),
        title: optional(fields.title, text)?,
        description: optional(fields.description, text)?,
        discriminator: optional(fields.discriminator, |v| Discriminator::deserialize(v).ok())?,
        default: fields.default.cloned(),
        extensions: extensions(object),
    };
    Some(Schema {
        schema_data,
        schema_kind: kind(&fields)?,
    })
}

/// The fields read as `openapiv3`'s own `SchemaKind` reader reads them, then the same choice.
fn kind(fields: &Fields<'_>) -> Option<SchemaKind> {
    let typ = optional(fields.typ, text)?;
    let pattern = optional(fields.pattern, text)?;
    let multiple_of = optional(fields.multiple_of, number)?;
    let exclusive_minimum = optional(fields.exclusive_minimum, Value::as_bool)?;
    let exclusive_maximum = optional(fields.exclusive_maximum, Value::as_bool)?;
    let minimum = optional(fields.minimum, number)?;
    let maximum = optional(fields.maximum, number)?;
    let properties = optional(fields.properties, properties)?;
    let required = optional(fields.required, strings)?;
    let additional_properties = optional(fields.additional_properties, additional)?;
    let min_properties = optional(fields.min_properties, size)?;
    let max_properties = optional(fields.max_properties, size)?;
    let items = optional(fields.items, |v| schema_or_ref(v, Box::new))?;
    let min_items = optional(fields.min_items, size)?;
    let max_items = optional(fields.max_items, size)?;
    let unique_items = optional(fields.unique_items, Value::as_bool)?;
    let enumeration = optional(fields.enumeration, |v| v.as_array().cloned())?;
    let format = optional(fields.format, text)?;
    let min_length = optional(fields.min_length, size)?;
    let max_length = optional(fields.max_length, size)?;
    let one_of = optional(fields.one_of, list)?;
    let all_of = optional(fields.all_of, list)?;
    let any_of = optional(fields.any_of, list)?;
    let not = optional(fields.not, |v| schema_or_ref(v, |schema| schema).map(Box::new))?;

    // Which fields each kind allows besides `type` (the rest must be absent).
    let numeric = multiple_of.is_some()
        || exclusive_minimum.is_some()
        || exclusive_maximum.is_some()
        || minimum.is_some()
        || maximum.is_some();
    let object_fields = properties.is_some()
        || required.is_some()
        || additional_properties.is_some()
        || min_properties.is_some()
        || max_properties.is_some();
    let array_fields = items.is_some() || min_items.is_some() || max_items.is_some() || unique_items.is_some();
    let lengths = min_length.is_some() || max_length.is_some();
    let compositions = one_of.is_some() || all_of.is_some() || any_of.is_some() || not.is_some();
    let enum_of = |check: fn(&Value) -> bool| {
        enumeration
            .as_ref()
            .is_none_or(|values| values.iter().all(|value| value.is_null() || check(value)))
    };
    let is_int = |n: &Option<Number>| n.as_ref().is_none_or(Number::is_i64);

    let chosen = match typ.as_deref() {
        Some("string") if !numeric && !object_fields && !array_fields && !compositions && enum_of(Value::is_string) => {
            Some(Type::String(StringType {
                format: format.clone().into(),
                pattern: pattern.clone(),
                enumeration: enumerated(enumeration.as_ref(), |v| v.as_str().map(String::from))?,
                min_length,
                max_length,
            }))
        }
        Some("number")
            if pattern.is_none()
                && !object_fields
                && !array_fields
                && !lengths
                && !compositions
                && enum_of(Value::is_number) =>
        {
            Some(Type::Number(NumberType {
                format: format.clone().into(),
                multiple_of: multiple_of.as_ref().and_then(Number::as_f64),
                exclusive_minimum: exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: exclusive_maximum.unwrap_or_default(),
                minimum: minimum.as_ref().and_then(Number::as_f64),
                maximum: maximum.as_ref().and_then(Number::as_f64),
                enumeration: enumerated(enumeration.as_ref(), Value::as_f64)?,
            }))
        }
        Some("integer")
            if pattern.is_none()
                && !object_fields
                && !array_fields
                && !lengths
                && !compositions
                && enum_of(Value::is_i64)
                && is_int(&multiple_of)
                && is_int(&minimum)
                && is_int(&maximum) =>
        {
            Some(Type::Integer(IntegerType {
                format: format.clone().into(),
                multiple_of: multiple_of.as_ref().and_then(Number::as_i64),
                exclusive_minimum: exclusive_minimum.unwrap_or_default(),
                exclusive_maximum: exclusive_maximum.unwrap_or_default(),
                minimum: minimum.as_ref().and_then(Number::as_i64),
                maximum: maximum.as_ref().and_then(Number::as_i64),
                enumeration: enumerated(enumeration.as_ref(), Value::as_i64)?,
            }))
        }
        Some("boolean")
            if pattern.is_none()
                && !numeric
                && !object_fields
                && !array_fields
                && format.is_none()
                && !lengths
                && !compositions
                && enum_of(Value::is_boolean) =>
        {
            Some(Type::Boolean(BooleanType {
                enumeration: enumerated(enumeration.as_ref(), Value::as_bool)?,
            }))
        }
        Some("object")
            if pattern.is_none()
                && !numeric
                && !array_fields
                && enumeration.is_none()
                && format.is_none()
                && !lengths
                && !compositions =>
        {
            return Some(SchemaKind::Type(Type::Object(ObjectType {
                properties: properties.unwrap_or_default(),
                required: required.unwrap_or_default(),
                additional_properties,
                min_properties,
                max_properties,
            })));
        }
        Some("array")
            if pattern.is_none()
                && !numeric
                && !object_fields
                && enumeration.is_none()
                && format.is_none()
                && !lengths
                && !compositions =>
        {
            return Some(SchemaKind::Type(Type::Array(ArrayType {
                items,
                min_items,
                max_items,
                unique_items: unique_items.unwrap_or_default(),
            })));
        }
        _ => None,
    };
    if let Some(chosen) = chosen {
        return Some(SchemaKind::Type(chosen));
    }
    let only_composition = typ.is_none()
        && pattern.is_none()
        && !numeric
        && !object_fields
        && !array_fields
        && enumeration.is_none()
        && format.is_none()
        && !lengths;
    if only_composition {
        match (one_of, all_of, any_of, not) {
            (Some(one_of), None, None, None) => return Some(SchemaKind::OneOf { one_of }),
            (None, Some(all_of), None, None) => return Some(SchemaKind::AllOf { all_of }),
            (None, None, Some(any_of), None) => return Some(SchemaKind::AnyOf { any_of }),
            (None, None, None, Some(not)) => return Some(SchemaKind::Not { not }),
            (one_of, all_of, any_of, not) => {
                return Some(any(AnySchema {
                    one_of: one_of.unwrap_or_default(),
                    all_of: all_of.unwrap_or_default(),
                    any_of: any_of.unwrap_or_default(),
                    not,
                    ..AnySchema::default()
                }));
            }
        }
    }
    Some(any(AnySchema {
        typ,
        pattern,
        multiple_of: multiple_of.as_ref().and_then(Number::as_f64),
        exclusive_minimum,
        exclusive_maximum,
        minimum: minimum.as_ref().and_then(Number::as_f64),
        maximum: maximum.as_ref().and_then(Number::as_f64),
        properties: properties.unwrap_or_default(),
        required: required.unwrap_or_default(),
        additional_properties,
        min_properties,
        max_properties,
        items,
        min_items,
        max_items,
        unique_items,
        enumeration: enumeration.unwrap_or_default(),
        format,
        min_length,
        max_length,
        one_of: one_of.unwrap_or_default(),
        all_of: all_of.unwrap_or_default(),
        any_of: any_of.unwrap_or_default(),
        not,
    }))
}

fn any(schema: AnySchema) -> SchemaKind {
    SchemaKind::Any(schema)
}

/// A `bool` field that defaults to `false`.
fn flag(value: Option<&Value>) -> Option<bool> {
    match value {
        None => Some(false),
        Some(value) => value.as_bool(),
    }
}

fn number(value: &Value) -> Option<Number> {
    match value {
        Value::Number(number) => Some(number.clone()),
        _ => None,
    }
}

fn size(value: &Value) -> Option<usize> {
    usize::try_from(value.as_u64()?).ok()
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array()?.iter().map(text).collect()
}

fn list(value: &Value) -> Option<Vec<ReferenceOr<Schema>>> {
    value
        .as_array()?
        .iter()
        .map(|item| schema_or_ref(item, |schema| schema))
        .collect()
}

fn properties(value: &Value) -> Option<IndexMap<String, ReferenceOr<Box<Schema>>>> {
    entries(value, |schema| schema_or_ref(schema, Box::new))
}

fn additional(value: &Value) -> Option<AdditionalProperties> {
    match value {
        Value::Bool(allowed) => Some(AdditionalProperties::Any(*allowed)),
        other => schema_or_ref(other, |schema| schema).map(|schema| AdditionalProperties::Schema(Box::new(schema))),
    }
}

/// An `enum` list read as the kind's values, `null` as `None`.
fn enumerated<T>(values: Option<&Vec<Value>>, read: impl Fn(&Value) -> Option<T>) -> Option<Vec<Option<T>>> {
    let Some(values) = values else {
        return Some(Vec::new());
    };
    values
        .iter()
        .map(|value| {
            if value.is_null() {
                Some(None)
            } else {
                read(value).map(Some)
            }
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// Serde's reading of `value`, and whether this reader read it without falling back.
    fn compare(value: &Value) -> bool {
        let serde = ReferenceOr::<Schema>::deserialize(value);
        let fast = schema_or_ref(value, |schema| schema);
        match (&fast, &serde) {
            (Some(fast), Ok(serde)) => assert_eq!(fast, serde, "{value}"),
            (Some(fast), Err(err)) => panic!("{value}: read as {fast:?}, serde refuses it: {err}"),
            (None, _) => {}
        }
        match (schema_from_json(value), serde) {
            (Ok(ours), Ok(serde)) => assert_eq!(ours, serde),
            (Err(ours), Err(serde)) => assert_eq!(ours.to_string(), serde.to_string()),
            (ours, serde) => panic!("{value}: {ours:?} but serde {serde:?}"),
        }
        fast.is_some()
    }

    #[test]
    fn every_kind_is_chosen_as_openapiv3_chooses_it() {
        let read_here = [
            json!({}),
            json!({"$ref": "#/components/schemas/Pet", "description": "ignored"}),
            json!({"type": "string", "format": "date-time", "pattern": "^a", "minLength": 1, "maxLength": 9,
                   "enum": ["a", null], "nullable": true, "title": "T", "description": "D", "example": "a",
                   "default": "a", "readOnly": true, "x-note": null, "deprecated": false}),
            json!({"type": "string", "format": "uuid"}),
            json!({"type": "string", "enum": [1, 2]}),
            json!({"type": "string", "minimum": 1}),
            json!({"type": "number", "format": "double", "minimum": 1, "maximum": 2.5, "multipleOf": 0.5,
                   "exclusiveMinimum": true, "enum": [1, 2.5, null]}),
            json!({"type": "number", "minLength": 1}),
            json!({"type": "integer", "format": "int64", "minimum": -3, "maximum": 9, "multipleOf": 3, "enum": [3, null]}),
            json!({"type": "integer", "minimum": 1.5}),
            json!({"type": "integer", "enum": [1, 2.5]}),
            json!({"type": "integer", "maximum": 18446744073709551615u64}),
            json!({"type": "boolean", "enum": [true, null]}),
            json!({"type": "boolean", "format": "flag"}),
            json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"$ref": "#/x"}},
                   "required": ["a"], "additionalProperties": false, "minProperties": 1, "maxProperties": 2}),
            json!({"type": "object", "additionalProperties": true}),
            json!({"type": "object", "additionalProperties": {"type": "integer"}}),
            json!({"type": "object", "enum": [{}]}),
            json!({"type": "object", "allOf": [{"$ref": "#/a"}]}),
            json!({"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3, "uniqueItems": true}),
            json!({"type": "array", "format": "csv"}),
            json!({"type": "array"}),
            json!({"oneOf": [{"type": "string"}, {"$ref": "#/b"}], "discriminator": {"propertyName": "kind",
                   "mapping": {"a": "#/a"}}}),
            json!({"allOf": [{"$ref": "#/a"}, {"properties": {"x": {}}}]}),
            json!({"anyOf": [{"type": "string"}], "nullable": true}),
            json!({"not": {"type": "string"}}),
            json!({"oneOf": [{}], "anyOf": [{}]}),
            json!({"properties": {"a": {}}, "required": ["a"]}),
            json!({"items": {"type": "string"}}),
            json!({"type": "unknown", "minimum": 1}),
            json!({"type": null, "minimum": null, "example": null, "title": null, "externalDocs": {"url": "u"}}),
            json!({"enum": ["a", 1, null]}),
        ];
        for value in &read_here {
            assert!(compare(value), "fell back to serde for {value}");
        }
        // Each of these makes serde refuse the schema or reads it in a way only serde knows;
        // the reader leaves them to serde.
        let left_to_serde = [
            json!(true),
            json!(["#/a"]),
            json!({"$ref": null}),
            json!({"$ref": 5}),
            json!({"nullable": null}),
            json!({"nullable": "yes"}),
            json!({"type": ["string", "null"]}),
            json!({"minLength": -1}),
            json!({"minLength": 1.0}),
            json!({"required": [1]}),
            json!({"enum": "a"}),
            json!({"additionalProperties": "yes"}),
            json!({"properties": {"a": 5}}),
            json!({"items": [{"type": "string"}]}),
            json!({"discriminator": {"mapping": {}}}),
            json!({"title": 5}),
        ];
        for value in &left_to_serde {
            assert!(!compare(value), "read here: {value}");
        }
    }

    /// Every schema of the project's specs (those under a `schema` or `schemas` key) reads the
    /// same; with `SCHEMA_CORPUS=DIR`, so does every schema of every JSON file under `DIR`.
    #[test]
    fn real_specs_read_the_same() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        let mut files = Vec::new();
        collect_json(&root, &mut files);
        if let Ok(corpus) = std::env::var("SCHEMA_CORPUS") {
            collect_json(std::path::Path::new(&corpus), &mut files);
        } else {
            println!("SCHEMA_CORPUS not set: only the project's specs are compared");
        }
        let (mut read_here, mut schemas) = (0_usize, 0_usize);
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            let Ok(document) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            visit_schemas(&document, &mut |schema| {
                schemas += 1;
                read_here += usize::from(compare(schema));
            });
        }
        println!(
            "{} files, {schemas} schemas, {read_here} read without serde",
            files.len()
        );
        assert!(schemas > 100, "only {schemas} schemas found under {}", root.display());
        assert!(
            read_here * 10 > schemas * 9,
            "{read_here} of {schemas} read without serde"
        );
    }

    /// Every `.json` file under `dir`.
    pub(crate) fn collect_json(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                collect_json(&path, files);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }

    fn visit_schemas(value: &Value, visit: &mut dyn FnMut(&Value)) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match key.as_str() {
                        "schema" => visit(child),
                        "schemas" => child.as_object().into_iter().flatten().for_each(|(_, s)| visit(s)),
                        "example" | "examples" => continue,
                        _ => {}
                    }
                    visit_schemas(child, visit);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| visit_schemas(item, visit)),
            _ => {}
        }
    }
}
