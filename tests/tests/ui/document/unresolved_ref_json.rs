use connector_runtime::connector;

#[connector(spec = "specs/unresolved-ref.json")]
pub mod api {}

fn main() {}
