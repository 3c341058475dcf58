use connector_runtime::connector;

#[connector]
pub mod bare {}

#[connector(crate_path = "::connector_runtime")]
pub mod without_spec {}

fn main() {}
