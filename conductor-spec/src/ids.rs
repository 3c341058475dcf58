//! The id an operation goes by when the spec gives it no `operationId`, shared by the
//! generator, the mock server and the CLI so each names the operation alike.

/// The id of an operation without an `operationId`, from its method and path:
/// `GET /pets/{petId}/toys` → `get_pets_petId_toys`.
///
/// ```
/// assert_eq!(conductor_spec::derived_id("GET", "/pets/{petId}/toys"), "get_pets_petId_toys");
/// ```
pub fn derived_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(segment.trim_matches(|c| c == '{' || c == '}'));
    }
    id
}
