//! Parsing a large JSON document on two threads.
//!
//! A spec's text is one object whose few top-level values (`paths`, `components`, ...) hold
//! almost everything. The object's entries, and the entries of any value holding more than a
//! third of the text, are found by a scan that only follows strings and brackets; the entries
//! are then parsed by `serde_json` in two runs of about equal size, one per thread, and put
//! back together in their order. Anything unusual (not an object, a repeated key, deep
//! nesting, an entry that does not parse) gives up, and the caller parses the whole text as
//! before, which also reports any error where the text has it.

use serde_json::{Map, Value};

/// Texts smaller than this are parsed in one go.
const MIN_SPLIT_LEN: usize = 1 << 20;

/// Nesting deeper than this within an entry gives up (serde_json refuses nesting past 128,
/// counted from the whole document; an entry parsed alone would start lower).
const MAX_DEPTH: usize = 100;

/// The document parsed on two threads, or `None` when the caller should parse it whole.
pub(super) fn parse(text: &str) -> Option<Value> {
    if text.len() < MIN_SPLIT_LEN {
        return None;
    }
    let top = entries(text, skip_ws(text.as_bytes(), 0))?;
    if skip_ws(text.as_bytes(), top.end) != text.len() {
        return None;
    }
    // The pieces: whole top-level entries, or the entries of a large object value.
    let mut pieces = Vec::new();
    for (index, entry) in top.entries.iter().enumerate() {
        let inner = (entry.value.len() * 3 > text.len())
            .then(|| entries(text, entry.value.start))
            .flatten();
        match inner {
            Some(inner) => pieces.extend(inner.entries.into_iter().map(|e| (index, Some(e)))),
            None => pieces.push((index, None)),
        }
    }
    let size = |piece: &(usize, Option<Entry>)| match &piece.1 {
        Some(entry) => entry.value.len(),
        None => top.entries[piece.0].value.len(),
    };
    let total: usize = pieces.iter().map(size).sum();
    let mut first_len = 0;
    let mut sum = 0;
    for piece in &pieces {
        if sum * 2 >= total {
            break;
        }
        sum += size(piece);
        first_len += 1;
    }
    let (first, second) = pieces.split_at(first_len);
    let parse_run = |run: &[(usize, Option<Entry>)]| -> Option<Vec<Value>> {
        run.iter()
            .map(|(index, inner)| {
                let range = inner.as_ref().map_or(&top.entries[*index].value, |e| &e.value);
                serde_json::from_str(&text[range.clone()]).ok()
            })
            .collect()
    };
    let (first, second) = std::thread::scope(|scope| {
        let later = scope.spawn(|| parse_run(second));
        let earlier = parse_run(first);
        (earlier, later.join().ok().flatten())
    });
    let values = first?.into_iter().chain(second?);
    // Put the pieces back: a split entry's pieces are consecutive.
    let mut document = Map::new();
    let mut open: Option<(usize, Map<String, Value>, usize)> = None;
    for ((index, inner), value) in pieces.iter().zip(values) {
        if let Some((open_index, map, count)) = open.take() {
            if open_index == *index {
                open = Some((open_index, map, count));
            } else {
                finish(&mut document, &top, open_index, map, count, text)?;
            }
        }
        match inner {
            Some(entry) => {
                let (_, map, count) = open.get_or_insert_with(|| (*index, Map::new(), 0));
                map.insert(key(text, entry)?, value);
                *count += 1;
            }
            None => {
                document.insert(key(text, &top.entries[*index])?, value);
            }
        }
    }
    if let Some((open_index, map, count)) = open {
        finish(&mut document, &top, open_index, map, count, text)?;
    }
    (document.len() == top.entries.len()).then_some(Value::Object(document))
}

/// Adds a split entry's object to the document (`None` when one of its keys repeated).
fn finish(
    document: &mut Map<String, Value>,
    top: &Object,
    index: usize,
    map: Map<String, Value>,
    count: usize,
    text: &str,
) -> Option<()> {
    if map.len() != count {
        return None;
    }
    document.insert(key(text, &top.entries[index])?, Value::Object(map));
    Some(())
}

fn key(text: &str, entry: &Entry) -> Option<String> {
    serde_json::from_str(&text[entry.key.clone()]).ok()
}

/// An object's entries as byte ranges, and where the object ends.
struct Object {
    entries: Vec<Entry>,
    end: usize,
}

struct Entry {
    /// The key with its quotes.
    key: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

/// The entries of the object starting at `start`.
fn entries(text: &str, start: usize) -> Option<Object> {
    let bytes = text.as_bytes();
    if bytes.get(start) != Some(&b'{') {
        return None;
    }
    let mut entries = Vec::new();
    let mut at = skip_ws(bytes, start + 1);
    if bytes.get(at) == Some(&b'}') {
        return Some(Object { entries, end: at + 1 });
    }
    loop {
        let key_end = string_end(bytes, at)?;
        let key = at..key_end;
        at = skip_ws(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(bytes, at + 1);
        let value_end = value_end(bytes, value_start)?;
        entries.push(Entry {
            key,
            value: value_start..value_end,
        });
        at = skip_ws(bytes, value_end);
        match bytes.get(at) {
            Some(b',') => at = skip_ws(bytes, at + 1),
            Some(b'}') => return Some(Object { entries, end: at + 1 }),
            _ => return None,
        }
    }
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t')) {
        at += 1;
    }
    at
}

/// The end (past the closing quote) of the string starting at `at`.
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end of the value starting at `at`: an object or array to its closing bracket, a string
/// to its closing quote, anything else to the next `,` `}` `]` or whitespace.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0_usize;
            let mut i = at;
            loop {
                match bytes.get(i)? {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => {
                        depth += 1;
                        if depth > MAX_DEPTH {
                            return None;
                        }
                    }
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
            {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A text over the threshold: `document` with a long filler string.
    fn large(document: &str) -> String {
        let filler = "f".repeat(MIN_SPLIT_LEN);
        document.replacen("FILL", &filler, 1)
    }

    #[test]
    fn the_pieces_make_the_same_document() {
        let texts = [
            large(
                r#" { "openapi": "3.0.0", "info": {"title": "T \"q\" \\", "version": "1"},
                "paths": {"/a": {"get": {"description": "FILL"}}, "/b}": [1, 2.5, -3e2, true, null]},
                "components": {"schemas": {"A": {"enum": ["}", "]", "{", "\\\""]}}, "empty": {}},
                "x-list": [], "x-n": 7 } "#,
            ),
            large(r#"{"a": "FILL", "b": {"c": {"d": [{"e": {}}]}, "f": "g"}, "h": 1}"#),
            large(r#"{"a": {"x": 1, "y": "FILL", "z": 3}}"#),
            large(r#"{"only": "FILL"}"#),
        ];
        for text in &texts {
            let whole: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parse(text).as_ref(), Some(&whole));
            // Order is kept too (`Value`'s equality ignores it).
            assert_eq!(
                serde_json::to_string(&parse(text)).ok(),
                serde_json::to_string(&whole).ok()
            );
        }
    }

    #[test]
    fn anything_unusual_is_left_to_the_whole_parse() {
        let deep = format!(
            r#"{{"a": "FILL", "b": {}1{}}}"#,
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        for text in [
            large(r#"["FILL"]"#),
            large(r#"{"a": "FILL", "a": 1}"#),
            large(r#"{"a": {"x": "FILL", "x": 2}}"#),
            large(r#"{"a": "FILL" "b": 1}"#),
            large(r#"{"a": "FILL", "b": 1 2}"#),
            large(r#"{"a": "FILL", "b": tru}"#),
            large(r#"{"a": "FILL"} trailing"#),
            large(r#"{"a": "FILL", "b": {"c": 1,}}"#),
            large(&deep),
            r#"{"small": 1}"#.to_owned(),
        ] {
            assert_eq!(parse(&text), None, "{}", &text[..text.len().min(60)]);
        }
    }
}
