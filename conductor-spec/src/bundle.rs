//! Bundling: every `$ref` into another file is resolved and the target brought into the root
//! document, so later stages only ever see local (`#/...`) references.
//!
//! Schemas are hoisted into `components/schemas` under their own name (so recursion and named
//! types survive); everything else (parameters, responses, path items, ...) is inlined at the
//! place that referenced it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value};

use crate::origins::Origins;
use crate::parse::parse_document;
use crate::pointer::{escape_token, push_token, resolve_pointer, unescape_fragment_token};
use crate::SpecError;

/// How deep inlined references may nest before we call it a cycle.
const MAX_INLINE_DEPTH: usize = 64;

/// What bundling produced: the document, the files read, where bundled values came from,
/// and every reference that could not be resolved.
pub(crate) struct Bundled {
    pub(crate) document: Value,
    pub(crate) files: Vec<PathBuf>,
    pub(crate) origins: Origins,
    pub(crate) problems: Vec<SpecError>,
}

pub(crate) fn bundle(root_path: &Path, mut root: Value) -> Bundled {
    let root_file = normalize_path(root_path);
    if only_local_refs(&root) {
        // Nothing to bring in: skip the rewriting walk (and its pointer bookkeeping).
        return Bundled {
            document: root,
            files: vec![root_file],
            origins: Origins::default(),
            problems: Vec::new(),
        };
    }
    let mut bundler = Bundler {
        root_file: root_file.clone(),
        files: vec![root_file.clone()],
        documents: BTreeMap::new(),
        failed: BTreeMap::new(),
        imported: BTreeMap::new(),
        hoisted: Vec::new(),
        taken_names: existing_schema_names(&root),
        origins: Origins::default(),
        problems: Vec::new(),
    };
    let mut location = String::new();
    bundler.rewrite(&mut root, &root_file, &mut location, false, 0);
    if !bundler.hoisted.is_empty() {
        let schemas = schemas_mut(&mut root);
        for (name, schema) in bundler.hoisted {
            schemas.insert(name, schema);
        }
    }
    Bundled {
        document: root,
        files: bundler.files,
        origins: bundler.origins,
        problems: bundler.problems,
    }
}

/// Whether every `$ref` (wherever the rewriting walk would look) is a string naming a place
/// in this document, which the walk leaves as it is.
fn only_local_refs(value: &Value) -> bool {
    match value {
        // Comparing each key is cheaper than hashing `$ref` for a lookup in every object.
        Value::Object(map) => map.iter().all(|(key, value)| match value {
            Value::String(reference) if key == "$ref" => reference.starts_with('#'),
            value => only_local_refs(value),
        }),
        Value::Array(items) => items.iter().all(only_local_refs),
        _ => true,
    }
}

struct Bundler {
    root_file: PathBuf,
    files: Vec<PathBuf>,
    documents: BTreeMap<PathBuf, Value>,
    /// Files that could not be read or parsed, with why (reported at every reference).
    failed: BTreeMap<PathBuf, String>,
    /// `(file, fragment)` → name in `components/schemas`.
    imported: BTreeMap<(PathBuf, String), String>,
    hoisted: Vec<(String, Value)>,
    taken_names: std::collections::BTreeSet<String>,
    origins: Origins,
    problems: Vec<SpecError>,
}

impl Bundler {
    fn rewrite(&mut self, value: &mut Value, file: &Path, location: &mut String, in_schema: bool, depth: usize) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let reference = reference.clone();
                    match self.resolve_ref(&reference, file, location, in_schema, depth) {
                        Ok(None) => {}
                        Ok(Some(Resolved::Ref(local))) => {
                            map.insert("$ref".to_owned(), Value::String(local));
                        }
                        Ok(Some(Resolved::Inline(inlined))) => {
                            *value = inlined;
                            return;
                        }
                        Err(problem) => {
                            self.problems.push(problem);
                            // Name the file, so later stages see a reference into another
                            // file (already reported) rather than a local one.
                            if reference.starts_with('#') {
                                let qualified = format!("{}{reference}", file.display());
                                map.insert("$ref".to_owned(), Value::String(qualified));
                            }
                        }
                    }
                }
                let Value::Object(map) = value else {
                    return;
                };
                for (key, child) in map.iter_mut() {
                    let child_in_schema = in_schema || key == "schema" || key == "schemas";
                    let len = location.len();
                    push_token(location, key);
                    self.rewrite(child, file, location, child_in_schema, depth);
                    location.truncate(len);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter_mut().enumerate() {
                    let len = location.len();
                    // Writing to a String cannot fail.
                    let _ = write!(location, "/{index}");
                    self.rewrite(child, file, location, in_schema, depth);
                    location.truncate(len);
                }
            }
            _ => {}
        }
    }

    /// Returns `None` when the reference is already local to the root document.
    fn resolve_ref(
        &mut self,
        reference: &str,
        file: &Path,
        location: &str,
        in_schema: bool,
        depth: usize,
    ) -> Result<Option<Resolved>, SpecError> {
        let unresolved = |message: String| SpecError::UnresolvedRef {
            path: file.to_path_buf(),
            location: location.to_owned(),
            reference: reference.to_owned(),
            message,
        };
        let (file_part, fragment) = match reference.split_once('#') {
            Some((f, frag)) => (f, frag.to_owned()),
            None => (reference, String::new()),
        };
        if file_part.contains("://") {
            return Err(unresolved(
                "remote references are not fetched at compile time; download the file and refer to it by a relative path"
                    .to_owned(),
            ));
        }
        let target_file = if file_part.is_empty() {
            file.to_path_buf()
        } else {
            let base = file.parent().unwrap_or_else(|| Path::new(""));
            normalize_path(&base.join(file_part))
        };
        if target_file == self.root_file {
            if file_part.is_empty() {
                return Ok(None);
            }
            return Ok(Some(Resolved::Ref(format!("#{fragment}"))));
        }
        if depth >= MAX_INLINE_DEPTH {
            return Err(unresolved(
                "references nest too deeply (a cycle of non-schema references?)".to_owned(),
            ));
        }
        if let Err(why) = self.ensure_loaded(&target_file) {
            return Err(match why {
                Loading::Unreadable(message) => {
                    unresolved(format!("the file `{}` cannot be read: {message}", file_part))
                }
                Loading::Invalid(problem) => *problem,
            });
        }
        let Some(document) = self.documents.get(&target_file) else {
            return Err(unresolved("the file was not loaded".to_owned()));
        };
        let Some(target) = resolve_pointer(document, &fragment).cloned() else {
            let why = crate::suggest::miss(document, &fragment)
                .map_or_else(|| format!("`#{fragment}` is not a JSON pointer"), |miss| miss.explain());
            return Err(unresolved(if file_part.is_empty() {
                why
            } else {
                format!("in `{file_part}`, {why}")
            }));
        };
        let hoist = in_schema || fragment.contains("/schemas/") || fragment.contains("/definitions/");
        if hoist {
            let key = (target_file.clone(), fragment.clone());
            if let Some(name) = self.imported.get(&key) {
                return Ok(Some(Resolved::Ref(schema_ref(name))));
            }
            let name = self.fresh_name(&fragment, &target_file);
            self.imported.insert(key, name.clone());
            self.origins.insert(
                &self.root_file,
                &format!("/components/schemas/{}", escape_token(&name)),
                &target_file,
                &fragment,
            );
            let mut schema = target;
            let mut inner_location = fragment.clone();
            self.rewrite(&mut schema, &target_file, &mut inner_location, true, depth + 1);
            self.hoisted.push((name.clone(), schema));
            Ok(Some(Resolved::Ref(schema_ref(&name))))
        } else {
            let mut inlined = target;
            self.origins.insert(file, location, &target_file, &fragment);
            let mut inner_location = fragment.clone();
            self.rewrite(&mut inlined, &target_file, &mut inner_location, in_schema, depth + 1);
            Ok(Some(Resolved::Inline(inlined)))
        }
    }

    fn ensure_loaded(&mut self, path: &Path) -> Result<(), Loading> {
        if self.documents.contains_key(path) {
            return Ok(());
        }
        if let Some(message) = self.failed.get(path) {
            return Err(Loading::Unreadable(message.clone()));
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) => {
                let message = crate::describe_io_error(path, &err);
                self.failed.insert(path.to_path_buf(), message.clone());
                return Err(Loading::Unreadable(message));
            }
        };
        self.files.push(path.to_path_buf());
        match parse_document(path, &text) {
            Ok(value) => {
                self.documents.insert(path.to_path_buf(), value);
                Ok(())
            }
            Err(problem) => {
                // Reported once, with its own position; later references are quiet about it.
                self.failed
                    .insert(path.to_path_buf(), "it is not valid JSON or YAML".to_owned());
                Err(Loading::Invalid(Box::new(problem)))
            }
        }
    }

    fn fresh_name(&mut self, fragment: &str, file: &Path) -> String {
        let base = fragment
            .rsplit('/')
            .next()
            .filter(|last| !last.is_empty())
            .map(|token| unescape_fragment_token(token).into_owned())
            .or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Schema".to_owned());
        let mut name = base.clone();
        let mut counter = 2;
        while self.taken_names.contains(&name) {
            name = format!("{base}{counter}");
            counter += 1;
        }
        self.taken_names.insert(name.clone());
        name
    }
}

/// Why a referenced file is not available.
enum Loading {
    Unreadable(String),
    Invalid(Box<SpecError>),
}

enum Resolved {
    Ref(String),
    Inline(Value),
}

fn schema_ref(name: &str) -> String {
    format!("#/components/schemas/{}", escape_token(name))
}

fn existing_schema_names(root: &Value) -> std::collections::BTreeSet<String> {
    root.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

fn schemas_mut(root: &mut Value) -> &mut Map<String, Value> {
    let object = ensure_object(root);
    let components = ensure_object(object.entry("components").or_insert_with(|| Value::Object(Map::new())));
    ensure_object(components.entry("schemas").or_insert_with(|| Value::Object(Map::new())))
}

fn ensure_object(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        _ => unreachable!("just made an object"),
    }
}

/// Removes `.` and resolves `..` lexically, so one file always has one key.
pub(crate) fn normalize_path(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_with_only_local_refs_is_left_as_it_is() {
        let local = serde_json::json!({
            "paths": {"/a": {"get": {"responses": {"200": {"$ref": "#/components/responses/Ok"}}}}},
            "components": {"schemas": {"A": {"properties": {"$ref": {"type": "string"}}}}}
        });
        assert!(only_local_refs(&local));
        let bundled = bundle(Path::new("api.json"), local.clone());
        assert_eq!(bundled.document, local);
        assert_eq!(bundled.files, [normalize_path(Path::new("api.json"))]);
        assert!(bundled.problems.is_empty());

        // A reference into another file anywhere (even inside an example, where the walk also
        // looks) takes the full walk, which reports the missing file.
        let external = serde_json::json!({"paths": {}, "x-example": [{"$ref": "missing.json#/A"}]});
        assert!(!only_local_refs(&external));
        assert_eq!(bundle(Path::new("api.json"), external).problems.len(), 1);
        assert!(!only_local_refs(
            &serde_json::json!({"$ref": "https://example.com/a.json"})
        ));
    }
}
