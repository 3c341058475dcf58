use connector_runtime::connector;

#[connector(
    spec = "specs/rename.yaml",
    pagination = [("listPet", "link"), ("listPets", "cursor next=/next"), ("listPets", "spiral"), ("listPets", "link")]
)]
pub mod api {}

fn main() {}
