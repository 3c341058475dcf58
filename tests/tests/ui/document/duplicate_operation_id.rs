use connector_runtime::connector;

#[connector(spec = "specs/duplicate-operation-id.yaml")]
pub mod api {}

fn main() {}
