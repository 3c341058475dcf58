use connector_runtime::connector;

// The module's own items are still emitted after an error, so using them causes no
// secondary errors.
#[connector(spec = "specs/unresolved-ref.yaml")]
pub mod api {
    pub fn version() -> u32 {
        1
    }
}

fn main() {
    let _ = api::version();
}
