//! The library call behind `api-conductor check`: every problem at once, each located.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::{Path, PathBuf};

use conductor_codegen::{check_file, check_str, Report, Settings};

fn specs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs")
}

fn check_yaml(text: &str) -> Report {
    check_str(Path::new("api.yaml"), text, &Settings::default())
}

fn messages(report: &Report) -> Vec<String> {
    report.errors.iter().map(ToString::to_string).collect()
}

#[test]
fn the_project_specs_have_no_errors() {
    for spec in ["petstore.yaml", "kitchen-sink.yaml", "tasks-3.1.yaml"] {
        let report = check_file(&specs().join(spec), &Settings::default());
        assert!(report.is_ok(), "{spec}: {:#?}", messages(&report));
        for warning in &report.warnings {
            assert!(warning.file.is_some() && warning.pointer.is_some(), "{warning}");
        }
    }
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn reports_every_problem_with_file_pointer_and_position() {
    let text = format!(
        "{HEAD}paths:
  /pets/{{petId}}:
    get:
      operationId: getPet
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
        - {{name: q, in: query, style: simple, schema: {{type: string}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Pett'
  /other:
    get:
      operationId: getPet
      responses:
        '204': {{description: none}}
components:
  schemas:
    Pet: {{type: object, properties: {{name: {{type: string}}}}}}
    A: {{$ref: '#/components/schemas/B'}}
    B: {{$ref: '#/components/schemas/A'}}
    T:
      type: array
      prefixItems: [{{type: string}}]
"
    );
    let report = check_yaml(&text);
    let all = messages(&report);
    let expect = [
        "api.yaml:16:17: unresolved $ref `#/components/schemas/Pett`: there is no `Pett` in `#/components/schemas`; did you mean `#/components/schemas/Pet`? (at #/paths/~1pets~1{petId}/get/responses/200/content/application~1json/schema/$ref)",
        "api.yaml:25:9: this `$ref` cycle defines nothing: `#/components/schemas/A` → `#/components/schemas/B` → `#/components/schemas/A`; one of them must be a schema (at #/components/schemas/A/$ref)",
        "api.yaml:8:11: the path parameter `id` is declared but `/pets/{petId}` has no `{id}` (at #/paths/~1pets~1{petId}/get/parameters/0)",
        "api.yaml:9:32: style `simple` is invalid for the query parameter `q`; query parameters take `form` (the default), `spaceDelimited`, `pipeDelimited` or `deepObject` (at #/paths/~1pets~1{petId}/get/parameters/1/style)",
        "api.yaml:5:5: `GET /pets/{petId}` does not declare its path parameter `petId`; add a parameter with `name: petId`, `in: path` and `required: true` (at #/paths/~1pets~1{petId}/get)",
        "api.yaml:19:7: duplicate operationId `getPet`; operation ids must be unique (at #/paths/~1other/get/operationId); first used at api.yaml:6:7 (#/paths/~1pets~1{petId}/get/operationId)",
        "api.yaml:29:7: tuple schemas (`prefixItems`) cannot be expressed yet; describe the array with `items` (at #/components/schemas/T/prefixItems)",
    ];
    for expected in expect {
        assert!(all.iter().any(|m| m == expected), "missing:\n{expected}\nin:\n{all:#?}");
    }
    assert_eq!(all.len(), expect.len(), "{all:#?}");
}

#[test]
fn problems_in_referenced_files_are_located_there() {
    let dir = std::env::temp_dir().join(format!("conductor-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("root.yaml"),
        format!(
            "{HEAD}paths:\n  /p:\n    get:\n      operationId: p\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: 'models.yaml#/Point'}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("models.yaml"),
        "# models\nPoint:\n  type: array\n  prefixItems: [{type: number}]\n  not: {type: string}\n",
    )
    .unwrap();
    let report = check_file(&dir.join("root.yaml"), &Settings::default());
    let mut error = report.errors.first().cloned().unwrap();
    assert_eq!(report.errors.len(), 1, "{:#?}", messages(&report));
    error.relative_to(&dir);
    assert_eq!(
        error.to_string(),
        "models.yaml:4:3: tuple schemas (`prefixItems`) cannot be expressed yet; describe the array with `items` (at #/Point/prefixItems)"
    );
    let frame = error.render_with_frame(&std::fs::read_to_string(dir.join("models.yaml")).unwrap());
    assert!(
        frame.contains(" 4 |   prefixItems: [{type: number}]\n   |   ^\n"),
        "{frame}"
    );
    assert!(report
        .warnings
        .iter()
        .any(|w| w.file.as_deref() == Some(dir.join("models.yaml").as_path()) && w.position == Some((5, 3))));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_integer_enum_holding_i64_min_is_generated() {
    let text = format!(
        "{HEAD}paths: {{}}
components:
  schemas:
    Extreme:
      type: integer
      format: int64
      enum: [-9223372036854775808, 0, 9223372036854775807]
"
    );
    let document: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let mut settings = Settings::default();
    settings.schemas = conductor_codegen::Schemas::All;
    let generated = conductor_codegen::generate_from_value(Path::new("api.yaml"), document, &settings)
        .unwrap_or_else(|problems| panic!("{problems:?}"));
    let rendered = conductor_codegen::render(&generated.tokens).unwrap();
    assert!(rendered.contains("-9223372036854775808"), "{rendered}");
    assert!(rendered.contains("9223372036854775807"), "{rendered}");
}

#[test]
fn a_template_equal_to_another_but_for_names_is_a_warning() {
    // Trello's `/boards/{idBoard}/cards/{filter}` and `/boards/{idBoard}/cards/{idCard}`.
    let operation = |id: &str, last: &str| {
        format!(
            "    get:
      operationId: {id}
      parameters:
        - {{name: b, in: path, required: true, schema: {{type: string}}}}
        - {{name: {last}, in: path, required: true, schema: {{type: string}}}}
      responses:
        '200': {{description: ok}}
"
        )
    };
    let text = format!(
        "{HEAD}paths:\n  /boards/{{b}}/cards/{{c}}:\n{}  /boards/{{b}}/cards/{{d}}:\n{}  /boards/{{b}}/lists/{{d}}:\n{}",
        operation("first", "c"),
        operation("other", "d"),
        operation("lists", "d"),
    );
    let report = check_yaml(&text);
    assert!(report.is_ok(), "{:#?}", messages(&report));
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    let equivalent: Vec<&String> = warnings.iter().filter(|w| w.contains("same path")).collect();
    assert_eq!(equivalent.len(), 1, "{warnings:#?}");
    assert!(
        equivalent[0]
            .contains("`GET /boards/{b}/cards/{d}` (other) is the same path as `GET /boards/{b}/cards/{c}` (first)"),
        "{}",
        equivalent[0]
    );
}

#[test]
fn a_problem_with_a_setting_names_it_as_data() {
    use conductor_codegen::{Key, Origin, Part};
    let text = format!(
        "{HEAD}paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200': {{description: ok}}
components:
  schemas:
    Pet: {{type: object}}
    Owner: {{type: object}}
"
    );
    let mut settings = Settings::default();
    settings.tags = vec!["pets".to_owned(), "pest".to_owned()];
    settings.operations = vec!["listPet".to_owned()];
    settings.exclude_operations = vec!["listPets".to_owned(), "deletePets".to_owned()];
    settings.renames = vec![
        ("Pet".to_owned(), "Owner".to_owned()),
        ("listPets".to_owned(), "list pets".to_owned()),
        ("Pett".to_owned(), "Animal".to_owned()),
    ];
    settings.pagination = vec![
        ("listPet".to_owned(), "link".to_owned()),
        ("listPets".to_owned(), "spiral".to_owned()),
        ("listPets".to_owned(), "link".to_owned()),
    ];
    settings.envelope = Some("ok=success".to_owned());
    let report = check_str(Path::new("api.yaml"), &text, &settings);
    let entry = |key, index, part| Origin::Entry { key, index, part };
    let origins: Vec<Origin> = report.errors.iter().map(|error| error.origin).collect();
    assert_eq!(
        origins,
        [
            entry(Key::Operations, 0, Part::Whole),
            entry(Key::ExcludeOperations, 1, Part::Whole),
            entry(Key::Tags, 1, Part::Whole),
            entry(Key::Rename, 1, Part::Second),
            entry(Key::Rename, 2, Part::First),
            entry(Key::Rename, 0, Part::Second),
            entry(Key::Pagination, 0, Part::First),
            entry(Key::Pagination, 1, Part::Second),
            entry(Key::Pagination, 2, Part::Second),
            Origin::Setting(Key::Envelope),
        ],
        "{:#?}",
        messages(&report)
    );

    // A problem inside the document is about the spec.
    let broken = format!("{HEAD}paths: {{}}\nx-conductor-envelope: true\n");
    let report = check_str(Path::new("api.yaml"), &broken, &Settings::default());
    assert_eq!(report.errors.len(), 1, "{:#?}", messages(&report));
    assert_eq!(report.errors[0].origin, Origin::Spec);
    assert_eq!(report.errors[0].pointer.as_deref(), Some("#/x-conductor-envelope"));
}

/// Box writes its ids as `allOf: [{type: string, ...}, {nullable: false}]`: a string with an
/// annotation, not an object (it became an empty struct, and every answer failed to decode).
#[test]
fn an_all_of_of_a_scalar_and_annotations_is_the_scalar() {
    let document = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"File": {
            "type": "object",
            "required": ["sequence_id"],
            "properties": {
                "sequence_id": {"allOf": [{"type": "string", "example": "3"}, {"nullable": false}]},
                "parent": {"allOf": [{"$ref": "#/components/schemas/Folder"}, {"description": "The parent."}]}
            }
        }, "Folder": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    });
    let mut settings = Settings::default();
    settings.schemas = conductor_codegen::Schemas::All;
    let generated = conductor_codegen::generate_from_value(Path::new("api.json"), document, &settings).unwrap();
    let code = generated.tokens.to_string().replace(' ', "");
    assert!(code.contains("pubsequence_id:::std::string::String"), "{code}");
}
