//! Parameter objects: a known location, a name, and a style that location allows.

use serde_json::Value;

use super::findings::{child, Findings};

/// The styles each location allows (OpenAPI 3, "Style Values"), the default first.
const STYLES: &[(&str, &[&str])] = &[
    ("path", &["simple", "label", "matrix"]),
    ("query", &["form", "spaceDelimited", "pipeDelimited", "deepObject"]),
    ("header", &["simple"]),
    ("cookie", &["form"]),
];

/// Checks the parameters defined in `components/parameters`.
pub(super) fn check_components(document: &Value, findings: &mut Findings) {
    let Some(parameters) = document.pointer("/components/parameters").and_then(Value::as_object) else {
        return;
    };
    for (name, parameter) in parameters {
        check(parameter, &child("#/components/parameters", name), findings);
    }
}

/// Checks one parameter definition (references are checked where they point).
pub(super) fn check(parameter: &Value, pointer: &str, findings: &mut Findings) {
    let Some(map) = parameter.as_object() else {
        findings.error(pointer.to_owned(), "a parameter must be an object".to_owned());
        return;
    };
    if map.contains_key("$ref") {
        return;
    }
    let name = map.get("name").and_then(Value::as_str);
    if name.is_none() {
        findings.error(pointer.to_owned(), "the parameter has no `name`".to_owned());
    }
    let shown = name.map_or_else(String::new, |n| format!(" `{n}`"));
    let location = match map.get("in") {
        None => {
            findings.error(
                pointer.to_owned(),
                format!("the parameter{shown} has no `in`; it must be one of path, query, header, cookie"),
            );
            return;
        }
        Some(Value::String(location)) => location.as_str(),
        Some(_) => {
            findings.error(
                child(pointer, "in"),
                format!("`in` of the parameter{shown} must be a string: path, query, header or cookie"),
            );
            return;
        }
    };
    let Some((_, styles)) = STYLES.iter().find(|(l, _)| *l == location) else {
        let hint = match location {
            "body" | "formData" => {
                "; this is a Swagger 2.0 location: OpenAPI 3 describes bodies with the operation's `requestBody`"
            }
            _ => "",
        };
        findings.error(
            child(pointer, "in"),
            format!(
                "the parameter{shown} is in an invalid location `{location}`; it must be one of path, query, header, cookie{hint}"
            ),
        );
        return;
    };
    match map.get("style") {
        None => {}
        Some(Value::String(style)) if styles.contains(&style.as_str()) => {}
        Some(style) => {
            let style = style.as_str().map_or_else(|| style.to_string(), str::to_owned);
            findings.error(
                child(pointer, "style"),
                format!(
                    "style `{style}` is invalid for the {location} parameter{shown}; {location} parameters take {}",
                    list(styles)
                ),
            );
        }
    }
    if location == "path" && map.get("required") != Some(&Value::Bool(true)) {
        findings.warning(
            pointer,
            format!("the path parameter{shown} is not marked `required: true`; it is required all the same"),
        );
    }
    if !map.contains_key("schema") && !map.contains_key("content") {
        findings.error(
            pointer.to_owned(),
            format!("the parameter{shown} has neither `schema` nor `content`"),
        );
    }
}

/// `a` (the default), `b` or `c`.
fn list(styles: &[&str]) -> String {
    let mut out = String::new();
    for (index, style) in styles.iter().enumerate() {
        if index > 0 {
            out.push_str(if index + 1 == styles.len() { " or " } else { ", " });
        }
        out.push_str(&format!("`{style}`"));
        if index == 0 {
            out.push_str(" (the default)");
        }
    }
    out
}
