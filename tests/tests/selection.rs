//! The attribute's selection options: only the chosen operations, and only the schemas they
//! reach unless `schemas = "all"`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use connector_runtime::connector;

/// The store part of the petstore.
#[connector(spec = "../specs/petstore.yaml", tags = ["store"])]
pub mod store {}

/// Two pet operations, one of them excluded again.
#[connector(
    spec = "../specs/petstore.yaml",
    operations = ["getPetById", "deletePet"],
    exclude_operations = ["deletePet"],
    schemas = "all"
)]
pub mod pets {}

#[test]
fn only_selected_operations_and_reached_schemas_are_generated() {
    let client = store::Client::new("http://127.0.0.1:1").unwrap();
    let _inventory = client.get_inventory();
    let client = pets::Client::new("http://127.0.0.1:1").unwrap();
    let _pet = client.get_pet_by_id(1);
    // `schemas = "all"` keeps schemas no selected operation reaches.
    let _unused: Option<pets::types::NewPet> = None;
    assert_eq!(
        <pets::builders::GetPetById as connector_runtime::Operation>::SPEC.id,
        "getPetById"
    );
}

/// The petstore with a schema and an operation renamed.
#[connector(spec = "../specs/petstore.yaml", rename = [("Pet", "Animal"), ("getPetById", "fetch_animal")])]
pub mod renamed {}

#[test]
fn renames_apply_to_types_and_methods() {
    let client = renamed::Client::new("http://127.0.0.1:1").unwrap();
    let request: renamed::builders::FetchAnimal = client.fetch_animal(1);
    let _ = request;
    let _animal: Option<renamed::types::Animal> = None;
}
