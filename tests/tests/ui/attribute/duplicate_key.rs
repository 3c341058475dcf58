use connector_runtime::connector;

#[connector(spec = "specs/a.yaml", spec = "specs/b.yaml")]
pub mod api {}

fn main() {}
