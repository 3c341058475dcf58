use connector_runtime::connector;

#[connector(spec = "specs/all-at-once.yaml")]
pub mod api {}

fn main() {}
