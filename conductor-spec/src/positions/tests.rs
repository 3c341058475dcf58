use std::path::Path;

use super::*;

fn at(index: &PositionIndex, pointer: &str) -> (usize, usize, String) {
    let located = index.locate(pointer).unwrap();
    (located.position.line, located.position.column, located.found)
}

#[test]
fn json_positions_by_pointer() {
    let text =
        "{\n  \"paths\": {\n    \"/pets/{id}\": {\"get\": {\"tags\": [\"a\", {\"x\": 1}]}}\n  },\n  \"n\": null\n}";
    let index = PositionIndex::new(Path::new("a.json"), text);
    assert_eq!(at(&index, ""), (1, 1, String::new()));
    assert_eq!(at(&index, "#/paths"), (2, 3, "/paths".to_owned()));
    assert_eq!(
        at(&index, "/paths/~1pets~1{id}"),
        (3, 5, "/paths/~1pets~1{id}".to_owned())
    );
    assert_eq!(at(&index, "/paths/~1pets~1{id}/get/tags/1/x").0, 3);
    assert_eq!(at(&index, "/paths/~1pets~1{id}/get/tags/1/x").1, 43);
    assert_eq!(at(&index, "/n"), (5, 3, "/n".to_owned()));
    // A pointer the text does not spell out falls back to its closest ancestor.
    assert_eq!(
        at(&index, "/paths/~1pets~1{id}/get/nope/deeper").2,
        "/paths/~1pets~1{id}/get"
    );
}

#[test]
fn json_escapes_and_broken_text() {
    let text = "{\"a\\\"b\": {\"c\\u0041\": 1}, \"d\": [";
    let index = PositionIndex::new(Path::new("a.json"), text);
    assert_eq!(at(&index, "/a\"b/cA"), (1, 11, "/a\"b/cA".to_owned()));
    assert_eq!(at(&index, "/d").1, 26);
}

#[test]
fn yaml_positions_by_pointer() {
    let text = "openapi: 3.0.3\npaths:\n  /pets/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n        - {name: q, in: query}\n      responses:\n        200:\n          description: ok\ncomponents:\n  schemas:\n    Pet: &pet\n      type: object\n    Alias: *pet\n";
    let index = PositionIndex::new(Path::new("a.yaml"), text);
    assert_eq!(at(&index, "/openapi"), (1, 1, "/openapi".to_owned()));
    assert_eq!(
        at(&index, "/paths/~1pets~1{id}/get"),
        (4, 5, "/paths/~1pets~1{id}/get".to_owned())
    );
    assert_eq!(
        at(&index, "/paths/~1pets~1{id}/get/parameters/0"),
        (6, 11, "/paths/~1pets~1{id}/get/parameters/0".to_owned())
    );
    assert_eq!(at(&index, "/paths/~1pets~1{id}/get/parameters/0/in").0, 7);
    assert_eq!(
        at(&index, "/paths/~1pets~1{id}/get/parameters/1/in"),
        (8, 21, "/paths/~1pets~1{id}/get/parameters/1/in".to_owned())
    );
    assert_eq!(at(&index, "/paths/~1pets~1{id}/get/responses/200/description").0, 11);
    assert_eq!(at(&index, "/components/schemas/Alias").0, 16);
    assert_eq!(at(&index, "/components/schemas/Pet/type").0, 15);
}

#[test]
fn yaml_complex_keys_and_broken_text() {
    let text = "a:\n  ? [x, y]\n  : 1\n  b: 2\nc: [\n";
    let index = PositionIndex::new(Path::new("a.yml"), text);
    assert_eq!(at(&index, "/a/b").0, 4);
    assert_eq!(at(&index, "/c").0, 5);
}

#[test]
fn pointer_before_a_syntax_error() {
    let text = "{\n  \"a\": {\"b\": 1,}\n}";
    let index = PositionIndex::new(Path::new("a.json"), text);
    let position = Position { line: 2, column: 16 };
    assert_eq!(index.pointer_before(position), Some("/a/b"));
}
