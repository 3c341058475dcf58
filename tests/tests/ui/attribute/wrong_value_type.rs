use connector_runtime::connector;

#[connector(spec = 42)]
pub mod numbers {}

#[connector(spec = "specs/api.yaml", crate_path = connector_runtime)]
pub mod paths {}

fn main() {}
