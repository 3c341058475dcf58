use connector_runtime::connector;

#[connector(spec = "specs/undeclared-path-parameter.yaml")]
pub mod api {}

fn main() {}
