use connector_runtime::connector;

#[connector(spec = "specs/path-parameter-not-in-template.yaml")]
pub mod api {}

fn main() {}
