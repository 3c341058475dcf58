//! Small readers of JSON values shared by the hand-written model readers ([`crate::schema`],
//! [`crate::path_item`]). Each returns `None` to mean "give up": the caller then leaves the
//! whole value to serde.

use indexmap::IndexMap;
use openapiv3::ReferenceOr;
use serde_json::{Map, Value};

/// A `$ref` object (its reference a string), or the object read by `read`.
pub(crate) fn reference_or<T>(
    value: &Value,
    read: impl FnOnce(&Map<String, Value>) -> Option<T>,
) -> Option<ReferenceOr<T>> {
    let object = value.as_object()?;
    match object.get("$ref") {
        Some(Value::String(reference)) => Some(ReferenceOr::Reference {
            reference: reference.clone(),
        }),
        Some(_) => None,
        None => read(object).map(ReferenceOr::Item),
    }
}

/// `Some(None)` when absent, `Some(Some(read))` when `read` accepts the value, `None` (give
/// up) when it does not.
pub(crate) fn optional<'a, T>(
    value: Option<&'a Value>,
    read: impl FnOnce(&'a Value) -> Option<T>,
) -> Option<Option<T>> {
    match value {
        None => Some(None),
        Some(value) => read(value).map(Some),
    }
}

/// An optional field: `null` is absent.
pub(crate) fn nullable<T>(value: &Value, read: impl FnOnce(&Value) -> Option<T>) -> Option<Option<T>> {
    optional((!value.is_null()).then_some(value), read)
}

/// A string field.
pub(crate) fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

/// An object read entry by entry, in order.
pub(crate) fn entries<T>(value: &Value, read: impl Fn(&Value) -> Option<T>) -> Option<IndexMap<String, T>> {
    value
        .as_object()?
        .iter()
        .map(|(key, value)| Some((key.clone(), read(value)?)))
        .collect()
}

/// The `x-` keys of an object, as `openapiv3`'s flattened `extensions` collect them.
pub(crate) fn extensions(object: &Map<String, Value>) -> IndexMap<String, Value> {
    object
        .iter()
        .filter(|(key, _)| key.starts_with("x-"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}
