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
    assert_eq!(<pets::builders::GetPetById as connector_runtime::Operation>::SPEC.id, "getPetById");
}
