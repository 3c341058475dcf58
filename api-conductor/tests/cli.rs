//! Runs the real `api-conductor` binary: `--help` snapshots, bad input (one line on stderr, a
//! non-zero exit, nothing half-written) and the journey from an empty folder to a tested
//! connector whose spec then drifts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_api-conductor");

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// A fresh folder under the target directory's temporary folder.
fn fresh(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-conductor").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Asserts a failure with exactly one line on stderr, and returns that line.
fn one_line_failure(output: &Output) -> String {
    assert!(!output.status.success(), "expected a failure, got {output:?}");
    let text = stderr(output);
    assert_eq!(text.lines().count(), 1, "one line on stderr, got:\n{text}");
    text.trim_end().to_owned()
}

#[test]
fn help_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let overwrite = std::env::var_os("SNAPSHOTS").is_some_and(|v| v == "overwrite");
    let commands: [&[&str]; 11] = [
        &[],
        &["check"],
        &["expand"],
        &["mock"],
        &["setup"],
        &["new-connector"],
        &["implement"],
        &["test"],
        &["status"],
        &["auth"],
        &["auth", "login"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let output = run(Path::new("."), &args);
        assert!(output.status.success());
        let name = if command.is_empty() {
            "help".to_owned()
        } else {
            command.join("-")
        };
        let path = dir.join(format!("{name}.txt"));
        let actual = stdout(&output);
        if overwrite {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("no snapshot {}; run with SNAPSHOTS=overwrite", path.display()));
        assert_eq!(
            actual,
            expected,
            "`{}` changed; SNAPSHOTS=overwrite accepts it",
            args.join(" ")
        );
    }
}

#[test]
fn a_bad_argument_is_clap_s_one_line_error() {
    let output = run(Path::new("."), &["expand", "x.yaml", "--schemas", "some"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with("error: invalid value 'some'"),
        "{}",
        stderr(&output)
    );
}

const BROKEN: &str = "openapi: 3.0.3\ninfo: {title: Broken, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n";

#[test]
fn check_reports_with_a_frame_and_fails_on_errors() {
    let dir = fresh("check");
    std::fs::write(dir.join("broken.yaml"), BROKEN).unwrap();
    let output = run(&dir, &["check", "broken.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("unresolved $ref"), "{text}");
    assert!(text.contains(" | "), "a code frame: {text}");
    assert!(text.trim_end().ends_with("1 error(s), 0 warning(s)"), "{text}");

    let output = run(&dir, &["check", "missing.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("missing.yaml"));

    let petstore = workspace_root().join("specs/petstore.yaml");
    let output = run(&dir, &["check", petstore.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn expand_prints_the_code_and_what_paginates() {
    let spec = workspace_root().join("specs/pagination.yaml");
    let output = run(Path::new("."), &["expand", spec.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("pub struct Client"));
    let report = stderr(&output);
    let paginated: Vec<&str> = report.lines().filter(|line| line.starts_with("paginated: ")).collect();
    assert_eq!(
        paginated,
        [
            "paginated: listByOffset: pages follow `offset` advanced by the items received (page size `limit`); items in the body (detected)",
            "paginated: listByPage: pages follow `page` counted from 1; items in `/results` (detected)",
            "paginated: listByConductorExtension: pages follow the cursor at `/meta/next_token` sent as `token`; items in `/entries` (x-conductor-pagination)",
            "paginated: listBySpeakeasy: pages follow `skip` advanced by the items received (page size `take`); items in `/items` (x-speakeasy-pagination)",
            "paginated: listByFern: pages follow the cursor at `/next` sent as `from`; items in `/data` (x-fern-pagination)",
            "paginated: searchRows: pages follow the cursor at `/next_page` sent as `page`; items in `/data` (detected)",
            "paginated: listLater: pages follow the next page URL at `/nextLink`; items in `/value` (detected)",
        ],
        "{report}"
    );
    let output = run(Path::new("."), &["expand", "missing.yaml"]);
    assert!(!output.status.success());
}

/// `expand`'s selection flags pick the operations as the attribute's options do.
#[test]
fn expand_selects_operations_by_tag_id_and_exclusion() {
    let spec = workspace_root().join("specs/petstore.yaml");
    let methods = |args: &[&str]| {
        let mut argv = vec!["expand", spec.to_str().unwrap()];
        argv.extend_from_slice(args);
        let output = run(Path::new("."), &argv);
        assert!(output.status.success(), "{}", stderr(&output));
        let code = stdout(&output);
        [
            "list_pets",
            "create_pet",
            "get_pet_by_id",
            "delete_pet",
            "get_inventory",
        ]
        .into_iter()
        .filter(|method| code.contains(&format!("pub fn {method}(")))
        .collect::<Vec<_>>()
    };
    assert_eq!(methods(&[]).len(), 5);
    assert_eq!(
        methods(&["--tags", "pets", "--exclude-operations", "deletePet"]),
        ["list_pets", "create_pet", "get_pet_by_id"]
    );
    assert_eq!(
        methods(&["--operations", "getInventory,listPets"]),
        ["list_pets", "get_inventory"]
    );
    let output = run(
        Path::new("."),
        &["expand", spec.to_str().unwrap(), "--operations", "nope"],
    );
    assert!(!output.status.success(), "an unknown id is refused");
}

/// Every file and folder under `dir`, relative to it, sorted.
fn listing(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            out.push(path.strip_prefix(root).unwrap().to_path_buf());
            if path.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Runs a command that must fail with one line on stderr and change nothing under `dir`;
/// returns the line.
fn refused_untouched(dir: &Path, args: &[&str]) -> String {
    let before = listing(dir);
    let line = one_line_failure(&run(dir, args));
    assert_eq!(listing(dir), before, "`{}` wrote something", args.join(" "));
    line
}

#[test]
fn workspace_commands_refuse_bad_input_and_write_nothing() {
    let outside = fresh("outside");
    let line = refused_untouched(&outside, &["status"]);
    assert!(line.contains("not in a connector workspace"), "{line}");
    let line = refused_untouched(&outside, &["implement", "petstore"]);
    assert!(line.contains("not in a connector workspace"), "{line}");
    std::fs::write(outside.join("petstore.yaml"), "openapi: 3.0.3\n").unwrap();
    let line = refused_untouched(&outside, &["new-connector", "pets", "--spec", "petstore.yaml"]);
    assert!(line.contains("not in a connector workspace"), "{line}");

    let dir = fresh("bad-input");
    assert!(run(&dir, &["setup"]).status.success());
    let line = refused_untouched(&dir, &["new-connector", "pets", "--spec", "nowhere.yaml"]);
    assert!(line.contains("nowhere.yaml: no such file"), "{line}");
    let line = refused_untouched(&dir, &["implement", "nobody"]);
    assert!(line.contains("no connector `nobody`"), "{line}");
    let line = refused_untouched(&dir, &["test", "nobody"]);
    assert!(line.contains("no connector `nobody`"), "{line}");
    let line = refused_untouched(&dir, &["new-connector", "Bad Name", "--spec", "x.yaml"]);
    assert!(line.contains("not a connector name"), "{line}");

    std::fs::write(dir.join("broken.yaml"), BROKEN).unwrap();
    let line = refused_untouched(&dir, &["new-connector", "broken", "--spec", "broken.yaml"]);
    assert!(line.contains("broken.yaml: 1 error(s), the first: "), "{line}");
    assert!(line.contains("unresolved $ref"), "{line}");
    assert!(
        line.contains("nothing was written (`api-conductor check broken.yaml` shows each with a frame)"),
        "{line}"
    );
    assert!(!dir.join("specs/broken.yaml").exists());
    assert!(!dir.join("connectors/broken").exists());
}

#[test]
fn commands_that_would_overwrite_refuse_in_one_line() {
    let dir = fresh("overwrite");
    assert!(run(&dir, &["setup"]).status.success());
    let petstore = workspace_root().join("specs/petstore.yaml");
    let petstore = petstore.to_str().unwrap();
    let output = run(&dir, &["new-connector", "petstore", "--spec", petstore]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("[4/4] writing the plan"),
        "progress on success: {}",
        stderr(&output)
    );
    let line = refused_untouched(&dir, &["new-connector", "petstore", "--spec", petstore]);
    assert!(line.contains("plan.toml exists"), "{line}");
    let output = run(&dir, &["implement", "petstore"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let line = refused_untouched(&dir, &["implement", "petstore"]);
    assert!(
        line.contains("exists; --force overwrites the generated files"),
        "{line}"
    );
}

#[test]
fn a_plan_with_a_paginated_value_of_the_wrong_type_is_refused_in_one_line() {
    let dir = fresh("bad-paginated");
    assert!(run(&dir, &["setup"]).status.success());
    let petstore = workspace_root().join("specs/petstore.yaml");
    let output = run(
        &dir,
        &["new-connector", "petstore", "--spec", petstore.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let plan_path = dir.join("connectors/petstore/plan.toml");
    let plan = std::fs::read_to_string(&plan_path).unwrap();
    let edited =
        plan.replacen("paginated = false\n", "paginated = 1\n", 1)
            .replacen("paginated = true\n", "paginated = 1\n", 1);
    assert!(edited.contains("paginated = 1\n"), "{plan}");
    std::fs::write(&plan_path, edited).unwrap();
    let line = refused_untouched(&dir, &["implement", "petstore"]);
    assert!(line.contains("`paginated` of `"), "{line}");
    assert!(
        line.contains("it takes true, false or a pagination declaration"),
        "{line}"
    );
}

#[test]
fn the_naming_standard_decides_names_and_crate_names() {
    let dir = fresh("naming");
    assert!(run(&dir, &["setup"]).status.success());
    let settings = std::fs::read_to_string(dir.join("conductor.toml")).unwrap();
    assert!(settings.contains("name_case = \"kebab-case\""), "{settings}");
    std::fs::write(
        dir.join("conductor.toml"),
        settings.replace("crate_prefix = \"\"", "crate_prefix = \"acme-\""),
    )
    .unwrap();
    let petstore = workspace_root().join("specs/petstore.yaml");
    let petstore = petstore.to_str().unwrap();
    let line = refused_untouched(&dir, &["new-connector", "pet_store", "--spec", petstore]);
    assert!(line.contains("naming standard is kebab-case"), "{line}");
    let output = run(&dir, &["new-connector", "pet-store", "--spec", petstore]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = run(&dir, &["implement", "pet-store"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cargo test -p acme-pet-store"),
        "{}",
        stderr(&output)
    );
    let manifest = std::fs::read_to_string(dir.join("connectors/pet-store/Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"acme-pet-store\""), "{manifest}");
    let tests = std::fs::read_to_string(dir.join("connectors/pet-store/tests/mock.rs")).unwrap();
    assert!(
        tests.contains("use ::acme_pet_store::pet_store::{self, types, Client};"),
        "{tests}"
    );

    let settings = std::fs::read_to_string(dir.join("conductor.toml")).unwrap();
    std::fs::write(
        dir.join("conductor.toml"),
        settings.replace("name_case = \"kebab-case\"", "name_case = \"snake_case\""),
    )
    .unwrap();
    let line = refused_untouched(&dir, &["implement", "pet-store"]);
    assert!(line.contains("naming standard is snake_case"), "{line}");
    let output = run(&dir, &["new-connector", "pet_store", "--spec", petstore]);
    assert!(output.status.success(), "{}", stderr(&output));
}

/// The cells of `status`'s table: column header → cell, for the row of connector `name`.
fn status_row(table: &str, name: &str) -> std::collections::BTreeMap<String, String> {
    let header = table.lines().next().unwrap();
    let columns = [
        "CONNECTOR",
        "SPEC",
        "DRIFT",
        "OPS",
        "COVERED",
        "AUTH",
        "LIMITS",
        "LAST TEST",
    ];
    let starts: Vec<usize> = columns
        .iter()
        .map(|c| header.find(c).unwrap_or_else(|| panic!("no column {c} in {header}")))
        .collect();
    let line = table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no row {name} in\n{table}"));
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let end = starts.get(i + 1).copied().unwrap_or(line.len()).min(line.len());
            (column.to_string(), line[starts[i]..end].trim().to_owned())
        })
        .collect()
}

fn status_text(dir: &Path, colour: &[(&str, &str)]) -> String {
    let mut command = Command::new(BIN);
    command
        .arg("status")
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    for (key, value) in colour {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn status_is_one_table_coloured_only_when_asked() {
    let dir = fresh("status-table");
    assert!(run(&dir, &["setup"]).status.success());
    let settings = std::fs::read_to_string(dir.join("conductor.toml")).unwrap();
    std::fs::write(
        dir.join("conductor.toml"),
        settings.replace("rate_limit_per_second = 10", "rate_limit_per_second = 25"),
    )
    .unwrap();
    let petstore = workspace_root().join("specs/petstore.yaml");
    for name in ["alpha", "beta"] {
        let output = run(&dir, &["new-connector", name, "--spec", petstore.to_str().unwrap()]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert!(run(&dir, &["implement", "beta"]).status.success());

    // stdout is a file here: no colour, whatever stderr is.
    let table = status_text(&dir, &[]);
    assert!(!table.contains('\x1b'), "{table:?}");
    assert!(
        table.starts_with("CONNECTOR  SPEC   DRIFT            OPS  COVERED             AUTH                    LIMITS"),
        "{table}"
    );
    let alpha = status_row(&table, "alpha");
    assert_eq!(alpha["DRIFT"], "not implemented", "{table}");
    assert_eq!(alpha["LIMITS"], "25/s, 3 attempts, 30s timeout", "{table}");
    let beta = status_row(&table, "beta");
    assert_eq!(
        [
            &beta["SPEC"],
            &beta["DRIFT"],
            &beta["OPS"],
            &beta["COVERED"],
            &beta["AUTH"],
            &beta["LAST TEST"]
        ],
        [
            "1.0.0",
            "none",
            "5",
            "0/5 0% (need 100%)",
            "api_key, petstore_auth",
            "not run"
        ],
        "{table}"
    );
    // The limits beta was implemented with, not today's standards.
    let settings = std::fs::read_to_string(dir.join("conductor.toml")).unwrap();
    std::fs::write(
        dir.join("conductor.toml"),
        settings.replace("rate_limit_per_second = 25", "rate_limit_per_second = 5"),
    )
    .unwrap();
    let table = status_text(&dir, &[]);
    assert_eq!(
        status_row(&table, "beta")["LIMITS"],
        "25/s, 3 attempts, 30s timeout",
        "{table}"
    );
    assert_eq!(
        status_row(&table, "alpha")["LIMITS"],
        "5/s, 3 attempts, 30s timeout",
        "{table}"
    );
    assert!(table.contains("beta: not covered by tests: "), "{table}");

    let forced = status_text(&dir, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains("\x1b[1;33mnot implemented\x1b[0m"), "{forced:?}");
    let refused = status_text(&dir, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!refused.contains('\x1b'), "{refused:?}");

    // stderr on a terminal (util-linux `script` gives the command one), stdout to a file: the
    // file stays plain.
    let script = Command::new("script")
        .args(["-qec", &format!("{BIN} status > status.txt"), "/dev/null"])
        .current_dir(&dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("util-linux `script` runs");
    assert!(script.status.success(), "{script:?}");
    let file = std::fs::read_to_string(dir.join("status.txt")).unwrap();
    assert!(file.contains("not implemented") && !file.contains('\x1b'), "{file:?}");
}

#[test]
fn setup_is_idempotent_and_keeps_files() {
    let dir = fresh("setup");
    assert!(run(&dir, &["setup"]).status.success());
    std::fs::write(dir.join("conductor.toml"), "# mine\n[runtime]\nversion = \"0.1\"\n").unwrap();
    let output = run(&dir, &["setup"]);
    assert!(output.status.success());
    assert!(stderr(&output).contains("kept conductor.toml"));
    assert_eq!(
        std::fs::read_to_string(dir.join("conductor.toml")).unwrap(),
        "# mine\n[runtime]\nversion = \"0.1\"\n"
    );
    assert!(run(&dir, &["setup", "--force"]).status.success());
    assert!(std::fs::read_to_string(dir.join("conductor.toml"))
        .unwrap()
        .contains("[standards]"));

    let other = fresh("setup-crate");
    std::fs::write(other.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
    let line = one_line_failure(&run(&other, &["setup"]));
    assert!(line.contains("not a workspace"), "{line}");
    assert!(!other.join("conductor.toml").exists());
}

fn status_json(dir: &Path, target: &Path) -> serde_json::Value {
    let output = Command::new(BIN)
        .args(["status", "--json"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// setup → new-connector → implement → `api-conductor test` (`cargo test` of the new crate,
/// recorded) → status shows coverage and the result → edit the spec → status reports drift. The nested build shares this workspace's target
/// directory and lock file and runs offline, so only the new crate is compiled.
#[test]
fn journey_from_an_empty_folder_to_drift() {
    let root = workspace_root();
    let dir = fresh("journey");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    assert!(run(&dir, &["setup"]).status.success());
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    // A title of its own as well: coverage reports are keyed by the spec file, so other test
    // runs' reports in the shared target directory do not count even under the same title.
    let title = format!("Petstore journey {}", std::process::id());
    let spec = std::fs::read_to_string(root.join("specs/petstore.yaml"))
        .unwrap()
        .replace("title: Petstore", &format!("title: {title}"));
    std::fs::create_dir_all(dir.join("incoming")).unwrap();
    std::fs::write(dir.join("incoming/petstore.yaml"), &spec).unwrap();

    let output = run(&dir, &["new-connector", "petstore", "--spec", "incoming/petstore.yaml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let plan = std::fs::read_to_string(dir.join("connectors/petstore/plan.toml")).unwrap();
    assert!(plan.contains("[operations.store.getInventory]"), "{plan}");
    // The developer trims the plan.
    let plan = plan.replacen(
        "path = \"/store/inventory\"\nsummary = \"Stock by status\"\npaginated = false\ninclude = true",
        "path = \"/store/inventory\"\nsummary = \"Stock by status\"\npaginated = false\ninclude = false",
        1,
    );
    std::fs::write(dir.join("connectors/petstore/plan.toml"), plan).unwrap();

    let output = run(&dir, &["implement", "petstore"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lib = std::fs::read_to_string(dir.join("connectors/petstore/src/lib.rs")).unwrap();
    assert!(
        lib.contains("operations = [\"listPets\", \"createPet\", \"getPetById\", \"deletePet\"]"),
        "{lib}"
    );
    assert!(std::fs::read_to_string(dir.join("connectors/petstore/README.md"))
        .unwrap()
        .contains("| `get_pet_by_id` | GET |"));
    let before = status_json(&dir, &target);
    assert_eq!(before["connectors"][0]["coverage"]["percent"], 0, "{before}");

    let output = connector_test(&dir, &target, "petstore", &[]);
    assert!(
        output.status.success(),
        "api-conductor test (cargo test of the new crate):\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert!(
        stdout(&output).contains("test result: ok. 8 passed"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("recorded in connectors/petstore/.conductor/last-test.json: passed, 8 test(s) passed"),
        "{}",
        stderr(&output)
    );

    let after = status_json(&dir, &target);
    let connector = &after["connectors"][0];
    assert_eq!(connector["coverage"]["percent"], 100, "{after}");
    assert_eq!(connector["coverage"]["meets_standard"], true);
    assert_eq!(connector["drift"]["changed"], false);
    let last = &connector["last_test_result"];
    assert_eq!(
        (&last["passed"], &last["tests_passed"], &last["tests_failed"]),
        (&serde_json::json!(true), &serde_json::json!(8), &serde_json::json!(0)),
        "{after}"
    );
    assert!(
        last["seconds"].as_f64().is_some() && last["finished_at"].is_string(),
        "{after}"
    );
    let text = Command::new(BIN)
        .arg("status")
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let table = stdout(&text);
    let row = status_row(&table, "petstore");
    assert_eq!(
        [
            &row["SPEC"],
            &row["DRIFT"],
            &row["OPS"],
            &row["COVERED"],
            &row["AUTH"],
            &row["LIMITS"]
        ],
        [
            "1.0.0",
            "none",
            "4",
            "4/4 100% (need 100%)",
            "api_key, petstore_auth",
            "10/s, 3 attempts, 30s timeout"
        ],
        "{table}"
    );
    assert!(row["LAST TEST"].starts_with("passed 8 ("), "{table}");

    // Covered means answered as documented: a run in which getPetById's only test sends a
    // request the mock refuses (an id that is not an integer) leaves it uncovered.
    let crate_dir = dir.join("connectors/petstore");
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    if !manifest.contains("reqwest") {
        std::fs::write(
            crate_dir.join("Cargo.toml"),
            manifest.replace(
                "[dev-dependencies]\n",
                "[dev-dependencies]\nreqwest = { version = \"0.13\", default-features = false }\n",
            ),
        )
        .unwrap();
    }
    std::fs::write(
        crate_dir.join("tests/mock.rs"),
        r#"use connector_runtime::mock::StubResponse;
use connector_runtime::RetryPolicy;
use ::petstore::petstore;

#[tokio::test]
async fn list_pets_is_answered() {
    let server = petstore::mock::start().await.unwrap();
    let client = ::petstore::builder()
        .base_url(server.base_url())
        .all_servers_to_base_url()
        .api_key("k")
        .retry(RetryPolicy::never())
        .build()
        .unwrap();
    server.stub_operation("listPets", StubResponse::json(200, &serde_json::json!([])));
    assert!(client.list_pets().await.is_ok());
}

#[tokio::test]
async fn get_pet_by_id_with_a_bad_id_is_refused() {
    let server = petstore::mock::start().await.unwrap();
    connector_runtime::install_crypto_provider();
    let response = reqwest::Client::new()
        .get(format!("{}/pets/not-a-number", server.base_url()))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(server.received_by("getPetById").len(), 1);
}
"#,
    )
    .unwrap();
    let output = connector_test(&dir, &target, "petstore", &[]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    let rejected = status_json(&dir, &target);
    let coverage = &rejected["connectors"][0]["coverage"];
    assert_eq!(coverage["covered"], serde_json::json!(["listPets"]), "{rejected}");
    assert!(
        coverage["missed"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("getPetById")),
        "{rejected}"
    );
    assert_eq!(coverage["meets_standard"], false, "{rejected}");

    // A failing test: `test` exits 1 and records the failure.
    std::fs::write(
        crate_dir.join("tests/failing.rs"),
        "#[test]\nfn fails() {\n    assert_eq!(1 + 1, 3, \"on purpose\");\n}\n",
    )
    .unwrap();
    let output = connector_test(&dir, &target, "petstore", &[]);
    assert_eq!(output.status.code(), Some(1), "{}{}", stdout(&output), stderr(&output));
    let failed = status_json(&dir, &target);
    let last = &failed["connectors"][0]["last_test_result"];
    assert_eq!(
        (&last["passed"], &last["tests_failed"]),
        (&serde_json::json!(false), &serde_json::json!(1)),
        "{failed}"
    );
    std::fs::remove_file(crate_dir.join("tests/failing.rs")).unwrap();

    // The API moves on: a new operation and an optional field (compatible), an enum value
    // removed (incompatible), a new version.
    let edited = spec
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace(
            "  /store/inventory:\n",
            "  /store/orders:\n    get:\n      operationId: listOrders\n      responses:\n        '200': {description: ok}\n  /store/inventory:\n",
        )
        .replace("        message: {type: string}", "        message: {type: string}\n        detail: {type: string}")
        .replace("enum: [available, pending, sold]", "enum: [available, sold]");
    std::fs::write(dir.join("specs/petstore.yaml"), edited).unwrap();
    let drifted = status_json(&dir, &target);
    let drift = &drifted["connectors"][0]["drift"];
    assert_eq!(drift["changed"], true, "{drifted}");
    assert_eq!(drift["version"], serde_json::json!(["1.0.0", "1.1.0"]));
    assert_eq!(drift["operations"]["added"], serde_json::json!(["listOrders"]));
    assert_eq!(drift["schemas"]["changed"], serde_json::json!(["Error", "PetStatus"]));
    assert_eq!(drift["incompatible"], 1, "{drifted}");
    let change =
        |at: &str, what: &str, compatible: bool| serde_json::json!({"at": at, "what": what, "compatible": compatible});
    let changes = drift["changes"].as_array().unwrap();
    for expected in [
        change("operation listOrders", "added", true),
        change("schema Error", "optional field `detail` added", true),
        change("schema PetStatus", "enum value `pending` removed", false),
    ] {
        assert!(changes.contains(&expected), "{expected} in {drifted}");
    }
    let text = stdout(&run(&dir, &["status"]));
    assert_eq!(
        status_row(&text, "petstore")["DRIFT"],
        "3 change(s), 1 incompatible",
        "{text}"
    );
    assert!(text.contains("1 incompatible of 3 change(s)"), "{text}");
    assert!(
        text.contains("incompatible  schema PetStatus: enum value `pending` removed"),
        "{text}"
    );
    assert!(text.contains("compatible    operation listOrders: added"), "{text}");
}

/// `api-conductor test NAME -- --offline ARGS` in `dir`, sharing this workspace's target
/// directory; returns its output.
fn connector_test(dir: &Path, target: &Path, name: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["test", name, "--", "--offline", "--color", "never"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("NO_COLOR", "1")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap()
}

/// A real API's excerpt (GitHub: operations with a server of their own, a redirect,
/// arguments the scaffold cannot fill): `implement` follows the plan's pagination and base URL
/// choices, writes a routed-request test for what it cannot call, and `cargo test` of the new
/// crate passes with every operation covered. A second, filtered run counts only itself.
#[test]
fn implement_a_real_excerpt_whose_tests_pass_and_cover_it() {
    let root = workspace_root();
    let dir = fresh("real-excerpt");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    assert!(run(&dir, &["setup"]).status.success());
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let spec = root.join("specs/real/github-excerpt.json");
    let output = run(&dir, &["new-connector", "github", "--spec", spec.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));

    // The developer's choices: search is not to paginate, issues paginate by a declared page
    // number, and the client talks to GitHub Enterprise.
    let plan_path = dir.join("connectors/github/plan.toml");
    let plan = std::fs::read_to_string(&plan_path).unwrap();
    let search = "path = \"/search/issues\"\nsummary = \"Search issues and pull requests\"\n# pages follow `page` counted from 1 (page size `per_page`); items in `/items` (detected)\npaginated = true";
    let issues = "path = \"/repos/{owner}/{repo}/issues\"\nsummary = \"List repository issues\"\n# pages follow the `Link` header's `rel=\"next\"` URL; items in the body (detected)\npaginated = true";
    assert!(plan.contains(search) && plan.contains(issues), "{plan}");
    let plan = plan
        .replace(search, &search.replace("paginated = true", "paginated = false"))
        .replace(
            issues,
            &issues.replace(
                "paginated = true",
                "paginated = \"page page=page per_page=per_page first=1\"",
            ),
        )
        .replace(
            "base_url = \"https://api.github.com\"",
            "base_url = \"https://github.example.com/api/v3\"",
        );
    std::fs::write(&plan_path, plan).unwrap();

    let output = run(&dir, &["implement", "github"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lib = std::fs::read_to_string(dir.join("connectors/github/src/lib.rs")).unwrap();
    assert!(
        lib.contains("pagination = [(\"issues/list-for-repo\", \"page page=page per_page=per_page first=1\"), (\"search/issues-and-pull-requests\", \"none\")]"),
        "{lib}"
    );
    assert!(
        lib.contains(".base_url(\"https://github.example.com/api/v3\")"),
        "{lib}"
    );
    let readme = std::fs::read_to_string(dir.join("connectors/github/README.md")).unwrap();
    assert!(readme.contains("`page` counted from 1"), "{readme}");
    for expected in [
        "Base URL: `https://github.example.com/api/v3`.",
        "| attempts per call (`RetryPolicy`: 408, 425, 429, 500, 502-504 and connection errors; `POST`/`PATCH` only on 429 or with an idempotency key) | 3 |",
        "| timeout per attempt | 30 s |",
        "| requests per second (client-side quota) | 10 |",
        "// GET /repos/{owner}/{repo}: Get a repository\nlet repos_get = client.repos_get(owner, repo).await?;",
        "let all = client.issues_list_for_repo(owner, repo).paginate().collect_items().await?;",
        "let reactions_create_for_issue = client.reactions_create_for_issue(owner, repo, issue_number, body).await?;",
    ] {
        assert!(readme.contains(expected), "{expected} in {readme}");
    }
    let tests = std::fs::read_to_string(dir.join("connectors/github/tests/mock.rs")).unwrap();
    assert!(
        tests.contains("async fn reactions_create_for_issue_is_routed()"),
        "{tests}"
    );

    let output = connector_test(&dir, &target, "github", &[]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    let status = status_json(&dir, &target);
    let coverage = &status["connectors"][0]["coverage"];
    assert_eq!(coverage["percent"], 100, "{status}");
    assert_eq!(coverage["reports"], "connectors/github/.conductor/coverage", "{status}");

    // Only this run counts: the operations the filtered run did not exercise are missed again.
    let output = connector_test(&dir, &target, "github", &["repos_get_"]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    let status = status_json(&dir, &target);
    let coverage = &status["connectors"][0]["coverage"];
    assert_eq!(coverage["covered"], serde_json::json!(["repos/get"]), "{status}");
}

/// The plan, the attribute and the generated tests use the generator's derived id; the mock
/// knows the operation by `METHOD /path`, and `status` counts it as covered.
#[test]
fn an_operation_without_an_id_gets_the_generator_s() {
    let root = workspace_root();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let dir = fresh("no-operation-id");
    assert!(run(&dir, &["setup"]).status.success());
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    std::fs::write(
        dir.join("things.yaml"),
        "openapi: 3.0.3\ninfo: {title: Things, version: '1'}\nservers: [{url: 'https://things.example.com'}]\npaths:\n  /things/{id}:\n    get:\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object}}}}\n",
    )
    .unwrap();
    let output = run(&dir, &["new-connector", "things", "--spec", "things.yaml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let plan = std::fs::read_to_string(dir.join("connectors/things/plan.toml")).unwrap();
    assert!(
        plan.contains("[operations.untagged.get_things_id]\nmethod = \"GET\"\npath = \"/things/{id}\""),
        "{plan}"
    );
    assert!(plan.contains("# The spec gives no operationId"), "{plan}");
    let output = run(&dir, &["implement", "things"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lib = std::fs::read_to_string(dir.join("connectors/things/src/lib.rs")).unwrap();
    assert!(lib.contains("operations = [\"get_things_id\"]"), "{lib}");
    let tests = std::fs::read_to_string(dir.join("connectors/things/tests/mock.rs")).unwrap();
    assert!(tests.contains("server.received_by(\"get_things_id\")"), "{tests}");
    let output = connector_test(&dir, &target, "things", &[]);
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
    let status = status_json(&dir, &target);
    assert_eq!(status["connectors"][0]["coverage"]["percent"], 100, "{status}");
}

/// A running `api-conductor mock`: its base URL, read from the line it prints when ready.
struct Mock {
    child: std::process::Child,
    stdout: std::io::BufReader<std::process::ChildStdout>,
    url: String,
}

impl Mock {
    fn start(args: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = Command::new(BIN)
            .arg("mock")
            .args(args)
            .args(["--port", "0"])
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line
            .trim_end()
            .rsplit_once(" on ")
            .unwrap_or_else(|| panic!("no `serving ... on URL` line: {line:?}"))
            .1
            .to_owned();
        Self { child, stdout, url }
    }

    /// `GET path` with an API key; the status line and the body.
    fn get(&self, path: &str) -> (String, String) {
        use std::io::{Read, Write};
        let address = self.url.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nhost: {address}\r\nx-api-key: test-key\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        (head.lines().next().unwrap().to_owned(), body.to_owned())
    }

    /// Stops it with SIGTERM, as a script would; returns the rest of stdout and the exit.
    fn stop(mut self) -> (String, std::process::ExitStatus) {
        use std::io::Read;
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (rest, self.child.wait().unwrap())
    }
}

#[test]
fn mock_serves_the_spec_and_prints_coverage_records_and_replays() {
    let spec = workspace_root().join("specs/petstore.yaml");
    let spec = spec.to_str().unwrap();
    let served = Mock::start(&[spec]);
    let (status, body) = served.get("/pets/7");
    assert_eq!(status, "HTTP/1.1 200 OK", "{body}");
    let pet: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(pet["id"].is_i64() && pet["name"].is_string(), "{pet}");

    // A recording proxy in front of it, then a replay of what it wrote.
    let dir = fresh("mock-record");
    let fixtures = dir.join("fixtures");
    let recording = Mock::start(&[spec, "--record", &served.url, "--fixtures", fixtures.to_str().unwrap()]);
    let (status, recorded) = recording.get("/pets/7");
    assert_eq!(status, "HTTP/1.1 200 OK", "{recorded}");
    assert_eq!(recorded, body, "the proxy passes the upstream's answer on");
    let (_, exit) = recording.stop();
    assert!(exit.success());
    assert_eq!(std::fs::read_dir(&fixtures).unwrap().count(), 1, "one fixture");

    let (table, exit) = served.stop();
    assert!(exit.success(), "{exit:?}");
    assert!(table.contains("getPetById    200×2"), "{table}");
    assert!(table.contains("listPets      -"), "{table}");
    assert!(
        table
            .trim_end()
            .ends_with("1 of 5 operations exercised, 1 covered (answered as documented)"),
        "{table}"
    );

    let replaying = Mock::start(&[spec, "--replay", fixtures.to_str().unwrap()]);
    let (status, replayed) = replaying.get("/pets/7");
    assert_eq!(status, "HTTP/1.1 200 OK", "{replayed}");
    assert_eq!(replayed, body, "the recorded answer, with the upstream gone");
    let (table, _) = replaying.stop();
    assert!(table.contains("getPetById    200×1"), "{table}");

    let line = one_line_failure(&run(&dir, &["mock", spec, "--record", "http://127.0.0.1:9"]));
    assert!(line.contains("--record needs --fixtures DIR"), "{line}");
    let line = one_line_failure(&run(&dir, &["mock", spec, "--fixtures", "f"]));
    assert!(line.contains("--fixtures goes with --record URL"), "{line}");
    let line = one_line_failure(&run(&dir, &["mock", "missing.yaml"]));
    assert!(line.contains("missing.yaml: no such file"), "{line}");
}

/// Serves `body` at `/specs/petstore.yaml` and 404 elsewhere on 127.0.0.1, for `requests`
/// requests; returns the base URL.
fn serve_spec(body: String, requests: usize) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        for _ in 0..requests {
            let (mut stream, _) = listener.accept().unwrap();
            let mut request = Vec::new();
            let mut buffer = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buffer).unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buffer[..n]);
            }
            let request = String::from_utf8_lossy(&request);
            let found = request.starts_with("GET /specs/petstore.yaml ");
            let (status, body) = if found {
                ("200 OK", body.as_str())
            } else {
                ("404 Not Found", "no such spec")
            };
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
        }
    });
    (base, handle)
}

#[test]
fn new_connector_downloads_a_spec_from_a_url() {
    let dir = fresh("download");
    assert!(run(&dir, &["setup"]).status.success());
    let spec = std::fs::read_to_string(workspace_root().join("specs/petstore.yaml")).unwrap();
    let (base, server) = serve_spec(spec.clone(), 2);
    let download = |args: &[&str]| {
        let mut command = Command::new(BIN);
        command.args(args).current_dir(&dir).env("NO_COLOR", "1");
        for proxy in [
            "http_proxy",
            "HTTP_PROXY",
            "https_proxy",
            "HTTPS_PROXY",
            "all_proxy",
            "ALL_PROXY",
        ] {
            command.env_remove(proxy);
        }
        command.output().unwrap()
    };

    let missing = format!("{base}/specs/missing.yaml");
    let line = one_line_failure(&download(&["new-connector", "pets", "--spec", &missing]));
    assert!(line.contains("404 Not Found"), "{line}");
    assert!(!dir.join("specs/missing.yaml").exists() && !dir.join("connectors/pets").exists());

    let url = format!("{base}/specs/petstore.yaml");
    let output = download(&["new-connector", "pets", "--spec", &url]);
    assert!(output.status.success(), "{}", stderr(&output));
    server.join().unwrap();
    assert_eq!(std::fs::read_to_string(dir.join("specs/petstore.yaml")).unwrap(), spec);
    let plan = std::fs::read_to_string(dir.join("connectors/pets/plan.toml")).unwrap();
    assert!(plan.contains("spec = \"specs/petstore.yaml\""), "{plan}");
}
