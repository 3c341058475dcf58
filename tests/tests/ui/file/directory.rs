use connector_runtime::connector;

#[connector(spec = "specs/a-directory")]
pub mod api {}

fn main() {}
