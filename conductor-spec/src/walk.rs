//! The one walk over a document's operations, read by the generator, its validator, the mock
//! server and the CLI alike: each path item (through its `$ref`), each operation in it in the
//! order OpenAPI lists the methods, the id it goes by, and its parameters with the path-level
//! ones merged in. Copies of this walk drifted before (a blank `operationId` was absent to the
//! generator but an id to the mock), so there is only this one.

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::ids::derived_id;
use crate::pointer::{push_token, resolve_refs};

/// An HTTP method a path item can hold an operation for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// `get`
    Get,
    /// `put`
    Put,
    /// `post`
    Post,
    /// `delete`
    Delete,
    /// `options`
    Options,
    /// `head`
    Head,
    /// `patch`
    Patch,
    /// `trace`
    Trace,
}

impl Method {
    /// Every method, in the order of OpenAPI's Path Item Object (the order operations are
    /// walked in).
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The path item's key for this method: `get`.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The method as sent: `GET`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// The method for a path item's key (`get`); `None` for any other key.
    pub fn from_key(key: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|method| method.key() == key)
    }

    /// The operation a modelled path item holds for this method.
    pub fn operation_of(self, item: &openapiv3::PathItem) -> Option<&openapiv3::Operation> {
        self.slot(item).as_ref()
    }

    /// Where a modelled path item keeps the operation for this method.
    pub(crate) fn slot_mut(self, item: &mut openapiv3::PathItem) -> &mut Option<openapiv3::Operation> {
        match self {
            Method::Get => &mut item.get,
            Method::Put => &mut item.put,
            Method::Post => &mut item.post,
            Method::Delete => &mut item.delete,
            Method::Options => &mut item.options,
            Method::Head => &mut item.head,
            Method::Patch => &mut item.patch,
            Method::Trace => &mut item.trace,
        }
    }

    fn slot(self, item: &openapiv3::PathItem) -> &Option<openapiv3::Operation> {
        match self {
            Method::Get => &item.get,
            Method::Put => &item.put,
            Method::Post => &item.post,
            Method::Delete => &item.delete,
            Method::Options => &item.options,
            Method::Head => &item.head,
            Method::Patch => &item.patch,
            Method::Trace => &item.trace,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The id of an operation: its `operationId`, unless that is missing or blank (only
/// whitespace), then the one [`derived_id`] gives from its method and path.
///
/// ```
/// use conductor_spec::{operation_id, Method};
///
/// assert_eq!(operation_id(Some("listPets"), Method::Get, "/pets"), "listPets");
/// assert_eq!(operation_id(Some("  "), Method::Get, "/pets/{id}"), "get_pets_id");
/// assert_eq!(operation_id(None, Method::Post, "/pets"), "post_pets");
/// ```
pub fn operation_id(given: Option<&str>, method: Method, path: &str) -> String {
    match given_id(given) {
        Some(id) => id.to_owned(),
        None => derived_id(method.as_str(), path),
    }
}

/// The path a request for an operation is sent to: its path template without a `#fragment`.
/// Some specs write one to declare several operations on one method and path (Box:
/// `/files/{file_id}#update_shared_link` beside `/files/{file_id}`); a client never sends it.
///
/// ```
/// use conductor_spec::request_path;
///
/// assert_eq!(request_path("/files/{file_id}#update_shared_link"), "/files/{file_id}");
/// assert_eq!(request_path("/files/{file_id}"), "/files/{file_id}");
/// ```
pub fn request_path(template: &str) -> &str {
    template.split('#').next().unwrap_or_default()
}

/// `given` unless it is blank: a blank `operationId` counts as absent everywhere.
fn given_id(given: Option<&str>) -> Option<&str> {
    given.filter(|id| !id.trim().is_empty())
}

/// Every path item of `root` (a bundled document), in document order.
pub fn path_items(root: &Value) -> impl Iterator<Item = PathEntry<'_>> {
    root.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(move |(path, written)| PathEntry::new(root, path, written))
}

/// Every operation of `root` (a bundled document): path items in document order, and in each
/// the methods in [`Method::ALL`]'s order.
pub fn operations(root: &Value) -> impl Iterator<Item = OperationEntry<'_>> {
    path_items(root).flat_map(|entry| {
        Method::ALL
            .into_iter()
            .filter_map(move |method| entry.operation(method))
    })
}

/// The operation for `method` at the path template `path`, if the document has one.
pub fn operation<'a>(root: &'a Value, path: &str, method: Method) -> Option<OperationEntry<'a>> {
    let (path, written) = root.get("paths")?.as_object()?.get_key_value(path)?;
    PathEntry::new(root, path, written).operation(method)
}

/// One entry of `paths`.
#[derive(Debug, Clone)]
pub struct PathEntry<'a> {
    root: &'a Value,
    /// The path template (`/pets/{id}`).
    pub path: &'a str,
    /// Where the entry is written: `#/paths/~1pets~1{id}`.
    pub pointer: String,
    /// The `$ref` the entry is written as, if it is one.
    pub reference: Option<&'a str>,
    /// The path item, through its `$ref`; `None` when that does not resolve.
    pub item: Option<&'a Value>,
}

impl<'a> PathEntry<'a> {
    fn new(root: &'a Value, path: &'a str, written: &'a Value) -> Self {
        let mut pointer = "#/paths".to_owned();
        push_token(&mut pointer, path);
        let reference = written.get("$ref").and_then(Value::as_str);
        let item = match reference {
            Some(_) => resolve_refs(root, written).map(|resolved| resolved.value),
            None => Some(written),
        };
        PathEntry {
            root,
            path,
            pointer,
            reference,
            item,
        }
    }

    /// The item's operations, in [`Method::ALL`]'s order; only objects count.
    pub fn operations(&self) -> impl Iterator<Item = OperationEntry<'a>> + '_ {
        Method::ALL.into_iter().filter_map(|method| self.operation(method))
    }

    /// The item's operation for `method`.
    pub fn operation(&self, method: Method) -> Option<OperationEntry<'a>> {
        let item = self.item?;
        let operation = item.get(method.key()).filter(|operation| operation.is_object())?;
        let mut pointer = self.pointer.clone();
        pointer.push('/');
        pointer.push_str(method.key());
        Some(OperationEntry {
            root: self.root,
            method,
            path: self.path,
            item,
            operation,
            pointer,
        })
    }
}

/// One operation of the document.
#[derive(Debug, Clone)]
pub struct OperationEntry<'a> {
    root: &'a Value,
    /// Its method.
    pub method: Method,
    /// Its path template (`/pets/{id}`).
    pub path: &'a str,
    /// The path item holding it (through the entry's `$ref`).
    pub item: &'a Value,
    /// The operation object.
    pub operation: &'a Value,
    /// Where it is, under the `paths` entry as written: `#/paths/~1pets~1{id}/get`.
    pub pointer: String,
}

impl<'a> OperationEntry<'a> {
    /// The spec's `operationId`, unless it is missing or blank.
    pub fn given_id(&self) -> Option<&'a str> {
        given_id(self.operation.get("operationId").and_then(Value::as_str))
    }

    /// The id the operation goes by (see [`operation_id`]).
    pub fn id(&self) -> Cow<'a, str> {
        match self.given_id() {
            Some(id) => Cow::Borrowed(id),
            None => Cow::Owned(derived_id(self.method.as_str(), self.path)),
        }
    }

    /// The operation's parameters with the path item's merged in, `$ref`s resolved: the path
    /// item's first, in their order; an operation's parameter with the same `name` and `in` as
    /// one of them takes its place (and as one of its own before, too). A parameter that does not
    /// resolve to an object with a string `name` and `in` is left out, and listed in
    /// [`Parameters::skipped`].
    pub fn parameters(&self) -> Parameters<'a> {
        let mut merged: Vec<ParameterEntry<'a>> = Vec::new();
        let mut skipped = Vec::new();
        // The path item's entry: the operation's pointer without `/get`.
        let path_pointer = &self.pointer[..self.pointer.len() - self.method.key().len() - 1];
        let levels = [
            (Level::PathItem, self.item, path_pointer),
            (Level::Operation, self.operation, self.pointer.as_str()),
        ];
        for (level, holder, holder_pointer) in levels {
            let list = holder.get("parameters").and_then(Value::as_array);
            for (index, written) in list.into_iter().flatten().enumerate() {
                let pointer = format!("{holder_pointer}/parameters/{index}");
                let key = resolve_refs(self.root, written).and_then(|resolved| {
                    let name = resolved.value.get("name")?.as_str()?;
                    let location = resolved.value.get("in")?.as_str()?;
                    Some((resolved.value, name, location))
                });
                let Some((value, name, location)) = key else {
                    skipped.push(pointer);
                    continue;
                };
                let entry = ParameterEntry {
                    name,
                    location,
                    value,
                    written,
                    level,
                    index,
                    pointer,
                };
                match merged.iter_mut().find(|p| p.name == name && p.location == location) {
                    Some(earlier) => *earlier = entry,
                    None => merged.push(entry),
                }
            }
        }
        Parameters { merged, skipped }
    }
}

/// An operation's parameters (see [`OperationEntry::parameters`]).
#[derive(Debug, Clone, Default)]
pub struct Parameters<'a> {
    /// The merged parameters, in order.
    pub merged: Vec<ParameterEntry<'a>>,
    /// Where a parameter is declared that could not be merged: its `$ref` does not resolve, or
    /// it has no string `name` or `in`.
    pub skipped: Vec<String>,
}

/// Where a parameter is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// In the path item's `parameters`, shared by its operations.
    PathItem,
    /// In the operation's own `parameters`.
    Operation,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct ParameterEntry<'a> {
    /// Its `name`.
    pub name: &'a str,
    /// Its `in` (`path`, `query`, `header`, `cookie`).
    pub location: &'a str,
    /// The parameter object, through its `$ref`.
    pub value: &'a Value,
    /// As written: the parameter object, or a `$ref` to one.
    pub written: &'a Value,
    /// Whose `parameters` list declares it.
    pub level: Level,
    /// Its index in that list.
    pub index: usize,
    /// Where it is declared: `#/paths/~1pets/get/parameters/0`.
    pub pointer: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names<'a>(parameters: &Parameters<'a>) -> Vec<(&'a str, &'a str, Level)> {
        parameters
            .merged
            .iter()
            .map(|p| (p.name, p.location, p.level))
            .collect()
    }

    #[test]
    fn merges_by_name_and_location_in_the_path_items_order() {
        let doc = json!({
            "paths": {"/pets/{id}": {
                "parameters": [
                    {"name": "id", "in": "path"},
                    {"$ref": "#/components/parameters/limit"},
                    {"name": "id", "in": "header"},
                ],
                "get": {"parameters": [
                    {"name": "extra", "in": "query"},
                    {"name": "limit", "in": "query", "description": "own"},
                ]},
            }},
            "components": {"parameters": {"limit": {"name": "limit", "in": "query"}}},
        });
        let get = operations(&doc).next().unwrap();
        let parameters = get.parameters();
        assert_eq!(
            names(&parameters),
            [
                ("id", "path", Level::PathItem),
                ("limit", "query", Level::Operation),
                ("id", "header", Level::PathItem),
                ("extra", "query", Level::Operation),
            ]
        );
        let limit = &parameters.merged[1];
        assert_eq!(limit.value["description"], "own");
        assert_eq!(
            (limit.index, limit.pointer.as_str()),
            (1, "#/paths/~1pets~1{id}/get/parameters/1")
        );
        assert_eq!(parameters.merged[0].pointer, "#/paths/~1pets~1{id}/parameters/0");
        assert!(parameters.skipped.is_empty());
    }

    #[test]
    fn skips_parameters_that_do_not_resolve() {
        let doc = json!({"paths": {"/a": {"get": {"parameters": [
            {"$ref": "#/components/parameters/missing"},
            {"in": "query"},
            {"name": "q", "in": "query"},
        ]}}}});
        let parameters = operations(&doc).next().unwrap().parameters();
        assert_eq!(names(&parameters), [("q", "query", Level::Operation)]);
        assert_eq!(
            parameters.skipped,
            ["#/paths/~1a/get/parameters/0", "#/paths/~1a/get/parameters/1"]
        );
    }

    #[test]
    fn a_blank_operation_id_derives_the_id() {
        let doc = json!({"paths": {"/pets/{petId}/toys": {
            "get": {"operationId": "  "},
            "put": {"operationId": ""},
            "post": {"operationId": "addToy"},
            "delete": {},
        }}});
        let ids: Vec<(String, Option<&str>)> = operations(&doc)
            .map(|op| (op.id().into_owned(), op.given_id()))
            .collect();
        assert_eq!(
            ids,
            [
                ("get_pets_petId_toys".to_owned(), None),
                ("put_pets_petId_toys".to_owned(), None),
                ("addToy".to_owned(), Some("addToy")),
                ("delete_pets_petId_toys".to_owned(), None),
            ]
        );
        assert_eq!(
            operation_id(Some(" \t"), Method::Get, "/pets/{petId}/toys"),
            "get_pets_petId_toys"
        );
    }

    #[test]
    fn walks_methods_in_the_specs_order_and_follows_path_item_refs() {
        // Keys written in another order; OpenAPI's order is what counts.
        let doc = json!({
            "paths": {
                "/b": {"trace": {}, "post": {}, "get": {}, "x-get": {}, "summary": "s", "head": null},
                "/a": {"$ref": "#/components/pathItems/A"},
                "/gone": {"$ref": "#/components/pathItems/Gone"},
            },
            "components": {"pathItems": {"A": {"patch": {}, "delete": {}}}},
        });
        let walked: Vec<(Method, &str, String)> = operations(&doc).map(|op| (op.method, op.path, op.pointer)).collect();
        assert_eq!(
            walked,
            [
                (Method::Get, "/b", "#/paths/~1b/get".to_owned()),
                (Method::Post, "/b", "#/paths/~1b/post".to_owned()),
                (Method::Trace, "/b", "#/paths/~1b/trace".to_owned()),
                (Method::Delete, "/a", "#/paths/~1a/delete".to_owned()),
                (Method::Patch, "/a", "#/paths/~1a/patch".to_owned()),
            ]
        );
        let entries: Vec<PathEntry<'_>> = path_items(&doc).collect();
        assert_eq!(entries[1].reference, Some("#/components/pathItems/A"));
        assert!(entries[2].item.is_none());
        assert_eq!(
            operation(&doc, "/a", Method::Patch).map(|op| op.pointer),
            Some("#/paths/~1a/patch".to_owned())
        );
        assert!(operation(&doc, "/a", Method::Get).is_none());
    }

    #[test]
    fn names_methods_once() {
        for method in Method::ALL {
            assert_eq!(Method::from_key(method.key()), Some(method));
            assert_eq!(method.as_str(), method.key().to_ascii_uppercase());
        }
        assert_eq!(Method::from_key("GET"), None);
        assert_eq!(Method::Patch.to_string(), "PATCH");
    }
}
