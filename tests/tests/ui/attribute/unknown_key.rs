use connector_runtime::connector;

#[connector(spec = "specs/api.yaml", flavour = "spicy")]
pub mod api {}

fn main() {}
