use connector_runtime::connector;

#[connector(spec = "specs/not-openapi.yaml")]
pub mod api {}

fn main() {}
