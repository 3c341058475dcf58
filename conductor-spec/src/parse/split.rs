//! Parsing a large JSON document on two threads.
//!
//! A spec's text is one object whose few top-level values (`paths`, `components`, ...) hold
//! almost everything. A scan that only follows strings and brackets finds the entries of the
//! document, of its object values and of theirs; large entries are taken apart into their own
//! entries, the pieces shared between two threads by size and parsed by `serde_json`, and the
//! document put back together in its order. Anything unusual (not an object, a repeated key,
//! deep nesting, a piece that does not parse) gives up, and the caller parses the whole text
//! as before, which also reports any error where the text has it.

use std::ops::Range;

use serde_json::{Map, Value};

/// Texts smaller than this are parsed in one go.
const MIN_SPLIT_LEN: usize = 1 << 20;

/// Nesting deeper than this within a piece gives up (serde_json refuses nesting past 128,
/// counted from the whole document; a piece parsed alone would start lower).
const MAX_DEPTH: usize = 100;

/// How many levels of object entries the scan records (the document's, and two below).
const LEVELS: usize = 3;

/// The document parsed on two threads, or `None` when the caller should parse it whole.
pub(super) fn parse(text: &str) -> Option<Value> {
    if text.len() < MIN_SPLIT_LEN {
        return None;
    }
    let bytes = text.as_bytes();
    let document = object(bytes, skip_ws(bytes, 0), LEVELS)?;
    if skip_ws(bytes, document.end) != text.len() {
        return None;
    }
    // An entry larger than this is taken apart, when the scan recorded its entries.
    let piece_len = text.len() / 8;
    let mut pieces = Vec::new();
    let plan = Plan::Split(
        document
            .entries
            .iter()
            .map(|entry| (entry.key.clone(), plan(entry, piece_len, &mut pieces)))
            .collect(),
    );
    // The largest pieces first, each to the thread with less so far.
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(pieces[i].len()));
    let (mut mine, mut theirs) = (Vec::new(), Vec::new());
    let (mut my_len, mut their_len) = (0, 0);
    for i in order {
        if my_len <= their_len {
            my_len += pieces[i].len();
            mine.push(i);
        } else {
            their_len += pieces[i].len();
            theirs.push(i);
        }
    }
    let parse_all = |indices: &[usize]| -> Option<Vec<(usize, Value)>> {
        indices
            .iter()
            .map(|&i| Some((i, serde_json::from_str(&text[pieces[i].clone()]).ok()?)))
            .collect()
    };
    let (mine, theirs) = std::thread::scope(|scope| {
        let theirs = scope.spawn(|| parse_all(&theirs));
        let mine = parse_all(&mine);
        (mine, theirs.join().ok().flatten())
    });
    let mut values: Vec<Option<Value>> = vec![None; pieces.len()];
    for (i, value) in mine?.into_iter().chain(theirs?) {
        values[i] = Some(value);
    }
    build(text, &plan, &mut values)
}

/// How a value is read: as one piece, or as an object whose entries are read each by its plan.
enum Plan {
    Piece(usize),
    Split(Vec<(Range<usize>, Plan)>),
}

fn plan(entry: &Entry, piece_len: usize, pieces: &mut Vec<Range<usize>>) -> Plan {
    match &entry.inner {
        Some(inner) if entry.value.len() > piece_len => Plan::Split(
            inner
                .entries
                .iter()
                .map(|entry| (entry.key.clone(), plan(entry, piece_len, pieces)))
                .collect(),
        ),
        _ => {
            pieces.push(entry.value.clone());
            Plan::Piece(pieces.len() - 1)
        }
    }
}

/// The value `plan` describes, from the parsed pieces (`None` when an object repeats a key).
fn build(text: &str, plan: &Plan, values: &mut [Option<Value>]) -> Option<Value> {
    match plan {
        Plan::Piece(i) => values.get_mut(*i)?.take(),
        Plan::Split(entries) => {
            let mut map = Map::new();
            for (key, plan) in entries {
                let key: String = serde_json::from_str(&text[key.clone()]).ok()?;
                map.insert(key, build(text, plan, values)?);
            }
            (map.len() == entries.len()).then_some(Value::Object(map))
        }
    }
}

/// An object's entries as byte ranges, and where the object ends.
struct Object {
    entries: Vec<Entry>,
    end: usize,
}

struct Entry {
    /// The key with its quotes.
    key: Range<usize>,
    value: Range<usize>,
    /// The value's own entries, when it is an object on a level the scan records.
    inner: Option<Object>,
}

/// The entries of the object starting at `start`, and of its object values `levels - 1` deep.
fn object(bytes: &[u8], start: usize, levels: usize) -> Option<Object> {
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
        let (value_end, inner) = if levels > 1 && bytes.get(value_start) == Some(&b'{') {
            let inner = object(bytes, value_start, levels - 1)?;
            (inner.end, Some(inner))
        } else {
            (value_end(bytes, value_start)?, None)
        };
        entries.push(Entry {
            key,
            value: value_start..value_end,
            inner,
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
        i += memchr::memchr2(b'"', b'\\', bytes.get(i..)?)?;
        if bytes.get(i) == Some(&b'"') {
            return Some(i + 1);
        }
        i += 2;
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
