use connector_runtime::connector;

#[connector(spec = "specs/ref-cycle.yaml")]
pub mod api {}

fn main() {}
