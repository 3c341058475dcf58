//! A scanner over JSON text that records where each value starts, by JSON pointer.
//!
//! It assumes nothing about validity: on malformed input it stops and keeps what it found.

use super::{Position, PositionIndex};
use crate::pointer::escape_token;

/// Nesting deeper than this is not indexed (serde_json refuses it anyway).
const MAX_DEPTH: usize = 512;

pub(super) fn index(text: &str, out: &mut PositionIndex) {
    let mut scanner = Scanner {
        chars: text.chars().collect(),
        at: 0,
        line: 1,
        column: 1,
    };
    if text.starts_with('\u{feff}') {
        scanner.at = 1;
    }
    let mut pointer = String::new();
    scanner.skip_space();
    let start = scanner.position();
    out.insert(String::new(), start);
    let _ = scanner.value(&mut pointer, out, 0);
}

struct Scanner {
    chars: Vec<char>,
    at: usize,
    line: usize,
    column: usize,
}

/// The scanner met something it does not understand.
struct Stop;

impl Scanner {
    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r' | '\n')) {
            self.bump();
        }
    }

    fn expect(&mut self, wanted: char) -> Result<(), Stop> {
        self.skip_space();
        if self.bump() == Some(wanted) {
            Ok(())
        } else {
            Err(Stop)
        }
    }

    /// Scans one value; the caller has recorded its position.
    fn value(&mut self, pointer: &mut String, out: &mut PositionIndex, depth: usize) -> Result<(), Stop> {
        if depth > MAX_DEPTH {
            return Err(Stop);
        }
        self.skip_space();
        match self.peek().ok_or(Stop)? {
            '{' => {
                self.bump();
                self.skip_space();
                if self.peek() == Some('}') {
                    self.bump();
                    return Ok(());
                }
                loop {
                    self.skip_space();
                    let key_position = self.position();
                    let key = self.string()?;
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&escape_token(&key));
                    out.insert(pointer.clone(), key_position);
                    self.expect(':')?;
                    self.value(pointer, out, depth + 1)?;
                    pointer.truncate(len);
                    self.skip_space();
                    match self.bump() {
                        Some(',') => continue,
                        Some('}') => return Ok(()),
                        _ => return Err(Stop),
                    }
                }
            }
            '[' => {
                self.bump();
                self.skip_space();
                if self.peek() == Some(']') {
                    self.bump();
                    return Ok(());
                }
                let mut index = 0usize;
                loop {
                    self.skip_space();
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                    out.insert(pointer.clone(), self.position());
                    self.value(pointer, out, depth + 1)?;
                    pointer.truncate(len);
                    index += 1;
                    self.skip_space();
                    match self.bump() {
                        Some(',') => continue,
                        Some(']') => return Ok(()),
                        _ => return Err(Stop),
                    }
                }
            }
            '"' => self.string().map(drop),
            _ => {
                // A number, `true`, `false` or `null`: up to the next delimiter.
                while let Some(c) = self.peek() {
                    if matches!(c, ',' | '}' | ']' | ' ' | '\t' | '\r' | '\n') {
                        break;
                    }
                    self.bump();
                }
                Ok(())
            }
        }
    }

    /// Scans a string literal and returns its decoded value.
    fn string(&mut self) -> Result<String, Stop> {
        if self.bump() != Some('"') {
            return Err(Stop);
        }
        let mut out = String::new();
        loop {
            match self.bump().ok_or(Stop)? {
                '"' => return Ok(out),
                '\\' => match self.bump().ok_or(Stop)? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'u' => {
                        let mut code = 0u32;
                        for _ in 0..4 {
                            let digit = self.bump().and_then(|c| c.to_digit(16)).ok_or(Stop)?;
                            code = code * 16 + digit;
                        }
                        // Surrogate pairs: good enough to push the replacement character.
                        out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    other => out.push(other),
                },
                other => out.push(other),
            }
        }
    }
}
