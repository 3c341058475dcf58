use connector_runtime::connector;

#[connector(spec = "specs/openapi-4.yaml")]
pub mod api {}

fn main() {}
