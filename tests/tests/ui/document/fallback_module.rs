use connector_runtime::connector;

// After an error the module still gets its skeleton: `API`, `Client` with `new`, `builder` and
// `runtime`, and the `types` and `builders` modules (empty). Code naming them, by path or
// through a glob import, adds no error beside the spec's own.
#[connector(spec = "specs/ref-cycle.yaml")]
pub mod api {}

#[allow(unused_imports)]
use api::{builders::*, types::*};

pub fn by_path() -> Option<api::Client> {
    let client = api::Client::new("http://localhost:8080").ok()?;
    let _runtime: &connector_runtime::Client = client.runtime();
    let _builder = api::Client::builder();
    let _title: &str = api::API.title;
    Some(client)
}

mod glob {
    use super::api::*;

    pub fn client() -> Option<Client> {
        let _title: &str = API.title;
        Client::new("http://localhost:8080").ok()
    }
}

fn main() {
    let _ = by_path();
    let _ = glob::client();
}
