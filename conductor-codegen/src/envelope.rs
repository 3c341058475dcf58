//! Error envelopes inside success responses (Slack's `{"ok": false, "error": "..."}`): declared
//! by the attribute (`envelope = "ok=/ok error=/error"`) or the document's top-level
//! `x-conductor-envelope: {ok: /ok, error: /error}`.

use serde_json::Value;

/// JSON pointers to the success flag and to the error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    pub(crate) ok: String,
    pub(crate) error: String,
}

/// Parses the attribute's `"ok=/ok error=/error"` (either key may be left out: `/ok`, `/error`).
pub(crate) fn parse_attribute(text: &str) -> Result<Envelope, String> {
    let mut envelope = Envelope {
        ok: "/ok".to_owned(),
        error: "/error".to_owned(),
    };
    for word in text.split([' ', ',']).filter(|w| !w.is_empty()) {
        match word.split_once('=') {
            Some(("ok", pointer)) => envelope.ok = pointer_of(pointer)?,
            Some(("error", pointer)) => envelope.error = pointer_of(pointer)?,
            _ => return Err(format!("`{word}` is not `ok=/pointer` or `error=/pointer`")),
        }
    }
    Ok(envelope)
}

/// Reads `x-conductor-envelope` from the document's top level.
pub(crate) fn from_document(raw: &Value) -> Result<Option<Envelope>, String> {
    let Some(declared) = raw.get("x-conductor-envelope") else {
        return Ok(None);
    };
    let field = |key: &str, default: &str| match declared.get(key) {
        None => Ok(default.to_owned()),
        Some(Value::String(pointer)) => pointer_of(pointer),
        Some(_) => Err(format!("`x-conductor-envelope.{key}` must be a JSON pointer string")),
    };
    if !declared.is_object() {
        return Err("`x-conductor-envelope` must be an object with `ok` and `error` pointers".to_owned());
    }
    Ok(Some(Envelope {
        ok: field("ok", "/ok")?,
        error: field("error", "/error")?,
    }))
}

fn pointer_of(text: &str) -> Result<String, String> {
    if text.starts_with('/') {
        Ok(text.to_owned())
    } else {
        Err(format!("`{text}` is not a JSON pointer (one starts with `/`)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attribute_and_extension() {
        assert_eq!(
            parse_attribute("ok=/success error=/detail/message").unwrap(),
            Envelope {
                ok: "/success".into(),
                error: "/detail/message".into()
            }
        );
        assert_eq!(parse_attribute("").unwrap().ok, "/ok");
        assert!(parse_attribute("ok=success").unwrap_err().contains("JSON pointer"));
        assert!(parse_attribute("status=/x").is_err());
        let raw = json!({"x-conductor-envelope": {"error": "/err"}});
        assert_eq!(
            from_document(&raw).unwrap(),
            Some(Envelope {
                ok: "/ok".into(),
                error: "/err".into()
            })
        );
        assert_eq!(from_document(&json!({})).unwrap(), None);
        assert!(from_document(&json!({"x-conductor-envelope": true})).is_err());
    }
}
