//! The smallest valid values of a spec's schemas, for code that writes tests: the mock's own
//! generator, kept to required content, and its own validators as the judge.

use std::sync::Arc;

use serde_json::Value;

use crate::generate;
use crate::schema_check::{Direction, Validators};

/// Sample values for the schemas of one document. `api-conductor implement` writes them into the
/// stubs and arguments of a connector's tests, so they follow the same rules as the mock's
/// generated answers and pass the same checks.
pub struct Samples {
    root: Arc<Value>,
    validators: Validators,
}

impl Samples {
    /// Samples for the schemas inside `document` (an OpenAPI document, `$ref`s resolved
    /// within it).
    pub fn new(document: Value) -> Self {
        let root = Arc::new(document);
        Self {
            validators: Validators::new(Arc::clone(&root)),
            root,
        }
    }

    /// The smallest value of `schema` (a value inside the document) that the mock would accept
    /// as an answer: required properties only, arrays at their `minItems`, the same value for
    /// the same schema every time. `None` when the schema asks for more than the generator can
    /// make valid (an unsatisfiable pattern, a required cycle).
    pub fn answer(&self, schema: &Value) -> Option<Value> {
        self.sample(schema, Direction::Response)
    }

    /// As [`Samples::answer`], for a value the client sends (a parameter, a request body):
    /// checked as the mock checks requests.
    pub fn request(&self, schema: &Value) -> Option<Value> {
        self.sample(schema, Direction::Request)
    }

    fn sample(&self, schema: &Value, direction: Direction) -> Option<Value> {
        let accepts = |schema: &Value, value: &Value| {
            self.validators
                .validator(schema, direction)
                .is_none_or(|validator| validator.is_valid(value))
        };
        let value = generate::required_only(&self.root, schema, &mut fastrand::Rng::with_seed(1), &accepts);
        accepts(schema, &value).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_sample_has_what_any_all_of_part_requires() {
        // DigitalOcean's list answers: `meta` declares `total` in one part and requires it in
        // another, and the page itself comes from referenced parts.
        let samples = Samples::new(json!({"components": {"schemas": {
            "Meta": {"properties": {"meta": {"allOf": [
                {"type": "object", "properties": {"total": {"type": "integer"}}},
                {"required": ["total"]}
            ]}}, "required": ["meta"], "type": "object"}
        }}}));
        let schema = json!({"allOf": [
            {"type": "object", "properties": {"tags": {"type": "array"}}},
            {"$ref": "#/components/schemas/Meta"}
        ]});
        let sample = samples.answer(&schema).expect("a valid sample");
        assert!(sample["meta"]["total"].is_i64(), "{sample}");
        assert_eq!(
            sample.as_object().map(|o| o.len()),
            Some(1),
            "required content only: {sample}"
        );
        assert_eq!(
            samples
                .answer(&json!({"allOf": [{"type": "string"}]}))
                .map(|v| v.is_string()),
            Some(true)
        );
    }

    #[test]
    fn a_property_keeps_the_schema_s_own_declaration_over_its_parts() {
        // SendGrid's message: `template_id` is a UUID in the schema's own properties and a
        // plain string in an `allOf` part; the generated field is a UUID.
        let samples = Samples::new(json!({}));
        let schema = json!({
            "type": "object",
            "required": ["template_id"],
            "properties": {"template_id": {"type": "string", "format": "uuid"}},
            "allOf": [{"type": "object", "properties": {"template_id": {"type": "string"}}}]
        });
        let sample = samples.request(&schema).expect("a valid sample");
        let id = sample["template_id"].as_str().unwrap_or_default();
        assert_eq!((id.len(), id.matches('-').count()), (36, 4), "a UUID: {sample}");
    }

    #[test]
    fn a_sample_follows_patterns_and_bounds_and_is_the_same_every_time() {
        let samples = Samples::new(json!({}));
        let id = json!({"type": "string", "pattern": "^[0-9]{1,19}$"});
        let text = samples.request(&id).expect("a sample");
        assert!(
            text.as_str()
                .is_some_and(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())),
            "{text}"
        );
        assert_eq!(samples.request(&id), Some(text));
        let count = samples.request(&json!({"type": "integer", "minimum": 5, "maximum": 5}));
        assert_eq!(count, Some(json!(5)));
    }

    #[test]
    fn a_schema_nothing_satisfies_has_no_sample() {
        let samples = Samples::new(json!({}));
        assert_eq!(
            samples.answer(&json!({"allOf": [{"type": "string"}, {"type": "integer"}]})),
            None
        );
    }
}
