//! Turning spec names into valid, readable, unique Rust identifiers.

use crate::case;
use proc_macro2::{Ident, Span};

/// Rust keywords (strict and reserved, all editions).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Whether `name` is a Rust keyword (strict or reserved, any edition), which names nothing
/// without `r#`.
///
/// ```
/// assert!(conductor_codegen::is_keyword("box"));
/// assert!(!conductor_codegen::is_keyword("boxes"));
/// ```
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Replaces symbols that carry meaning in API names with words, so `+1` and `-1` stay apart.
fn spell_symbols(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (index, c) in name.chars().enumerate() {
        match c {
            '+' => out.push_str(" plus "),
            '-' if index == 0 => out.push_str(" minus "),
            '*' => out.push_str(" star "),
            '@' if index == 0 => out.push_str(" at "),
            '<' => out.push_str(" lt "),
            '>' => out.push_str(" gt "),
            '=' => out.push_str(" eq "),
            '!' => out.push_str(" not "),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// The ASCII letters, digits and underscores of `text`. Bytes, not characters: every byte of
/// a multi-byte character is above ASCII, so none is kept.
fn ascii_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    out.extend(
        text.bytes()
            .filter(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .map(char::from),
    );
    out
}

/// A type or variant name: `PascalCase`, never empty, never starting with a digit.
pub(crate) fn type_name(raw: &str) -> String {
    TYPE_NAMES.with(|memo| memo.get_or_make(raw, make_type_name))
}

/// A field, method or parameter name: `snake_case`, raw when it is a keyword.
pub(crate) fn field_name(raw: &str) -> String {
    FIELD_NAMES.with(|memo| memo.get_or_make(raw, make_field_name))
}

thread_local! {
    /// Spec names recur (`id`, `url`, `created_at` in most objects), and case conversion is
    /// the costly part of naming, so each distinct name is converted once per thread.
    static TYPE_NAMES: Memo = Memo::default();
    static FIELD_NAMES: Memo = Memo::default();
}

/// Converted names by spec name; forgets everything when it grows past a bound, so a
/// long-lived compiler process does not keep every name of every expansion.
#[derive(Default)]
struct Memo(std::cell::RefCell<crate::fast_hash::FastMap<String, String>>);

impl Memo {
    const MAX_ENTRIES: usize = 1 << 17;

    fn get_or_make(&self, raw: &str, make: fn(&str) -> String) -> String {
        if let Some(name) = self.0.borrow().get(raw) {
            return name.clone();
        }
        let name = make(raw);
        let mut names = self.0.borrow_mut();
        if names.len() >= Self::MAX_ENTRIES {
            names.clear();
        }
        names.insert(raw.to_owned(), name.clone());
        name
    }
}

fn make_type_name(raw: &str) -> String {
    let spelled = spell_symbols(raw);
    let mut name = ascii_only(&case::pascal(&spelled));
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

fn make_field_name(raw: &str) -> String {
    let spelled = spell_symbols(raw);
    let mut name = ascii_only(&case::snake(&spelled));
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// An identifier for `name`, using a raw identifier for keywords and a trailing `_` where a
/// raw identifier is not allowed.
pub(crate) fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// Hands out names, suffixing a number when a name is taken, so two spec names that map to
/// the same Rust name stay apart. Deterministic: the same requests in the same order give the
/// same names.
#[derive(Debug, Default, Clone)]
pub(crate) struct NameSet {
    taken: crate::fast_hash::FastSet<String>,
}

impl NameSet {
    pub(crate) fn new(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    pub(crate) fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let mut counter = 2;
        loop {
            let candidate = format!("{wanted}{counter}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            counter += 1;
        }
    }
}

/// The candidate closest to `wanted`, if it is close enough to be a typo.
pub(crate) use conductor_spec::suggest::closest;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_valid_rust() {
        assert_eq!(type_name("pet-store.v2/item"), "PetStoreV2Item");
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("-1"), "Minus1");
        assert_eq!(type_name("200"), "V200");
        assert_eq!(type_name(""), "Value");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(field_name("petId"), "pet_id");
        assert_eq!(field_name("type"), "type");
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(field_name("1st place"), "_1st_place");
        assert_eq!(field_name("@odata.id"), "at_odata_id");
        assert_eq!(field_name("日本"), "value");
    }

    #[test]
    fn suggestions_are_close_names() {
        let names = ["listPets", "getPetById", "createPet"];
        assert_eq!(closest("getPetByID", names.into_iter()), Some("getPetById"));
        assert_eq!(closest("somethingElse", names.into_iter()), None);
    }

    #[test]
    fn collisions_get_suffixes() {
        let mut names = NameSet::new(&["Client"]);
        assert_eq!(names.claim("Client".into()), "Client2");
        assert_eq!(names.claim("Pet".into()), "Pet");
        assert_eq!(names.claim("Pet".into()), "Pet2");
    }
}
