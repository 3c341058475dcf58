use connector_runtime::connector;

#[connector(spec = "specs/cross-file.yaml")]
pub mod api {}

fn main() {}
