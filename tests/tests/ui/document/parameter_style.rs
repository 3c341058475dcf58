use connector_runtime::connector;

#[connector(spec = "specs/parameter-style.yaml")]
pub mod api {}

fn main() {}
