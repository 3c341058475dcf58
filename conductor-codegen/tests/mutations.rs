//! Never panic: the generator is fed documents derived from the project's specs by random
//! mutations (deleted keys, values of the wrong type, dangling and cyclic `$ref`s, copied and
//! renamed subtrees, random JSON) and must return code or diagnostics, never panic. Some
//! cases go through text (the mutated document printed as JSON or YAML, or the spec's text
//! with random edits), so parsing and the `line:column` index are exercised too.
//!
//! `MUTATIONS=200000 cargo test --release -p conductor-codegen --test mutations -- --nocapture`
//! runs more cases (the default is a few thousand); `MUTATION_SEED=n` changes the sequence.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use conductor_codegen::Settings;
use serde_json::{Map, Value};

const DEFAULT_CASES: u64 = 2000;

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "null",
    "path",
    "query",
    "header",
    "cookie",
    "body",
    "form",
    "simple",
    "matrix",
    "label",
    "deepObject",
    "spaceDelimited",
    "date-time",
    "uuid",
    "binary",
    "byte",
    "int32",
    "int64",
    "application/json",
    "text/plain",
    "#",
    "#/",
    "#/components/schemas/Missing",
    "#/components/schemas",
    "#/paths",
    "other.yaml#/X",
    "http://example.com/x.json",
    "/pets/{petId}",
    "/{a}/{a}",
    "{",
    "}",
    "type",
    "Self",
    "self",
    "crate",
    "super",
    "r#type",
    "3.0.3",
    "3.1.0",
    "2.0",
    "💥",
    "a b-c.d",
    "9lives",
    "__",
    "_",
    "-",
    "ñandú",
    "\u{0}",
];

const KEYS: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "items",
    "required",
    "enum",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "additionalProperties",
    "nullable",
    "discriminator",
    "propertyName",
    "mapping",
    "format",
    "default",
    "name",
    "in",
    "style",
    "explode",
    "schema",
    "content",
    "parameters",
    "requestBody",
    "responses",
    "operationId",
    "security",
    "components",
    "schemas",
    "paths",
    "prefixItems",
    "const",
    "x-extension",
];

fn random_value(rng: &mut Rng, pointers: &[String], depth: usize) -> Value {
    let kinds = if depth > 3 { 6 } else { 9 };
    match rng.below(kinds) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => {
            let numbers = [
                serde_json::json!(0),
                serde_json::json!(-1),
                serde_json::json!(200),
                serde_json::json!(i64::MAX),
                serde_json::json!(u64::MAX),
                serde_json::json!(1.5),
                serde_json::json!(-0.0),
            ];
            rng.pick(&numbers).clone()
        }
        3 => Value::String((*rng.pick(WORDS)).to_owned()),
        4 => Value::String(format!("#{}", rng.pick(pointers))),
        5 => {
            let mut map = Map::new();
            map.insert("$ref".to_owned(), Value::String(format!("#{}", rng.pick(pointers))));
            Value::Object(map)
        }
        6 | 7 => {
            let mut map = Map::new();
            for _ in 0..rng.below(4) {
                let key = if rng.below(3) == 0 {
                    (*rng.pick(WORDS)).to_owned()
                } else {
                    (*rng.pick(KEYS)).to_owned()
                };
                map.insert(key, random_value(rng, pointers, depth + 1));
            }
            Value::Object(map)
        }
        _ => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, pointers, depth + 1))
                .collect(),
        ),
    }
}

/// Every pointer in a document.
fn pointers(value: &Value, at: &mut String, out: &mut Vec<String>) {
    out.push(at.clone());
    let len = at.len();
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                at.push('/');
                at.push_str(&conductor_codegen::conductor_spec::escape_token(key));
                pointers(child, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                at.push('/');
                at.push_str(&index.to_string());
                pointers(child, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The parent of the value at `pointer` and the last token.
fn parent_mut<'v>(doc: &'v mut Value, pointer: &str) -> Option<(&'v mut Value, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    let last = conductor_codegen::conductor_spec::unescape_token(last).into_owned();
    Some((doc.pointer_mut(parent)?, last))
}

/// Applies one random mutation; returns what it did.
fn mutate(doc: &mut Value, rng: &mut Rng, pointers: &[String]) -> String {
    let target = rng.pick(pointers).clone();
    match rng.below(7) {
        0 => {
            if let Some((parent, last)) = parent_mut(doc, &target) {
                match parent {
                    Value::Object(map) => {
                        map.shift_remove(&last);
                    }
                    Value::Array(items) => {
                        if let Ok(index) = last.parse::<usize>() {
                            if index < items.len() {
                                items.remove(index);
                            }
                        }
                    }
                    _ => {}
                }
            }
            format!("delete {target}")
        }
        1 | 2 => {
            let value = random_value(rng, pointers, 0);
            let text = value.to_string();
            if let Some(slot) = doc.pointer_mut(&target) {
                *slot = value;
            }
            format!("replace {target} with {text}")
        }
        3 => {
            let to = rng.pick(pointers).clone();
            if let Some(slot) = doc.pointer_mut(&target) {
                if let Value::Object(map) = slot {
                    map.insert("$ref".to_owned(), Value::String(format!("#{to}")));
                } else {
                    *slot = serde_json::json!({ "$ref": format!("#{to}") });
                }
            }
            format!("$ref {target} -> #{to}")
        }
        4 => {
            let from = rng.pick(pointers).clone();
            let copied = doc.pointer(&from).cloned();
            if let (Some(copied), Some(slot)) = (copied, doc.pointer_mut(&target)) {
                *slot = copied;
            }
            format!("copy {from} to {target}")
        }
        5 => {
            let pool = if rng.below(2) == 0 { WORDS } else { KEYS };
            let new_key = (*rng.pick(pool)).to_owned();
            if let Some((Value::Object(map), last)) = parent_mut(doc, &target) {
                if let Some(value) = map.shift_remove(&last) {
                    map.insert(new_key.clone(), value);
                }
            }
            format!("rename {target} to {new_key}")
        }
        _ => {
            let word = (*rng.pick(WORDS)).to_owned();
            if let Some(slot) = doc.pointer_mut(&target) {
                if slot.is_string() {
                    *slot = Value::String(word.clone());
                }
            }
            format!("set string {target} to {word:?}")
        }
    }
}

/// Random edits of a text: deleted ranges and inserted YAML/JSON punctuation.
fn edit_text(text: &str, rng: &mut Rng) -> String {
    const INSERTS: &[&str] = &[
        ":", "- ", "{", "}", "[", "]", "'", "\"", "\n", "\t", "  ", "#", "&a ", "*a", "? ", "|", ",",
    ];
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(3) {
        let at = rng.below(chars.len() + 1);
        if rng.below(2) == 0 {
            let end = (at + rng.below(12)).min(chars.len());
            chars.drain(at..end);
        } else {
            let insert: Vec<char> = rng.pick(INSERTS).chars().collect();
            chars.splice(at..at, insert);
        }
    }
    chars.into_iter().collect()
}

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

#[test]
fn mutated_specs_never_panic() {
    let cases: u64 = std::env::var("MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed: u64 = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00c0_ffee);
    let settings = Settings::default();
    let seeds: Vec<(PathBuf, Value, Vec<String>, String)> = ["petstore.yaml", "kitchen-sink.yaml", "tasks-3.1.yaml"]
        .iter()
        .map(|name| {
            let path = spec_dir().join(name);
            let text = std::fs::read_to_string(&path).unwrap();
            let doc = conductor_codegen::conductor_spec::parse(&path, &text).unwrap();
            let mut all = Vec::new();
            pointers(&doc, &mut String::new(), &mut all);
            all.retain(|p| !p.is_empty());
            (path, doc, all, text)
        })
        .collect();

    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let mut failures = Vec::new();
    let (mut ok, mut rejected, mut unrenderable) = (0u64, 0u64, 0u64);
    for case in 0..cases {
        let mut rng = Rng(seed ^ (case.wrapping_add(1)).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let (path, original, all, text) = &seeds[rng.below(seeds.len())];
        let mut doc = original.clone();
        let mut done = Vec::new();
        for _ in 0..=rng.below(3) {
            done.push(mutate(&mut doc, &mut rng, all));
        }
        let as_text = match case % 4 {
            0 => Some((
                path.with_file_name("mutated.json"),
                serde_json::to_string_pretty(&doc).unwrap(),
            )),
            1 => Some((
                path.with_file_name("mutated.yaml"),
                serde_yaml::to_string(&doc).unwrap(),
            )),
            2 => {
                done = vec!["text edits".to_owned()];
                Some((path.clone(), edit_text(text, &mut rng)))
            }
            _ => None,
        };
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            if let Some((text_path, text)) = &as_text {
                let report = conductor_codegen::check_str(text_path, text, &settings);
                return (report.is_ok(), true);
            }
            match conductor_codegen::generate_from_value(path, doc.clone(), &settings) {
                // Whatever passes the checks must also give tokens that parse as Rust.
                Ok(generated) => (true, conductor_codegen::render(&generated.tokens).is_ok()),
                Err(problems) => {
                    assert!(!problems.diagnostics.is_empty(), "an error without a diagnostic");
                    (false, true)
                }
            }
        }));
        match outcome {
            Ok((false, _)) => rejected += 1,
            Ok((true, true)) => ok += 1,
            Ok((true, false)) => {
                unrenderable += 1;
                failures.push(format!("case {case}: generated code does not parse after {done:?}"));
            }
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                failures.push(format!(
                    "case {case} ({}): panicked: {message} after {done:?}",
                    path.display()
                ));
            }
        }
    }
    std::panic::set_hook(previous_hook);
    println!(
        "{cases} mutated documents in {:.1} s: {ok} generated, {rejected} rejected with diagnostics, {unrenderable} unrenderable, {} failures",
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed (seed {seed}):\n{}",
        failures.len(),
        failures.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
}
