//! "Did you mean ...?" for references: the closest existing name by edit distance.

use serde_json::Value;

use crate::pointer::{escape_token, resolve_pointer};

/// Where a pointer stops resolving.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The deepest ancestor that exists (a pointer without `#`; `""` is the document).
    pub parent: String,
    /// The token missing there, unescaped.
    pub missing: String,
    /// The pointer with the missing token replaced by the closest existing key, when one is
    /// close enough to be a likely typo and the result resolves.
    pub suggestion: Option<String>,
}

impl Miss {
    /// `there is no `Pett` in `#/components/schemas`; did you mean `#/components/schemas/Pet`?`
    pub fn explain(&self) -> String {
        let parent = if self.parent.is_empty() {
            "the document".to_owned()
        } else {
            format!("`#{}`", self.parent)
        };
        let mut text = format!("there is no `{}` in {parent}", self.missing);
        if let Some(suggestion) = &self.suggestion {
            text.push_str(&format!("; did you mean `#{suggestion}`?"));
        }
        text
    }
}

fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

/// Explains why `pointer` (without `#`) does not resolve in `document`; `None` when it does
/// or is not a pointer.
pub fn miss(document: &Value, pointer: &str) -> Option<Miss> {
    let tokens: Vec<String> = pointer
        .strip_prefix('/')?
        .split('/')
        .map(|t| crate::pointer::unescape_token(t).into_owned())
        .collect();
    let mut current = document;
    let mut parent = String::new();
    for (index, token) in tokens.iter().enumerate() {
        let next = match current {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => {
                current = next;
                parent = child(&parent, token);
            }
            None => {
                let suggestion = current.as_object().and_then(|map| {
                    let best = closest(token, map.keys().map(String::as_str))?;
                    let mut candidate = child(&parent, best);
                    for rest in &tokens[index + 1..] {
                        candidate = child(&candidate, rest);
                    }
                    resolve_pointer(document, &candidate).map(|_| candidate)
                });
                return Some(Miss {
                    parent,
                    missing: token.clone(),
                    suggestion,
                });
            }
        }
    }
    None
}

/// The candidate closest to `wanted` (case-insensitive edit distance), if it is close
/// enough to be a likely typo.
pub fn closest<'c>(wanted: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    let wanted_lower = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let distance = if candidate.to_lowercase() == wanted_lower {
            0
        } else {
            edit_distance(&wanted_lower, &candidate.to_lowercase())
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let doc = serde_json::json!({"components": {"schemas": {"Pet": {}, "Owner": {}, "Error": {}}}});
        let found = miss(&doc, "/components/schemas/Pett").unwrap();
        assert_eq!(found.parent, "/components/schemas");
        assert_eq!(found.missing, "Pett");
        assert_eq!(found.suggestion.as_deref(), Some("/components/schemas/Pet"));
        let found = miss(&doc, "/components/schema/Owner").unwrap();
        assert_eq!(found.suggestion.as_deref(), Some("/components/schemas/Owner"));
        assert!(miss(&doc, "/components/schemas/Zebra").unwrap().suggestion.is_none());
        assert!(miss(&doc, "/components/schemas/Pet").is_none());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
