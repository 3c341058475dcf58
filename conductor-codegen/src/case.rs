//! Case conversion: words split and joined exactly as `heck` 0.5 does it (its `PascalCase`
//! and `snake_case`), written straight into one `String` rather than through a formatter per
//! character, which made naming a large part of a big spec's expansion.

/// `PascalCase`: every word capitalised, no separator.
pub(crate) fn pascal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    transform(text, &mut out, capitalize, "");
    out
}

/// `snake_case`: every word lowercased, joined by `_`.
pub(crate) fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    transform(text, &mut out, lowercase, "_");
    out
}

#[derive(Clone, Copy, PartialEq)]
enum WordMode {
    /// No cased character since the last word boundary.
    Boundary,
    /// The last cased character in the current word is lowercase.
    Lowercase,
    /// The last cased character in the current word is uppercase.
    Uppercase,
}

/// Splits `text` into words at non-alphanumerics and at case changes (`fooBar`, `HTTPServer`)
/// and writes each with `with_word`, `separator` between them.
fn transform(text: &str, out: &mut String, with_word: fn(&str, &mut String), separator: &str) {
    let mut first_word = true;
    let boundary = |out: &mut String, first_word: &mut bool| {
        if !*first_word {
            out.push_str(separator);
        }
        *first_word = false;
    };
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let mut char_indices = word.char_indices().peekable();
        let mut init = 0;
        let mut mode = WordMode::Boundary;
        while let Some((i, c)) = char_indices.next() {
            if let Some(&(next_i, next)) = char_indices.peek() {
                let next_mode = if c.is_lowercase() {
                    WordMode::Lowercase
                } else if c.is_uppercase() {
                    WordMode::Uppercase
                } else {
                    mode
                };
                if next_mode == WordMode::Lowercase && next.is_uppercase() {
                    // Boundary after a lowercase character followed by an uppercase one.
                    boundary(out, &mut first_word);
                    with_word(&word[init..next_i], out);
                    init = next_i;
                    mode = WordMode::Boundary;
                } else if mode == WordMode::Uppercase && c.is_uppercase() && next.is_lowercase() {
                    // Boundary before the last of several uppercase characters followed by a
                    // lowercase one.
                    boundary(out, &mut first_word);
                    with_word(&word[init..i], out);
                    init = i;
                    mode = WordMode::Boundary;
                } else {
                    mode = next_mode;
                }
            } else {
                // The trailing characters are a word.
                boundary(out, &mut first_word);
                with_word(&word[init..], out);
                break;
            }
        }
    }
}

fn lowercase(word: &str, out: &mut String) {
    if word.is_ascii() {
        // Most spec names: a byte-wise copy, lowercased in place.
        let start = out.len();
        out.push_str(word);
        if let Some(pushed) = out.get_mut(start..) {
            pushed.make_ascii_lowercase();
        }
        return;
    }
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if c == 'Σ' && chars.peek().is_none() {
            out.push('ς');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn capitalize(word: &str, out: &mut String) {
    if let Some(first) = word.chars().next().filter(char::is_ascii) {
        out.push(first.to_ascii_uppercase());
        lowercase(&word[1..], out);
        return;
    }
    let mut char_indices = word.char_indices();
    if let Some((_, c)) = char_indices.next() {
        out.extend(c.to_uppercase());
        if let Some((i, _)) = char_indices.next() {
            lowercase(&word[i..], out);
        }
    }
}

#[cfg(test)]
mod tests {
    use heck::{ToPascalCase, ToSnakeCase};

    use super::*;

    #[test]
    fn words_split_as_heck_splits_them() {
        let samples = [
            "",
            "a",
            "CamelCase",
            "snake_case",
            "kebab-case",
            "HTTPServer",
            "XMLHttpRequest",
            "ABC",
            "aB",
            "Ab",
            "getHTTP2Response",
            "v1.2.3",
            "  leading and trailing  ",
            "__double__under__",
            "+1",
            "pet-store.v2/item",
            "ΣΑΣ",
            "ὈΔΥΣΣΕΎΣ",
            "straße",
            "İstanbul",
            "日本語テキスト",
            "emoji😀name",
            "MixedÜberCase",
            "ǅungla",
            "123abc456DEF",
            "a1B2c3",
            "already_PascalCase_Mixed",
        ];
        for sample in samples {
            assert_eq!(pascal(sample), sample.to_pascal_case(), "pascal({sample:?})");
            assert_eq!(snake(sample), sample.to_snake_case(), "snake({sample:?})");
        }
    }

    #[test]
    fn every_short_mix_of_cases_and_separators_splits_as_heck_splits_it() {
        let pool: Vec<char> = "aBz9_ -.ΣßİǅÜ😀".chars().collect();
        let mut text = String::new();
        for length in 1..=4u32 {
            for mut index in 0..pool.len().pow(length) {
                text.clear();
                for _ in 0..length {
                    text.push(pool[index % pool.len()]);
                    index /= pool.len();
                }
                assert_eq!(pascal(&text), text.to_pascal_case(), "pascal({text:?})");
                assert_eq!(snake(&text), text.to_snake_case(), "snake({text:?})");
            }
        }
    }
}
