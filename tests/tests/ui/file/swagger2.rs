use connector_runtime::connector;

#[connector(spec = "specs/swagger2.json")]
pub mod api {}

fn main() {}
