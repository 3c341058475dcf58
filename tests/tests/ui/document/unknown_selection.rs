use connector_runtime::connector;

#[connector(spec = "specs/rename.yaml", tags = ["pest"], operations = ["listPet"])]
pub mod api {}

fn main() {}
