use connector_runtime::connector;

#[connector(spec = "specs/parameter-location.yaml")]
pub mod api {}

fn main() {}
