use connector_runtime::connector;

#[connector(spec = "specs/inexpressible-schema.yaml")]
pub mod api {}

fn main() {}
