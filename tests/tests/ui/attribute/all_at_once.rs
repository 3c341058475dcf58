use connector_runtime::connector;

#[connector(spec = 1, spec = "specs/api.yaml", colour = "red")]
pub mod api {}

fn main() {}
