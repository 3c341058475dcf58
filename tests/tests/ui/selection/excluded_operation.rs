use connector_runtime::connector;

// An operation left out with `exclude_operations` has no method: calling it is a compile error,
// while the operations kept are there.
#[connector(spec = "specs/pets.yaml", exclude_operations = ["deletePet"])]
pub mod api {}

pub async fn calls(client: &api::Client) {
    let _ = client.list_pets().await;
    let _ = client.delete_pet(7).await;
}

fn main() {}
