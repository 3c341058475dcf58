use connector_runtime::connector;

#[connector(spec = "specs/broken.json")]
pub mod api {}

fn main() {}
