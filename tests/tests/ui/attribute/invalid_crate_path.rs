use connector_runtime::connector;

#[connector(spec = "specs/api.yaml", crate_path = "not a path")]
pub mod api {}

fn main() {}
