//! The operations of a spec as the mock server needs them: how to match a request to one, and
//! the raw JSON of its parameters, body and responses.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::prepared::Prepared;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Literal(String),
    /// `{name}`, possibly with a literal prefix and suffix (`{id}.json`).
    Param {
        name: String,
        prefix: String,
        suffix: String,
    },
}

/// One operation of the spec.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) id: String,
    pub(crate) method: String,
    pub(crate) template: String,
    segments: Vec<Segment>,
    /// The resolved parameter objects (path-level merged with operation-level).
    pub(crate) parameters: Vec<Value>,
    /// The resolved request body object, if any.
    pub(crate) request_body: Option<Value>,
    /// Status (`"200"`, `"4XX"`, `"default"`) → resolved response object, in spec order.
    pub(crate) responses: Vec<(String, Value)>,
    /// The answer for each of `responses`, prepared on first use (see [`crate::prepared`]).
    pub(crate) prepared: Vec<OnceLock<Prepared>>,
    /// What a valid request gets: the index in `responses` and the status code (none: 204).
    pub(crate) answer: Option<(usize, u16)>,
    /// The request checks, compiled on the first request (see [`crate::validate::Plan`]).
    pub(crate) plan: OnceLock<crate::validate::Plan>,
    /// Alternatives of scheme names; `None` inherits the document's.
    pub(crate) security: Vec<Vec<String>>,
    /// The indices of the routes sharing this one's method and path, itself included, in route
    /// order; empty when it is alone (see [`select`]).
    pub(crate) siblings: Vec<usize>,
}

/// Follows local `$ref`s (the spec loader has bundled the rest).
pub(crate) use conductor_spec::follow_refs as deref;

/// The segments of a path template; a `#fragment` (Box's `/files/{id}#update_shared_link`, an
/// operation of its own on the same method and path) is never sent, so it is not matched.
fn parse_template(template: &str) -> Vec<Segment> {
    conductor_spec::request_path(template)
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|segment| match (segment.find('{'), segment.find('}')) {
            (Some(open), Some(close)) if open < close => Segment::Param {
                name: segment[open + 1..close].to_owned(),
                prefix: segment[..open].to_owned(),
                suffix: segment[close + 1..].to_owned(),
            },
            _ => Segment::Literal(segment.to_owned()),
        })
        .collect()
}

/// Reads every operation of a bundled, normalised document.
pub(crate) fn routes(root: &Value) -> Vec<Route> {
    let mut routes = Vec::new();
    let global_security = security_of(root.get("security")).unwrap_or_default();
    // The spec crate's walk: the same operations, ids and merged parameters as the generator's.
    for walked in conductor_spec::operations(root) {
        let operation = walked.operation;
        let parameters = walked
            .parameters()
            .merged
            .into_iter()
            .map(|p| p.value.clone())
            .collect();
        let responses: Vec<(String, Value)> = operation
            .get("responses")
            .and_then(Value::as_object)
            .map(|rs| {
                rs.iter()
                    .map(|(status, r)| (status.clone(), deref(root, r).clone()))
                    .collect()
            })
            .unwrap_or_default();
        routes.push(Route {
            id: walked.id().into_owned(),
            method: walked.method.as_str().to_owned(),
            template: walked.path.to_owned(),
            segments: parse_template(walked.path),
            parameters,
            request_body: operation.get("requestBody").map(|b| deref(root, b).clone()),
            prepared: responses.iter().map(|_| OnceLock::new()).collect(),
            answer: answer_of(&responses),
            plan: OnceLock::new(),
            responses,
            security: security_of(operation.get("security")).unwrap_or_else(|| global_security.clone()),
            siblings: Vec::new(),
        });
    }
    // Literal segments beat parameters: `/pets/mine` before `/pets/{id}`.
    routes.sort_by_key(|route| {
        std::cmp::Reverse(
            route
                .segments
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count(),
        )
    });
    // Operations on one method and path (`#fragment`s), found once rather than per request.
    let mut groups: HashMap<(&str, &[Segment]), Vec<usize>> = HashMap::new();
    for (index, route) in routes.iter().enumerate() {
        groups.entry((&route.method, &route.segments)).or_default().push(index);
    }
    let shared: Vec<Vec<usize>> = groups.into_values().filter(|group| group.len() > 1).collect();
    for group in shared {
        for &index in &group {
            routes[index].siblings.clone_from(&group);
        }
    }
    routes
}

/// The first documented success (else `default`, else the first response) and its status
/// code: a range or `default` answers 200 when it may be a success, else 500.
fn answer_of(responses: &[(String, Value)]) -> Option<(usize, u16)> {
    let index = responses
        .iter()
        .position(|(status, _)| status.starts_with('2'))
        .or_else(|| responses.iter().position(|(status, _)| status == "default"))
        .or(if responses.is_empty() { None } else { Some(0) })?;
    let status = &responses[index].0;
    let code = status
        .parse::<u16>()
        .unwrap_or(if status.starts_with('2') || status == "default" {
            200
        } else {
            500
        });
    Some((index, code))
}

fn security_of(value: Option<&Value>) -> Option<Vec<Vec<String>>> {
    let alternatives = value?.as_array()?;
    Some(
        alternatives
            .iter()
            .map(|requirement| {
                requirement
                    .as_object()
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default()
            })
            .collect(),
    )
}

/// The operation a request is for: the first route (literal segments first) that matches the
/// method and path, or, where several operations share that method and path template, the one
/// the query tells apart — its required query parameters present, with a value its `enum`
/// allows — preferring one a stub is waiting for (`stubbed`), then the one requiring the most
/// of what was sent. With the path parameters, and the ids of the operations it could not tell
/// apart from the chosen one (empty when there is no doubt).
pub(crate) fn select<'r>(
    routes: &'r [Route],
    root: &Value,
    method: &str,
    path: &str,
    query: &[(String, String)],
    stubbed: impl Fn(&str) -> bool,
) -> Option<Selected<'r>> {
    let (first, params) = routes
        .iter()
        .filter(|r| r.method == method)
        .find_map(|r| r.matches(path).map(|params| (r, params)))?;
    if first.siblings.is_empty() {
        return Some(Selected::sure(first, params));
    }
    let fitting: Vec<(&Route, usize)> = first
        .siblings
        .iter()
        .map(|&index| &routes[index])
        .filter_map(|r| r.required_query_met(root, query).map(|n| (r, n)))
        .collect();
    let Some(best) = fitting.iter().map(|(_, n)| *n).max() else {
        return Some(Selected::sure(first, params));
    };
    let top: Vec<&Route> = fitting.iter().filter(|(_, n)| *n == best).map(|(r, _)| *r).collect();
    let (chosen, doubt) = match top.iter().find(|r| stubbed(&r.id)) {
        Some(waiting) => (*waiting, Vec::new()),
        None => {
            let chosen = *top.first()?;
            let others = top
                .iter()
                .filter(|r| r.id != chosen.id)
                .map(|r| r.id.as_str())
                .collect();
            (chosen, others)
        }
    };
    let params = chosen.matches(path)?;
    Some(Selected {
        route: chosen,
        params,
        doubt,
    })
}

/// The operation [`select`] chose for a request.
pub(crate) struct Selected<'r> {
    pub(crate) route: &'r Route,
    /// The path parameters.
    pub(crate) params: Vec<(String, String)>,
    /// The operations sharing its method and path that the request did not tell apart from it.
    pub(crate) doubt: Vec<&'r str>,
}

impl<'r> Selected<'r> {
    fn sure(route: &'r Route, params: Vec<(String, String)>) -> Self {
        Self {
            route,
            params,
            doubt: Vec::new(),
        }
    }
}

impl Route {
    /// How many required query parameters the request carries, or `None` when one is missing
    /// or has a value outside its schema's `enum`.
    fn required_query_met(&self, root: &Value, query: &[(String, String)]) -> Option<usize> {
        let mut met = 0;
        for parameter in &self.parameters {
            let is_required_query = parameter.get("in").and_then(Value::as_str) == Some("query")
                && parameter.get("required") == Some(&Value::Bool(true));
            let Some(name) = parameter
                .get("name")
                .and_then(Value::as_str)
                .filter(|_| is_required_query)
            else {
                continue;
            };
            let value = query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())?;
            let allowed = parameter
                .get("schema")
                .map(|schema| deref(root, schema))
                .and_then(|schema| schema.get("enum"))
                .and_then(Value::as_array);
            if allowed.is_some_and(|values| !values.iter().any(|v| v.as_str() == Some(value))) {
                return None;
            }
            met += 1;
        }
        Some(met)
    }

    /// The path parameters if `path` (percent-encoded, without query) matches this route.
    pub(crate) fn matches(&self, path: &str) -> Option<Vec<(String, String)>> {
        let parts = path.split('/').filter(|s| !s.is_empty());
        if parts.clone().count() != self.segments.len() {
            return None;
        }
        let mut params = Vec::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(literal) => {
                    if literal != part {
                        return None;
                    }
                }
                Segment::Param { name, prefix, suffix } => {
                    let value = part.strip_prefix(prefix.as_str())?.strip_suffix(suffix.as_str())?;
                    if value.is_empty() {
                        return None;
                    }
                    let decoded = percent_encoding::percent_decode_str(value)
                        .decode_utf8_lossy()
                        .into_owned();
                    params.push((name.clone(), decoded));
                }
            }
        }
        Some(params)
    }

    /// How far `path` is from this route's template, for "did you mean" lists.
    pub(crate) fn distance(&self, method: &str, path: &str) -> usize {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let mut distance = usize::from(self.method != method);
        distance += self.segments.len().abs_diff(parts.len()) * 2;
        for (segment, part) in self.segments.iter().zip(parts) {
            if let Segment::Literal(literal) = segment {
                if literal != part {
                    distance += 2;
                }
            }
        }
        distance
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_on_one_method_and_path_are_told_apart_by_the_query() {
        let doc = json!({"paths": {
            "/files/{id}": {"put": {"operationId": "update_file", "parameters": [
                {"name": "fields", "in": "query", "schema": {"type": "string"}}
            ], "responses": {}}},
            "/files/{id}#add_shared_link": {"put": {"operationId": "add_shared_link", "parameters": [
                {"name": "fields", "in": "query", "required": true, "schema": {"type": "string"}}
            ], "responses": {}}},
            "/files/{id}#remove_shared_link": {"put": {"operationId": "remove_shared_link", "parameters": [
                {"name": "fields", "in": "query", "required": true, "schema": {"type": "string"}}
            ], "responses": {}}},
            "/files/{id}#lock": {"put": {"operationId": "lock", "parameters": [
                {"name": "mode", "in": "query", "required": true, "schema": {"type": "string", "enum": ["lock"]}}
            ], "responses": {}}}
        }});
        let routes = routes(&doc);
        let pick = |query: &[(&str, &str)], stubbed: &[&str]| {
            let query: Vec<(String, String)> = query.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
            let selected = select(&routes, &doc, "PUT", "/files/7", &query, |id| stubbed.contains(&id)).unwrap();
            assert_eq!(selected.params, [("id".to_owned(), "7".to_owned())]);
            (
                selected.route.id.clone(),
                selected.doubt.iter().map(|d| (*d).to_owned()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(pick(&[], &[]), ("update_file".to_owned(), vec![]));
        assert_eq!(pick(&[("mode", "lock")], &[]), ("lock".to_owned(), vec![]));
        assert_eq!(
            pick(&[("mode", "unlock")], &[]),
            ("update_file".to_owned(), vec![]),
            "outside the enum"
        );
        assert_eq!(
            pick(&[("fields", "shared_link")], &[]),
            ("add_shared_link".to_owned(), vec!["remove_shared_link".to_owned()]),
            "the ones it cannot tell apart are named"
        );
        assert_eq!(
            pick(&[("fields", "shared_link")], &["remove_shared_link"]),
            ("remove_shared_link".to_owned(), vec![]),
            "a waiting stub decides"
        );
    }

    #[test]
    fn matches_templates_and_prefers_literals() {
        let doc = json!({"paths": {
            "/pets/{id}": {"get": {"operationId": "getPet", "responses": {}}},
            "/pets/mine": {"get": {"operationId": "mine", "responses": {}}},
            "/files/{name}.json": {"get": {"operationId": "file", "responses": {}}}
        }});
        let routes = routes(&doc);
        let find = |path: &str| routes.iter().find_map(|r| r.matches(path).map(|p| (r.id.clone(), p)));
        assert_eq!(find("/pets/mine").unwrap().0, "mine");
        assert_eq!(
            find("/pets/a%20b").unwrap(),
            ("getPet".to_owned(), vec![("id".to_owned(), "a b".to_owned())])
        );
        assert_eq!(
            find("/files/x.json").unwrap().1,
            vec![("name".to_owned(), "x".to_owned())]
        );
        assert!(find("/pets").is_none());
    }

    #[test]
    fn a_blank_operation_id_is_the_derived_one_as_for_the_generator() {
        let doc = json!({"paths": {"/things/{id}": {
            "parameters": [{"name": "id", "in": "path"}, {"name": "v", "in": "query"}],
            "get": {"operationId": " ", "responses": {},
                    "parameters": [{"name": "id", "in": "path", "description": "own"}]}
        }}});
        let routes = routes(&doc);
        assert_eq!(routes[0].id, "get_things_id");
        let names: Vec<&Value> = routes[0].parameters.iter().map(|p| &p["name"]).collect();
        assert_eq!(names, [&json!("id"), &json!("v")]);
        assert_eq!(routes[0].parameters[0]["description"], "own");
    }
}
