//! Every local `$ref` must point at something.

use serde_json::Value;

use conductor_spec::suggest::miss;

use conductor_spec::push_token;

use super::findings::{child, push_index, Findings};

/// Keys whose value maps names (not keywords) to objects.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "paths",
    "pathItems",
    "content",
    "encoding",
    "variables",
];

/// Keys whose value is literal data, never containing references.
const DATA_KEYS: &[&str] = &["example", "default", "enum", "const", "value"];

/// Nesting deeper than this is not walked (parsers refuse it anyway).
const MAX_DEPTH: usize = 256;

/// An object holding a `$ref`.
pub(super) struct Site<'d> {
    /// Where the object is (with `#`).
    pub(super) pointer: String,
    /// The `$ref`.
    pub(super) reference: &'d str,
}

/// Checks every local `$ref` and returns the objects holding one.
pub(super) fn check<'d>(document: &'d Value, findings: &mut Findings) -> Vec<Site<'d>> {
    let mut walker = Walker {
        document,
        findings,
        sites: Vec::new(),
    };
    let mut pointer = String::from("#");
    walker.walk(document, &mut pointer, false, 0);
    walker.sites
}

struct Walker<'a, 'd> {
    document: &'d Value,
    findings: &'a mut Findings,
    sites: Vec<Site<'d>>,
}

impl<'d> Walker<'_, 'd> {
    /// `pointer` is where `value` sits; it is extended for children and restored on return.
    /// `names`: this object's keys are names (of properties, paths, ...), not keywords.
    fn walk(&mut self, value: &'d Value, pointer: &mut String, names: bool, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let len = pointer.len();
        match value {
            Value::Object(map) => {
                if !names {
                    if let Some(Value::String(reference)) = map.get("$ref") {
                        self.sites.push(Site {
                            pointer: pointer.clone(),
                            reference,
                        });
                        self.check_ref(reference, pointer);
                    }
                }
                for (key, child_value) in map {
                    if names {
                        push_token(pointer, key);
                        self.walk(child_value, pointer, false, depth + 1);
                    } else if key == "examples" {
                        push_token(pointer, key);
                        self.examples(child_value, pointer);
                    } else if DATA_KEYS.contains(&key.as_str()) || key.starts_with("x-") || key == "$ref" {
                        // Literal data or extensions.
                    } else {
                        let child_names = NAME_MAPS.contains(&key.as_str()) && child_value.is_object();
                        push_token(pointer, key);
                        self.walk(child_value, pointer, child_names, depth + 1);
                    }
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    push_index(pointer, index);
                    self.walk(item, pointer, false, depth + 1);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// `examples`: a map of Example objects, each of which may be a reference; their values
    /// are data.
    fn examples(&mut self, value: &'d Value, pointer: &str) {
        let Some(map) = value.as_object() else { return };
        for (name, example) in map {
            if let Some(reference) = example.get("$ref").and_then(Value::as_str) {
                let at = child(pointer, name);
                self.sites.push(Site {
                    pointer: at.clone(),
                    reference,
                });
                self.check_ref(reference, &at);
            }
        }
    }

    /// Checks the `$ref` of the object at `holder`.
    fn check_ref(&mut self, reference: &str, holder: &str) {
        let Some(target) = reference.strip_prefix('#') else {
            // A reference into another file; the bundler reported it if it failed.
            return;
        };
        if target.is_empty() {
            return;
        }
        if !target.starts_with('/') {
            self.findings.error(
                child(holder, "$ref"),
                format!(
                    "unresolved $ref `{reference}`: only JSON pointers (`#/components/...`) are supported, not anchors"
                ),
            );
            return;
        }
        if conductor_spec::resolve_pointer(self.document, target).is_some() {
            return;
        }
        let mut message = format!("unresolved $ref `{reference}`");
        if let Some(miss) = miss(self.document, target) {
            message.push_str(": ");
            message.push_str(&miss.explain());
        }
        self.findings.error(child(holder, "$ref"), message);
    }
}
