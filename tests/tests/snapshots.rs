//! Snapshot tests of the generated code: every spec in `specs/` is expanded, pretty-printed
//! and compared with the committed file in `tests/snapshots/`. Set `SNAPSHOTS=overwrite` to
//! accept changes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn check_snapshot(spec: &str) {
    let root = workspace_root();
    let path = root.join("specs").join(spec);
    let generated = conductor_codegen::generate_from_file(&path, &conductor_codegen::Settings::default())
        .unwrap_or_else(|problems| panic!("{spec} did not expand: {:?}", problems.diagnostics));
    // The mock module names the spec by absolute path: replace it before pretty-printing, so
    // snapshots (line wrapping included) are the same in every checkout.
    let root_text = root.to_string_lossy().into_owned();
    let portable = |tokens: &proc_macro2::TokenStream| {
        let text = tokens.to_string().replace(&root_text, "$WORKSPACE");
        let tokens: proc_macro2::TokenStream = text.parse().unwrap();
        conductor_codegen::render(&tokens).unwrap()
    };
    let rendered = portable(&generated.tokens);
    let again = conductor_codegen::generate_from_file(&path, &conductor_codegen::Settings::default()).unwrap();
    assert_eq!(rendered, portable(&again.tokens), "output must be deterministic");
    let snapshot = root.join("tests/snapshots").join(format!("{spec}.rs"));
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
        std::fs::write(&snapshot, &rendered).unwrap();
        return;
    }
    assert!(
        snapshot.exists(),
        "{} is missing; run with SNAPSHOTS=overwrite to write it",
        snapshot.display()
    );
    let expected = std::fs::read_to_string(&snapshot).unwrap();
    if expected != rendered {
        let first_difference = expected
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(rendered.lines().count()));
        panic!(
            "{} is out of date (first difference at line {}); run with SNAPSHOTS=overwrite to accept",
            snapshot.display(),
            first_difference + 1
        );
    }
}

#[test]
fn petstore() {
    check_snapshot("petstore.yaml");
}

#[test]
fn kitchen_sink() {
    check_snapshot("kitchen-sink.yaml");
}

#[test]
fn tasks_3_1() {
    check_snapshot("tasks-3.1.yaml");
}

#[test]
fn selections_generate_only_what_they_reach() {
    let path = workspace_root().join("specs/petstore.yaml");
    let mut settings = conductor_codegen::Settings::default();
    settings.tags = vec!["store".to_owned()];
    let generated = conductor_codegen::generate_from_file(&path, &settings).unwrap();
    assert_eq!(generated.operation_count, 1);
    let rendered = conductor_codegen::render(&generated.tokens).unwrap();
    assert!(rendered.contains("pub fn get_inventory("));
    assert!(
        !rendered.contains("pub struct Pet "),
        "Pet is not reached by the store operations"
    );

    settings.schemas = conductor_codegen::Schemas::All;
    let rendered =
        conductor_codegen::render(&conductor_codegen::generate_from_file(&path, &settings).unwrap().tokens).unwrap();
    assert!(
        rendered.contains("pub struct Pet "),
        "Schemas::All keeps every component schema"
    );

    let mut settings = conductor_codegen::Settings::default();
    settings.operations = vec!["getPetByID".to_owned()];
    settings.exclude_operations = vec!["deletePet".to_owned()];
    let problems = conductor_codegen::generate_from_file(&path, &settings).unwrap_err();
    let messages: Vec<String> = problems.diagnostics.iter().map(|d| d.message.clone()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`getPetByID`, which the spec does not have; did you mean `getPetById`?")),
        "{messages:?}"
    );
    // Where the attribute puts the error is data, not read from the message.
    assert_eq!(
        problems.diagnostics.iter().map(|d| d.origin).collect::<Vec<_>>(),
        [conductor_codegen::Origin::Entry {
            key: conductor_codegen::Key::Operations,
            index: 0,
            part: conductor_codegen::Part::Whole,
        }],
        "{messages:?}"
    );
}
