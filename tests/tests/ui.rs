//! Compile-fail cases: one per diagnostic the `#[connector]` attribute promises, in folders by
//! category (`attribute`, `file`, `document`), each with its spec files beside it and its
//! expected compiler output in a `.stderr` file. `TRYBUILD=overwrite` accepts changes.

#[test]
fn diagnostics() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/**/*.rs");
}
