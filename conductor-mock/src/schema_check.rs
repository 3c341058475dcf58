//! JSON Schema validators for a spec's schemas, for requests and for answers.
//!
//! OpenAPI 3.0 schemas are translated to JSON Schema (draft 4, whose boolean
//! `exclusiveMinimum` matches 3.0's): `nullable` becomes a `null` alternative, a property that
//! is `readOnly` is not required of requests and one that is `writeOnly` not of answers.
//!
//! A validator compiled by `jsonschema` holds its schema's whole reachable graph, and on large
//! specs nearly every schema reaches nearly every other (one of Stripe's answers compiles most
//! of its 900 component schemas: about 12 ms and 3.5 MB, for each operation). So a reference to
//! a component schema is translated to the keyword `x-conductor-component`, which validates
//! against that component's own validator, compiled on first use (once, or once per direction
//! where `readOnly`/`writeOnly` make them differ) and shared by every validator that reaches it. Memory then grows with the components in use, not with
//! the operations served, and a first request compiles only what no earlier one did.
//!
//! A component's errors carry their path inside the component in the message (`jsonschema`
//! reports a custom keyword's errors where the keyword is); [`Problem`] joins the two back.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::paths::Location;
use jsonschema::{Keyword, ValidationError};
use serde_json::{json, Map, Value};

use conductor_spec::follow_refs as deref;

/// Which side of an exchange a schema is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    /// What a client sends: `readOnly` properties are not required.
    Request,
    /// What the mock answers: `writeOnly` properties are not required.
    Response,
}

impl Direction {
    /// The flag that releases a property from `required` in this direction.
    fn exempt(self) -> &'static str {
        match self {
            Self::Request => "readOnly",
            Self::Response => "writeOnly",
        }
    }
}

/// The keyword a reference to a component schema is translated to; its value is the name.
const COMPONENT: &str = "x-conductor-component";

/// Where component schemas live in the document.
const COMPONENTS: &str = "#/components/schemas/";

/// Separates a component error's path inside the component from its message.
const PATH_END: char = '\u{1f}';

/// The longest message a problem keeps (messages quote the failing value, which may be large).
const MAX_MESSAGE: usize = 1_000;

/// How many other local references one schema may inline before the rest accept anything (a
/// reference that is not to a whole component schema is inlined; this bounds a cycle of them).
const MAX_INLINED: usize = 32;

/// How many compiled validators for whole request schemas are kept (oldest dropped first): each
/// route's are reached on every request. Components are kept for the server's life, once each.
const CACHED_REQUEST_VALIDATORS: usize = 512;

/// How many for answers: an answer is prepared once, so these serve only the unions met while
/// generating one and the mock's own error bodies.
const CACHED_ANSWER_VALIDATORS: usize = 64;

/// How many backtracking steps a `pattern` may take on one value before the match gives up (the
/// value is then reported invalid): a pathological pattern cannot stall a request.
const PATTERN_BACKTRACK_LIMIT: usize = 100_000;

/// Translates an OpenAPI 3.0 schema into JSON Schema (draft 4) for `direction`.
fn translate(root: &Value, schema: &Value, direction: Direction, inlined: &mut usize) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let nullable = map.get("nullable") == Some(&Value::Bool(true));
    let or_null = |out: Value| {
        if nullable {
            json!({"anyOf": [out, {"type": "null"}]})
        } else {
            out
        }
    };
    // As in draft 4 and OpenAPI 3.0, a reference's siblings are ignored (but `nullable`).
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        if let Some(name) = reference.strip_prefix(COMPONENTS).filter(|n| !n.contains('/')) {
            let name = name.replace("~1", "/").replace("~0", "~");
            return or_null(json!({ COMPONENT: name }));
        }
        *inlined += 1;
        if *inlined > MAX_INLINED || !reference.starts_with('#') {
            return or_null(json!({}));
        }
        return or_null(translate(root, deref(root, schema), direction, inlined));
    }
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            // Annotations constrain nothing; left out, they cost the compiled validators nothing.
            "nullable" | "discriminator" | "xml" | "externalDocs" | "example" | "examples" | "deprecated"
            | "description" | "title" | "default" | "readOnly" | "writeOnly" => {}
            extension if extension.starts_with("x-") => {}
            "properties" | "patternProperties" => {
                let translated = value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(k, v)| (k.clone(), translate(root, v, direction, inlined)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(translated));
            }
            "required" => {
                let exempt = |name: &str| {
                    map.get("properties")
                        .and_then(|p| p.get(name))
                        .map(|p| deref(root, p))
                        .and_then(|p| p.get(direction.exempt()))
                        == Some(&Value::Bool(true))
                };
                let kept: Vec<Value> = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|n| n.as_str().is_some_and(|n| !exempt(n)))
                    .cloned()
                    .collect();
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Array(kept));
                }
            }
            "items" | "not" | "additionalProperties" => {
                out.insert(key.clone(), translate(root, value, direction, inlined));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let translated = value
                    .as_array()
                    .map(|v| v.iter().map(|s| translate(root, s, direction, inlined)).collect())
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Array(translated));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    or_null(Value::Object(out))
}

/// `format: uuid`, which draft 4 does not define: five groups of hex digits, 8-4-4-4-12.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A component's validator, compiled on first use (`None`: the component is missing or does not
/// compile, and accepts anything).
type ComponentCell = Arc<OnceLock<Option<Arc<jsonschema::Validator>>>>;

/// What the component keyword needs: the document, and each component's validator — one for
/// both directions where the translation is the same, else one per direction.
struct Components {
    root: Arc<Value>,
    /// The components whose translation depends on the direction (found on first use).
    sensitive: OnceLock<HashSet<String>>,
    /// `(None, name)` for a component the same in both directions.
    compiled: Mutex<HashMap<(Option<Direction>, String), ComponentCell>>,
}

impl Components {
    fn cell(&self, direction: Direction, name: &str) -> ComponentCell {
        let sensitive = self.sensitive.get_or_init(|| direction_sensitive(&self.root));
        let direction = sensitive.contains(name).then_some(direction);
        let mut compiled = self.compiled.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(compiled.entry((direction, name.to_owned())).or_default())
    }
}

/// The component schemas whose translation differs between requests and answers: those with a
/// `readOnly` or `writeOnly` flag anywhere inside, and those that reference one of them.
fn direction_sensitive(root: &Value) -> HashSet<String> {
    fn visit(value: &Value, flagged: &mut bool, targets: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    match (key.as_str(), inner) {
                        ("readOnly" | "writeOnly", Value::Bool(true)) => *flagged = true,
                        ("$ref", Value::String(reference)) => {
                            if let Some(rest) = reference.strip_prefix(COMPONENTS) {
                                let name = rest.split('/').next().unwrap_or_default();
                                targets.push(name.replace("~1", "/").replace("~0", "~"));
                            }
                        }
                        _ => visit(inner, flagged, targets),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| visit(item, flagged, targets)),
            _ => {}
        }
    }
    let mut sensitive = HashSet::new();
    let mut referrers: HashMap<String, Vec<&String>> = HashMap::new();
    let schemas = root.pointer("/components/schemas").and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let (mut flagged, mut targets) = (false, Vec::new());
        visit(schema, &mut flagged, &mut targets);
        if flagged {
            sensitive.insert(name.clone());
        }
        for target in targets {
            referrers.entry(target).or_default().push(name);
        }
    }
    let mut pending: Vec<String> = sensitive.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        for referrer in referrers.get(&name).into_iter().flatten() {
            if sensitive.insert((*referrer).clone()) {
                pending.push((*referrer).clone());
            }
        }
    }
    sensitive
}

/// Compiles a translated schema; its component references resolve through `components`.
fn compile(components: &Arc<Components>, document: &Value, direction: Direction) -> Option<jsonschema::Validator> {
    let shared = Arc::clone(components);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_format("uuid", is_uuid)
        .with_pattern_options(jsonschema::PatternOptions::fancy_regex().backtrack_limit(PATTERN_BACKTRACK_LIMIT))
        .with_keyword(
            COMPONENT,
            move |_parent: &Map<String, Value>, value: &Value, _path: Location| {
                let name = value.as_str().unwrap_or_default().to_owned();
                let keyword: Box<dyn for<'i> Keyword<'i>> = Box::new(ComponentKeyword {
                    components: Arc::clone(&shared),
                    direction,
                    name,
                    cell: OnceLock::new(),
                });
                Ok(keyword)
            },
        )
        .build(document)
        .ok()
}

/// `x-conductor-component: NAME`: the instance is valid against the component schema `NAME`.
struct ComponentKeyword {
    components: Arc<Components>,
    direction: Direction,
    name: String,
    /// The component's cell, found on first use (then reached without a lock).
    cell: OnceLock<ComponentCell>,
}

impl ComponentKeyword {
    fn validator(&self) -> Option<&Arc<jsonschema::Validator>> {
        let cell = self
            .cell
            .get_or_init(|| self.components.cell(self.direction, &self.name));
        cell.get_or_init(|| {
            let components = &self.components;
            let schema = components
                .root
                .pointer("/components/schemas")
                .and_then(|schemas| schemas.get(&self.name))?;
            let document = translate(&components.root, schema, self.direction, &mut 0);
            compile(components, &document, self.direction).map(Arc::new)
        })
        .as_ref()
    }
}

impl<'i> Keyword<'i> for ComponentKeyword {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        match self.validator().map(|v| v.validate(instance)) {
            Some(Err(error)) => Err(within(&error)),
            _ => Ok(()),
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.validator().is_none_or(|v| v.is_valid(instance))
    }

    fn iter_errors(&self, instance: &'i Value) -> Box<dyn Iterator<Item = ValidationError<'i>> + 'i> {
        let Some(validator) = self.validator() else {
            return Box::new(std::iter::empty());
        };
        let errors: Vec<ValidationError<'i>> = validator.iter_errors(instance).map(|error| within(&error)).collect();
        Box::new(errors.into_iter())
    }
}

/// A component's error as the keyword reports it: its path inside the component kept in the
/// message.
fn within(error: &ValidationError<'_>) -> ValidationError<'static> {
    let problem = Problem::of(error);
    ValidationError::custom(format!("{}{PATH_END}{}", problem.path, problem.message))
}

/// One way a value fails its schema: where (a JSON pointer into the value) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// `""` for the value itself, `/name`, `/items/0/id`.
    pub(crate) path: String,
    pub(crate) message: String,
}

impl Problem {
    /// The error's place and message, with a component's inner path joined back on; a message
    /// (which quotes the failing value) is cut at [`MAX_MESSAGE`] characters.
    fn of(error: &ValidationError<'_>) -> Self {
        let outer = error.instance_path().to_string();
        let mut text = error.to_string();
        if let Some((cut, _)) = text.char_indices().nth(MAX_MESSAGE) {
            text.truncate(cut);
            text.push_str("...");
        }
        match text.split_once(PATH_END) {
            Some((inner, message)) => Self {
                path: format!("{outer}{inner}"),
                message: message.to_owned(),
            },
            None => Self {
                path: outer,
                message: text,
            },
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = if self.path.is_empty() { "/" } else { &self.path };
        write!(f, "{path}: {}", self.message)
    }
}

/// Validators for whole schemas of one direction, keyed by the schema's address and checked for
/// equality on a hit (the spec's values live as long as the server; a temporary at a reused
/// address is caught by the equality check), at most `capacity`, the oldest dropped first.
struct Cache {
    by_address: HashMap<usize, Vec<(Value, Arc<jsonschema::Validator>)>>,
    /// One address per entry, oldest first (entries at one address are in the same order).
    order: VecDeque<usize>,
    capacity: usize,
}

impl Cache {
    fn new(capacity: usize) -> Self {
        Self {
            by_address: HashMap::new(),
            order: VecDeque::new(),
            capacity,
        }
    }

    fn get(&self, schema: &Value) -> Option<Arc<jsonschema::Validator>> {
        let key = std::ptr::from_ref(schema) as usize;
        let entries = self.by_address.get(&key)?;
        let (_, validator) = entries.iter().find(|(s, _)| s == schema)?;
        Some(Arc::clone(validator))
    }

    fn insert(&mut self, schema: &Value, validator: Arc<jsonschema::Validator>) {
        while self.order.len() >= self.capacity {
            let Some(oldest) = self.order.pop_front() else { break };
            if let Some(entries) = self.by_address.get_mut(&oldest) {
                if !entries.is_empty() {
                    entries.remove(0);
                }
                if entries.is_empty() {
                    self.by_address.remove(&oldest);
                }
            }
        }
        let key = std::ptr::from_ref(schema) as usize;
        self.by_address
            .entry(key)
            .or_default()
            .push((schema.clone(), validator));
        self.order.push_back(key);
    }
}

/// The validators of a spec. Formats are checked (`date-time`, `date`, `time`, `email`, `uri`,
/// `hostname`, `ipv4`, `ipv6`, `regex`, `uuid`), in requests and answers alike.
pub(crate) struct Validators {
    components: Arc<Components>,
    requests: Mutex<Cache>,
    answers: Mutex<Cache>,
}

impl Validators {
    /// The validators for the document `root`; nothing is compiled until used.
    pub(crate) fn new(root: Arc<Value>) -> Self {
        Self {
            components: Arc::new(Components {
                root,
                sensitive: OnceLock::new(),
                compiled: Mutex::new(HashMap::new()),
            }),
            requests: Mutex::new(Cache::new(CACHED_REQUEST_VALIDATORS)),
            answers: Mutex::new(Cache::new(CACHED_ANSWER_VALIDATORS)),
        }
    }

    /// Compiles every component schema now (in each direction where they differ) rather than
    /// on the requests that first reach them.
    pub(crate) fn compile_components(&self) {
        let components = &self.components;
        let sensitive = components
            .sensitive
            .get_or_init(|| direction_sensitive(&components.root));
        let names: Vec<String> = components
            .root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        for name in names {
            let directions: &[Direction] = if sensitive.contains(&name) {
                &[Direction::Request, Direction::Response]
            } else {
                &[Direction::Request]
            };
            for &direction in directions {
                let keyword = ComponentKeyword {
                    components: Arc::clone(components),
                    direction,
                    name: name.clone(),
                    cell: OnceLock::new(),
                };
                keyword.validator();
            }
        }
    }

    /// The validator for `schema` (a value inside the document), compiled on first use.
    pub(crate) fn validator(&self, schema: &Value, direction: Direction) -> Option<Arc<jsonschema::Validator>> {
        let cache = match direction {
            Direction::Request => &self.requests,
            Direction::Response => &self.answers,
        };
        let lock = || cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = lock().get(schema) {
            return Some(found);
        }
        // Compiled outside the lock: other requests are served meanwhile.
        let document = translate(&self.components.root, schema, direction, &mut 0);
        let validator = Arc::new(compile(&self.components, &document, direction)?);
        lock().insert(schema, Arc::clone(&validator));
        Some(validator)
    }

    /// Every way `value` fails `schema` (a schema that does not compile accepts anything).
    pub(crate) fn problems(&self, schema: &Value, value: &Value, direction: Direction) -> Vec<Problem> {
        self.validator(schema, direction)
            .map(|validator| problems(&validator, value))
            .unwrap_or_default()
    }

    /// The first way `value` is not a valid answer for `schema`, or `None` when it is one.
    pub(crate) fn answer_problem(&self, schema: &Value, value: &Value) -> Option<Problem> {
        let validator = self.validator(schema, Direction::Response)?;
        let problem = validator.validate(value).err().map(|error| Problem::of(&error));
        problem
    }

    /// Whether `value` is a valid answer for `schema`.
    pub(crate) fn is_valid_answer(&self, schema: &Value, value: &Value) -> bool {
        self.validator(schema, Direction::Response)
            .is_none_or(|validator| validator.is_valid(value))
    }
}

/// Every way `value` fails `validator`.
pub(crate) fn problems(validator: &jsonschema::Validator, value: &Value) -> Vec<Problem> {
    if validator.is_valid(value) {
        return Vec::new();
    }
    validator.iter_errors(value).map(|error| Problem::of(&error)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validators(root: Value) -> Validators {
        Validators::new(Arc::new(root))
    }

    #[test]
    fn nullable_read_only_and_write_only_follow_the_direction() {
        let schema = json!({"type": "object", "required": ["id", "name", "secret"], "properties": {
            "id": {"type": "integer", "readOnly": true},
            "name": {"type": "string", "nullable": true},
            "secret": {"type": "string", "writeOnly": true}
        }});
        let checks = validators(json!({}));
        let request_valid = |value: Value| checks.problems(&schema, &value, Direction::Request).is_empty();
        assert!(request_valid(json!({"name": null, "secret": "s"})));
        assert!(!request_valid(json!({"name": 3, "secret": "s"})));
        assert!(
            !request_valid(json!({"name": "a"})),
            "a request must carry its writeOnly secret"
        );
        assert!(
            !checks.is_valid_answer(&schema, &json!({"name": "a"})),
            "an answer must carry its readOnly id"
        );
        assert!(checks.is_valid_answer(&schema, &json!({"id": 1, "name": "a"})));
    }

    #[test]
    fn components_are_compiled_once_and_report_paths_inside_them() {
        let root = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["name"], "properties": {
                "name": {"type": "string"},
                "friend": {"$ref": "#/components/schemas/Pet"},
                "rival": {"$ref": "#/components/schemas/Pet", "nullable": true},
                "born": {"type": "string", "format": "date-time"},
                "tag": {"$ref": "#/components/schemas/Pet/properties/name"}
            }}
        }}});
        let checks = validators(root);
        let schema = json!({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}});
        let value = json!([{"name": "a", "friend": {"name": "b", "friend": {"name": 3}}}]);
        let found = checks.problems(&schema, &value, Direction::Request);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "/0/friend/friend/name");
        assert!(found[0].message.contains("string"), "{}", found[0].message);
        assert!(checks
            .problems(&schema, &json!([{"name": "a", "rival": null}]), Direction::Request)
            .is_empty());
        assert!(!checks
            .problems(&schema, &json!([{"name": "a", "friend": null}]), Direction::Request)
            .is_empty());
        let found = checks.problems(
            &schema,
            &json!([{"name": "a", "born": "yesterday"}]),
            Direction::Request,
        );
        assert_eq!(found[0].path, "/0/born", "formats are checked: {found:?}");
        let found = checks.problems(&schema, &json!([{"name": "a", "tag": 1}]), Direction::Request);
        assert_eq!(
            found[0].path, "/0/tag",
            "a reference into a component is inlined: {found:?}"
        );
        let compiled = checks.components.compiled.lock().map(|c| c.len()).unwrap_or_default();
        assert_eq!(compiled, 1, "one component, one direction");
    }

    #[test]
    fn only_components_that_differ_by_direction_are_compiled_twice() {
        let root = json!({"components": {"schemas": {
            "Id": {"type": "integer", "readOnly": true},
            "Pet": {"type": "object", "properties": {"id": {"$ref": "#/components/schemas/Id"}}},
            "Owner": {"type": "object", "properties": {"pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}},
            "Tag": {"type": "string"}
        }}});
        let sensitive = direction_sensitive(&root);
        let mut names: Vec<&str> = sensitive.iter().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["Id", "Owner", "Pet"]);
        let checks = validators(root);
        for direction in [Direction::Request, Direction::Response] {
            for (name, value) in [("Owner", json!({"pets": [{"id": 1}]})), ("Tag", json!("x"))] {
                let schema = json!({ "$ref": format!("#/components/schemas/{name}") });
                assert!(checks.problems(&schema, &value, direction).is_empty());
            }
        }
        let compiled = checks.components.compiled.lock().map(|c| c.len()).unwrap_or_default();
        assert_eq!(compiled, 7, "Owner, Pet and Id twice, Tag once");
    }

    #[test]
    fn uuids_are_checked() {
        assert!(is_uuid("8f14e45f-ceea-467f-a5b6-2f7a9c3d0e1b"));
        assert!(!is_uuid("8f14e45f-ceea-467f-a5b6-2f7a9c3d0e1"));
        assert!(!is_uuid("not-a-uuid"));
    }
}
