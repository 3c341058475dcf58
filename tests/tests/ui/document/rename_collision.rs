use connector_runtime::connector;

#[connector(
    spec = "specs/rename.yaml",
    rename = [("Pet", "Owner"), ("listPets", "list pets"), ("Pett", "Animal")]
)]
pub mod api {}

fn main() {}
