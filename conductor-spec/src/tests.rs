use super::*;
use serde_json::json;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("conductor-spec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn normalises_3_1_constructs() {
    let doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "webhooks": {"x": {}},
        "components": {
            "pathItems": {"Ping": {"get": {"operationId": "ping", "responses": {"204": {"description": "ok"}}}}},
            "schemas": {
                "A": {"type": ["string", "null"], "examples": ["x"]},
                "B": {"const": "fixed"},
                "C": {"type": "integer", "exclusiveMinimum": 3},
                "D": {"$ref": "#/components/schemas/A", "nullable": true},
                "E": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
                "F": {"type": ["string", "integer"]}
            }
        },
        "paths": {"/ping": {"$ref": "#/components/pathItems/Ping"}}
    });
    let spec = from_value(Path::new("mem.json"), doc).unwrap();
    assert_eq!(spec.version, SpecVersion::V3_1);
    let schemas = &spec.raw["components"]["schemas"];
    assert_eq!(
        schemas["A"],
        json!({"type": "string", "nullable": true, "example": "x"})
    );
    assert_eq!(schemas["B"], json!({"enum": ["fixed"]}));
    assert_eq!(
        schemas["C"],
        json!({"type": "integer", "minimum": 3, "exclusiveMinimum": true})
    );
    assert_eq!(
        schemas["D"],
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
    );
    assert_eq!(
        schemas["E"],
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/B"}]})
    );
    assert_eq!(schemas["F"]["anyOf"], json!([{"type": "string"}, {"type": "integer"}]));
    assert!(spec.raw.get("webhooks").is_none());
    assert!(spec.document.paths.paths["/ping"].as_item().unwrap().get.is_some());
}

#[test]
fn bundles_refs_into_other_files() {
    let dir = temp_dir("bundle");
    std::fs::write(
        dir.join("root.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      parameters:\n        - $ref: 'common/params.yaml#/Limit'\n      responses:\n        200:\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: 'common/models.yaml#/components/schemas/Pet'\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("common")).unwrap();
    std::fs::write(
        dir.join("common/params.yaml"),
        "Limit:\n  name: limit\n  in: query\n  schema: {type: integer}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("common/models.yaml"),
        "components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        owner: {$ref: '#/components/schemas/Owner'}\n        friend: {$ref: '#/components/schemas/Pet'}\n    Owner: {type: object}\n",
    )
    .unwrap();
    let spec = load(&dir.join("root.yaml")).unwrap();
    assert_eq!(spec.files.len(), 3);
    assert_eq!(
        spec.raw["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    assert_eq!(spec.raw["paths"]["/pets"]["get"]["parameters"][0]["name"], "limit");
    let pet = &spec.raw["components"]["schemas"]["Pet"];
    assert_eq!(pet["properties"]["owner"]["$ref"], "#/components/schemas/Owner");
    assert_eq!(pet["properties"]["friend"]["$ref"], "#/components/schemas/Pet");
}

#[test]
fn reports_missing_external_target() {
    let dir = temp_dir("missing");
    std::fs::write(
        dir.join("root.json"),
        r##"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"A": {"$ref": "other.json#/Nope"}}}}"##,
    )
    .unwrap();
    std::fs::write(dir.join("other.json"), "{}").unwrap();
    let err = load(&dir.join("root.json")).unwrap_err();
    assert!(
        matches!(err, SpecError::UnresolvedRef { ref location, .. } if location == "/components/schemas/A"),
        "{err}"
    );
}

#[test]
fn rejects_swagger_and_syntax_errors_with_positions() {
    let err = from_value(Path::new("s.json"), json!({"swagger": "2.0"})).unwrap_err();
    assert!(matches!(err, SpecError::Swagger2 { .. }));
    let err = load_from_str(Path::new("bad.json"), "{\n  \"openapi\": \"3.0.0\",\n  oops\n}").unwrap_err();
    assert!(
        matches!(
            err,
            SpecError::Syntax {
                line: 3,
                format: "JSON",
                ..
            }
        ),
        "{err}"
    );
    let err = load_from_str(Path::new("bad.yaml"), "openapi: 3.0.0\ninfo: [\n").unwrap_err();
    assert!(matches!(err, SpecError::Syntax { format: "YAML", .. }), "{err}");
    let err = from_value(Path::new("v.json"), json!({"openapi": "4.0.0"})).unwrap_err();
    assert!(matches!(err, SpecError::UnsupportedVersion { .. }));
}

#[test]
fn boolean_schemas_and_callbacks_are_normalised() {
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"post": {
            "callbacks": {"done": {"$ref": "#/components/callbacks/Done"}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["gone", "kept"],
                "properties": {"gone": false, "kept": true, "additionalProperties": false}
            }}}}}
        }}},
        "components": {"callbacks": {"Done": {}}}
    });
    let spec = from_value(Path::new("mem.json"), doc).unwrap();
    let schema = &spec.raw["paths"]["/a"]["post"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(schema["properties"], json!({"kept": {}}));
    assert_eq!(schema["required"], json!(["kept"]));
    assert!(spec.raw["paths"]["/a"]["post"].get("callbacks").is_none());
}
