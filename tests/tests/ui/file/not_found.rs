use connector_runtime::connector;

#[connector(spec = "specs/missing.yaml")]
pub mod api {}

fn main() {}
