//! Positions in YAML text from the `saphyr-parser` event stream, whose events carry marks.

use saphyr_parser::{Event, Parser, Span};

use super::{Position, PositionIndex};
use crate::pointer::escape_token;

enum Frame {
    /// A mapping: the pointer of the mapping, and the key whose value comes next (`None`
    /// while a key is expected).
    Map { base: String, key: Option<String> },
    /// A sequence and the index of its next item.
    Seq { base: String, next: usize },
    /// A collection used as a mapping key: skipped.
    Skip,
}

pub(super) fn index(text: &str, out: &mut PositionIndex) {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut seen_document = false;
    while let Some(Ok((event, span))) = parser.next_event() {
        match event {
            Event::DocumentStart(_) => {
                if seen_document {
                    // Only the first document of a stream is read.
                    return;
                }
                seen_document = true;
            }
            Event::Scalar(value, ..) => {
                node(&mut stack, out, span, Some(value.as_ref()), None);
            }
            Event::Alias(_) => node(&mut stack, out, span, None, None),
            Event::MappingStart(..) => node(&mut stack, out, span, None, Some(|base| Frame::Map { base, key: None })),
            Event::SequenceStart(..) => node(&mut stack, out, span, None, Some(|base| Frame::Seq { base, next: 0 })),
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            Event::StreamEnd => return,
            _ => {}
        }
    }
}

fn position(span: Span) -> Position {
    Position {
        line: span.start.line(),
        column: span.start.col() + 1,
    }
}

/// A node starts: a scalar (`scalar` is its text), an alias, or a collection (`open` makes its
/// frame from its pointer).
fn node(
    stack: &mut Vec<Frame>,
    out: &mut PositionIndex,
    span: Span,
    scalar: Option<&str>,
    open: Option<fn(String) -> Frame>,
) {
    let pointer = match stack.last_mut() {
        None => {
            out.insert(String::new(), position(span));
            Some(String::new())
        }
        Some(Frame::Skip) => None,
        Some(Frame::Map { base, key }) => match key.take() {
            None => {
                // This node is a key.
                match scalar {
                    Some(text) => {
                        let pointer = format!("{base}/{}", escape_token(text));
                        out.insert(pointer, position(span));
                        *key = Some(text.to_owned());
                    }
                    None => *key = Some(String::from("\u{0}complex key")),
                }
                if open.is_some() {
                    stack.push(Frame::Skip);
                }
                return;
            }
            Some(key) => Some(format!("{base}/{}", escape_token(&key))),
        },
        Some(Frame::Seq { base, next }) => {
            let pointer = format!("{base}/{next}");
            *next += 1;
            out.insert(pointer.clone(), position(span));
            Some(pointer)
        }
    };
    if let Some(open) = open {
        stack.push(match pointer {
            Some(pointer) => open(pointer),
            None => Frame::Skip,
        });
    }
}
