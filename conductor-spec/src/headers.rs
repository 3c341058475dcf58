//! Header parameters a spec may declare that OpenAPI says to ignore, shared by the generator
//! and the CLI so both leave out the same ones.

/// Whether a header parameter named `name` is ignored: OpenAPI 3 says an `Accept`,
/// `Content-Type` or `Authorization` header parameter is, as the media types and the security
/// schemes say those headers.
///
/// ```
/// assert!(conductor_spec::is_ignored_header("authorization"));
/// assert!(!conductor_spec::is_ignored_header("X-Request-Id"));
/// ```
pub fn is_ignored_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"]
        .iter()
        .any(|ignored| name.eq_ignore_ascii_case(ignored))
}
