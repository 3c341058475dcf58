use connector_runtime::connector;

#[connector(spec = "specs/broken.yaml")]
pub mod api {}

fn main() {}
