//! `$ref` chains that come back to where they started without ever defining anything
//! (`A: {$ref: B}`, `B: {$ref: A}`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::findings::{child, Findings};
use super::refs::Site;

/// Keys that may sit next to a single `allOf`/`anyOf`/`oneOf` part without defining anything.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "summary",
    "nullable",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "default",
    "externalDocs",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    OnChain(usize),
    Done,
}

pub(super) fn check(document: &Value, sites: &[Site<'_>], findings: &mut Findings) {
    let mut states: BTreeMap<String, State> = BTreeMap::new();
    for site in sites {
        let mut chain: Vec<String> = Vec::new();
        let mut current = site.pointer.clone();
        // A site forwards to its own `$ref`: no need to look it up in the document.
        let mut first_hop = Some(local(site.reference));
        loop {
            match states.get(&current) {
                Some(State::Done) => break,
                Some(State::OnChain(index)) => {
                    report(&chain[*index..], document, findings);
                    break;
                }
                None => {}
            }
            states.insert(current.clone(), State::OnChain(chain.len()));
            chain.push(current.clone());
            let next = match first_hop.take() {
                Some(hop) => hop,
                None => forward(document, &current),
            };
            match next {
                Some(next) => current = next,
                None => break,
            }
        }
        for member in chain {
            states.insert(member, State::Done);
        }
    }
}

/// Where the value at `pointer` (with `#`) forwards to, if all it does is forward: a `$ref`,
/// or a single `allOf`/`anyOf`/`oneOf` part with only annotations beside it.
fn forward(document: &Value, pointer: &str) -> Option<String> {
    let value = conductor_spec::resolve_pointer(document, pointer.strip_prefix('#')?)?;
    let map = value.as_object()?;
    if let Some(reference) = map.get("$ref") {
        return reference.as_str().and_then(local);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(parts)) = map.get(key) {
            let only_annotations = map
                .keys()
                .all(|k| k == key || ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"));
            if parts.len() == 1 && only_annotations {
                return Some(format!("{}/0", child(pointer, key)));
            }
            return None;
        }
    }
    None
}

/// A reference into this document, as the pointer (with `#`) it forwards to.
fn local(reference: &str) -> Option<String> {
    reference.starts_with('#').then(|| reference.to_owned())
}

fn report(cycle: &[String], document: &Value, findings: &mut Findings) {
    // Name the cycle by its `$ref` hops, starting from its first member in pointer order.
    let Some(start) = cycle.iter().enumerate().min_by_key(|(_, p)| p.as_str()).map(|(i, _)| i) else {
        return;
    };
    let rotated: Vec<&String> = cycle[start..].iter().chain(&cycle[..start]).collect();
    let mut path: Vec<String> = rotated.iter().map(|p| format!("`{p}`")).collect();
    path.push(format!("`{}`", rotated[0]));
    let first = rotated[0];
    let at = match conductor_spec::resolve_pointer(document, first.trim_start_matches('#')) {
        Some(value) if value.get("$ref").is_some() => child(first, "$ref"),
        _ => first.clone(),
    };
    findings.error(
        at,
        format!(
            "this `$ref` cycle defines nothing: {}; one of them must be a schema",
            path.join(" → ")
        ),
    );
}
