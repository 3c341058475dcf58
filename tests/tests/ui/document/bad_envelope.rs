use connector_runtime::connector;

#[connector(spec = "specs/rename.yaml", envelope = "ok=success")]
pub mod api {}

fn main() {}
