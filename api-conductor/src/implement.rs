//! `implement`: the connector crate from its reviewed plan — the `#[connector]` module, a test
//! per selected operation against the mock server, and a README generated from the spec.

use std::fmt::Write as _;
use std::path::PathBuf;

use conductor_codegen::{Construction, Generated, Settings};
use conductor_mock::Samples;
use serde_json::{json, Value};

use crate::plan::{Paging, Plan};
use crate::spec_info::{self, OperationInfo};
use crate::workspace::{one_line, quote, Limits, Workspace};
use crate::{check, ui, Failure};

/// Where `implement` records the spec it implemented, for `status`'s drift report.
pub(crate) const RECORD: &str = ".conductor/implemented.json";

/// `api-conductor implement NAME`.
pub(crate) fn implement(name: &str, force: bool) -> Result<(), Failure> {
    let workspace = Workspace::find()?;
    workspace.check_name(name)?;
    let krate = workspace.crate_name(name)?;
    let plan = Plan::read(&workspace, name)?;
    let spec = workspace.root.join(&plan.spec);
    let mut progress = ui::Progress::new(4);
    progress.step(&format!("checking {}", plan.spec));
    let report = conductor_codegen::check_file(&spec, &Settings::default());
    if !report.is_ok() {
        return Err(check::refused(&plan.spec, &report));
    }
    let loaded = conductor_spec::load(&spec)
        .map_err(|err| Failure::new(format!("{}: {}", plan.spec, one_line(&err.to_string()))))?;
    let raw = &loaded.raw;
    // Stub bodies and arguments: the mock's own generator, kept to required content.
    let samples = Samples::new(raw.clone());
    let all = spec_info::operations(raw);
    // Printed once the crate is written: a failure is one line.
    let warnings: Vec<String> = plan
        .included
        .iter()
        .filter(|id| !all.iter().any(|op| op.id == **id))
        .map(|id| {
            format!(
                "{}: the plan names `{id}`, which the spec no longer has",
                ui::yellow("warning")
            )
        })
        .collect();
    let selected: Vec<OperationInfo> = all.into_iter().filter(|op| plan.included.contains(&op.id)).collect();
    if selected.is_empty() {
        return Err(Failure::new(format!(
            "connectors/{name}/plan.toml includes no operation of the spec"
        )));
    }
    progress.step("generating the connector");
    let mut settings = Settings::default();
    settings.operations = selected.iter().map(|op| op.id.clone()).collect();
    // Only operations the spec still has: a declaration for a dropped one was warned about
    // above, and the generator would refuse it.
    settings.pagination = plan
        .paging
        .iter()
        .filter(|(id, _)| settings.operations.contains(id))
        .filter_map(|(id, how)| match how {
            Paging::Declared(declaration) => Some((id.clone(), declaration.clone())),
            _ => None,
        })
        .collect();
    let generate = |settings: &Settings| {
        conductor_codegen::generate_from_file(&spec, settings).map_err(|problems| {
            Failure::new(format!(
                "{}: {}",
                plan.spec,
                problems.iter().next().map(ToString::to_string).unwrap_or_default()
            ))
        })
    };
    let mut generated = generate(&settings)?;
    // `paginated = false` on an operation the generator finds paginated turns it off.
    let turned_off: Vec<(String, String)> = plan
        .paging
        .iter()
        .filter(|(id, how)| *how == Paging::Off && lookup(&generated.paginated, id).is_some())
        .map(|(id, _)| (id.clone(), "none".to_owned()))
        .collect();
    if !turned_off.is_empty() {
        settings.pagination.extend(turned_off);
        generated = generate(&settings)?;
    }

    let dir = workspace.connector_dir(name);
    let files: Vec<(PathBuf, String)> = vec![
        (
            dir.join("Cargo.toml"),
            cargo_toml(
                &krate,
                &workspace.runtime_dependency()?,
                selected
                    .iter()
                    .any(|op| arguments(raw, &samples, &generated, op).is_err()),
            ),
        ),
        (dir.join("src/lib.rs"), lib_rs(name, &plan, raw, &settings, &workspace)),
        (
            dir.join("tests/mock.rs"),
            tests_rs(name, &krate, raw, &samples, &selected, &generated),
        ),
        (
            dir.join("README.md"),
            readme(&krate, &plan, raw, &selected, &generated, Limits::of(&workspace)),
        ),
        (
            dir.join(RECORD),
            serde_json::to_string_pretty(&json!({
                "spec": plan.spec,
                "crate": krate,
                "limits": Limits::of(&workspace).to_json(),
                "operations": settings.operations,
                "document": raw,
            }))
            .unwrap_or_default(),
        ),
    ];
    for (path, _) in &files {
        if path.exists() && !force {
            return Err(Failure::new(format!(
                "connectors/{name}/{} exists; --force overwrites the generated files",
                crate::plan::relative(&dir, path)
            )));
        }
    }
    progress.step("writing the crate");
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| Failure::new(format!("cannot create {}: {err}", parent.display())))?;
        }
        std::fs::write(path, text).map_err(|err| Failure::new(format!("cannot write {}: {err}", path.display())))?;
    }
    progress.step("done");
    progress.finish();
    for warning in warnings {
        eprintln!("{warning}");
    }
    eprintln!(
        "wrote connectors/{name} ({} operation(s)); run `api-conductor test {name}` (or `cargo test -p {krate}`)",
        selected.len()
    );
    Ok(())
}

/// A connector or crate name as a Rust identifier: `-` as `_`.
fn module(name: &str) -> String {
    name.replace('-', "_")
}

fn cargo_toml(name: &str, runtime: &str, raw_requests: bool) -> String {
    let http = if raw_requests {
        "# Sends the requests the scaffold cannot build through the client (see tests/mock.rs).\n\
         reqwest = { version = \"0.13\", default-features = false }\n"
    } else {
        ""
    };
    format!(
        "[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nconnector-runtime = {{ {runtime} }}\n\n\
         [dev-dependencies]\nconnector-runtime = {{ {runtime}, features = [\"mock\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\
         serde_json = \"1\"\n{http}",
        quote(name)
    )
}

/// A parameter or field value as the text of a URL, header or form: strings bare, the rest
/// as JSON.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A test for an operation whose client call the scaffold cannot write: the request, built by
/// hand from the spec (required parameters, a sample body, the credentials), reaches the
/// operation on the mock server. It covers the operation; a call through the client is better.
fn routed_test(raw: &Value, samples: &Samples, op: &OperationInfo, method: &str, why: &str) -> String {
    let mut path = op.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for param in required_parameters(raw, op) {
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        let location = param.get("in").and_then(Value::as_str).unwrap_or("");
        let value = samples
            .request(param.get("schema").unwrap_or(&Value::Null))
            .unwrap_or(json!("x"));
        // An array is written as its parameter's style says: `form` repeats the name unless
        // `explode` is false; the other styles join the items with commas.
        let items: Vec<String> = match &value {
            Value::Array(items) => items.iter().map(as_text).collect(),
            other => vec![as_text(other)],
        };
        let explode = param
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(param.get("style").is_none_or(|style| style == "form"));
        let joined = || items.iter().map(|item| encoded(item)).collect::<Vec<_>>().join(",");
        match location {
            "path" => path = path.replace(&format!("{{{name}}}"), &joined()),
            "query" if explode => {
                query.extend(items.iter().map(|item| format!("{}={}", encoded(name), encoded(item))));
            }
            "query" => query.push(format!("{}={}", encoded(name), joined())),
            "header" => headers.push((name.to_owned(), items.join(","))),
            _ => {}
        }
    }
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    for (_, detail) in spec_info::auth_schemes(raw) {
        let credential = if let Some(rest) = detail.strip_prefix("API key in header `") {
            (rest.trim_end_matches('`').to_owned(), "test-key")
        } else if detail == "HTTP bearer" || detail.starts_with("OAuth") || detail.starts_with("OpenID") {
            ("authorization".to_owned(), "Bearer test-token")
        } else if detail == "HTTP basic" {
            ("authorization".to_owned(), "Basic dXNlcjpwYXNzd29yZA==")
        } else {
            continue;
        };
        // One value per header: the first scheme that uses a header fills it.
        if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case(&credential.0)) {
            headers.push((credential.0, credential.1.to_owned()));
        }
    }
    let mut request = format!(
        "reqwest::Client::new()\n        .request(reqwest::Method::{}, format!(\"{{}}{}\", server.base_url()))",
        op.method,
        path.replace('{', "{{").replace('}', "}}")
    );
    for (name, value) in &headers {
        let _ = write!(request, "\n        .header({name:?}, {value:?})");
    }
    let body = spec_info::operation(raw, op)
        .and_then(|o| o.get("requestBody"))
        .map(|b| spec_info::resolve(raw, b))
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .and_then(|content| content.iter().next())
        .map(|(media, entry)| {
            (
                media.clone(),
                samples.request(entry.get("schema").unwrap_or(&json!({}))),
            )
        });
    match body {
        Some((media, Some(value))) if media.contains("json") => {
            let _ = write!(
                request,
                "\n        .header(\"content-type\", {media:?})\n        .body({:?})",
                value.to_string()
            );
        }
        Some((media, Some(Value::Object(fields)))) if media == "application/x-www-form-urlencoded" => {
            let form: Vec<String> = fields
                .iter()
                .filter(|(_, v)| !v.is_object() && !v.is_array())
                .map(|(k, v)| format!("{}={}", encoded(k), encoded(&as_text(v))))
                .collect();
            let _ = write!(
                request,
                "\n        .header(\"content-type\", {media:?})\n        .body({:?})",
                form.join("&")
            );
        }
        _ => {}
    }
    let id = &op.id;
    // The id inside a format string (an `operationId` may hold braces).
    let shown = id.replace('{', "{{").replace('}', "}}");
    format!(
        "// The scaffold cannot call `{method}` for you: {why}.\n\
         // This test sends the request by hand and checks that `{id}` on the mock accepts it;\n\
         // replace it with a call through the client.\n\
         #[tokio::test]\nasync fn {method}_is_routed() {{\n    \
         let server = server().await;\n    \
         connector_runtime::install_crypto_provider();\n    \
         let response = {request}\n        .send()\n        .await\n        .expect(\"the mock answers\");\n    \
         assert_eq!(server.received_by({id:?}).len(), 1, \"{shown} was routed\");\n    \
         assert!(\n        response.status().is_success(),\n        \
         \"{shown} was refused: {{}}\",\n        response.status()\n    );\n\
         }}\n"
    )
}

fn lib_rs(name: &str, plan: &Plan, raw: &Value, settings: &Settings, workspace: &Workspace) -> String {
    let spec = &plan.spec;
    let (title, version) = spec_info::title_and_version(raw);
    let module = module(name);
    let mut options = vec![
        format!("spec = {}", quote(&format!("../../{spec}"))),
        format!(
            "operations = [{}]",
            settings
                .operations
                .iter()
                .map(|id| quote(id))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    ];
    if !settings.pagination.is_empty() {
        let pairs: Vec<String> = settings
            .pagination
            .iter()
            .map(|(id, declaration)| format!("({}, {})", quote(id), quote(declaration)))
            .collect();
        options.push(format!("pagination = [{}]", pairs.join(", ")));
    }
    let Limits {
        retry_attempts: attempts,
        timeout_seconds: timeout,
        rate_limit_per_second: rate,
    } = Limits::of(workspace);
    let (base_url, base_url_doc) = match &plan.base_url {
        Some(url) => (
            format!("\n        .base_url({})", quote(url)),
            format!(", the plan's base URL `{url}`"),
        ),
        None => (String::new(), String::new()),
    };
    format!(
        "//! {title} {version}: a connector generated by `api-conductor implement` from `{spec}`.\n\
         //!\n//! See the README for its operations, auth setup and limits.\n\n\
         use std::time::Duration;\n\n\
         use connector_runtime::{{ClientBuilder, Quota, RetryPolicy}};\n\n\
         /// The {title} API: typed models and a client for the selected operations.\n\
         #[connector_runtime::connector({})]\n\
         pub mod {module} {{}}\n\n\
         /// A client builder with the team's standards from `conductor.toml` ({attempts} attempts,\n\
         /// a {timeout} s timeout, {rate} requests per second){base_url_doc}; set the credentials\n\
         /// (and another base URL if needed), then `build()`.\n\
         pub fn builder() -> ClientBuilder<{module}::Client> {{\n    \
             {module}::Client::builder(){base_url}\n        \
                 .retry(RetryPolicy::new().max_attempts({attempts}))\n        \
                 .timeout(Some(Duration::from_secs({timeout})))\n        \
                 .rate_limit(Quota::per_second({rate}))\n\
         }}\n",
        options.join(", ")
    )
}

/// The properties and required names of an object schema and of every `allOf` part under it;
/// `None` when a part is not an object. A property declared more than once keeps its first
/// declaration, the schema's own before its parts', as the generated type does.
fn collect_object(
    raw: &Value,
    schema: &Value,
    properties: &mut serde_json::Map<String, Value>,
    required: &mut Vec<String>,
    depth: usize,
) -> Option<()> {
    let schema = spec_info::resolve(raw, schema);
    if depth > 8 || schema.get("type").is_some_and(|t| t != "object") {
        return None;
    }
    if let Some(own) = schema.get("properties").and_then(Value::as_object) {
        for (name, declared) in own {
            properties.entry(name.clone()).or_insert_with(|| declared.clone());
        }
    }
    required.extend(
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned),
    );
    for part in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        collect_object(raw, part, properties, required, depth + 1)?;
    }
    Some(())
}

/// A Rust expression for a required parameter of this schema, when one fits every generated type:
/// the sample the mock's generator makes, written as a literal.
fn argument(raw: &Value, samples: &Samples, schema: &Value) -> Option<String> {
    let resolved = spec_info::resolve(raw, schema);
    if resolved.get("enum").is_some() {
        return None;
    }
    let format = resolved.get("format").and_then(Value::as_str).unwrap_or("");
    let fits = matches!(
        (resolved.get("type").and_then(Value::as_str)?, format),
        ("string", "") | ("integer", _) | ("number", "double" | "") | ("boolean", _)
    );
    if !fits {
        return None;
    }
    match samples.request(schema)? {
        Value::String(text) => Some(format!("{text:?}")),
        Value::Bool(value) => Some(value.to_string()),
        Value::Number(number) if resolved.get("type") == Some(&json!("number")) => {
            let value = number.as_f64()?;
            Some(if value.fract() == 0.0 {
                format!("{value:.1}")
            } else {
                value.to_string()
            })
        }
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// `text` for a URL's path or query: every byte but the unreserved ones percent-encoded.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (byte as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// The operation's required parameters in the order the client method takes them: path
/// parameters as the path names them, then the others.
fn required_parameters<'a>(raw: &'a Value, op: &OperationInfo) -> Vec<&'a Value> {
    let mut required: Vec<&Value> = spec_info::parameters(raw, op)
        .into_iter()
        .filter(|p| {
            p.get("required").and_then(Value::as_bool) == Some(true)
                || p.get("in").and_then(Value::as_str) == Some("path")
        })
        // The generated client leaves these out (OpenAPI ignores them), so no argument is owed.
        .filter(|p| {
            !(p.get("in").and_then(Value::as_str) == Some("header")
                && p.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(conductor_spec::is_ignored_header))
        })
        .collect();
    required.sort_by_key(|p| {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("");
        match p.get("in").and_then(Value::as_str) {
            Some("path") => op.path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX),
            _ => usize::MAX,
        }
    });
    required
}

/// The positional arguments of the client method, or why they cannot be filled generically.
fn arguments(raw: &Value, samples: &Samples, generated: &Generated, op: &OperationInfo) -> Result<Vec<String>, String> {
    let required = required_parameters(raw, op);
    let mut out = Vec::new();
    for param in required {
        let name = param.get("name").and_then(Value::as_str).unwrap_or("?");
        let schema = param.get("schema").unwrap_or(&Value::Null);
        out.push(argument(raw, samples, schema).ok_or(format!(
            "its required parameter `{name}` has a type this scaffold does not fill"
        ))?);
    }
    let Some(body) = spec_info::operation(raw, op).and_then(|o| o.get("requestBody")) else {
        return Ok(out);
    };
    let body = spec_info::resolve(raw, body);
    if body.get("required").and_then(Value::as_bool) != Some(true) {
        return Ok(out);
    }
    let why = "its request body is not a named object schema whose required fields are simple values".to_owned();
    let content = body.get("content").and_then(Value::as_object).ok_or(why.clone())?;
    let schema = content
        .values()
        .next()
        .and_then(|c| c.get("schema"))
        .ok_or(why.clone())?;
    let reference = schema.get("$ref").and_then(Value::as_str).ok_or(why.clone())?;
    let schema_name = reference.strip_prefix("#/components/schemas/").ok_or(why.clone())?;
    let type_name = lookup(&generated.component_types, schema_name).ok_or(why.clone())?;
    // How the value is built is the generator's answer, never guessed from the schema here.
    let construction = generated
        .constructions
        .iter()
        .find(|(name, _)| name == type_name)
        .map(|(_, construction)| construction)
        .ok_or(why.clone())?;
    match construction {
        Construction::Default => out.push(format!("types::{type_name}::default()")),
        Construction::New { required } => {
            let (mut properties, mut names) = (serde_json::Map::new(), Vec::new());
            collect_object(raw, schema, &mut properties, &mut names, 0).ok_or(why.clone())?;
            let values = required
                .iter()
                .map(|field| argument(raw, samples, properties.get(field)?))
                .collect::<Option<Vec<_>>>()
                .ok_or(why)?;
            out.push(format!("types::{type_name}::new({})", values.join(", ")));
        }
    }
    Ok(out)
}

/// What the generator named `key` (an operation's method, a component schema's type).
fn lookup<'g>(names: &'g [(String, String)], key: &str) -> Option<&'g str> {
    names
        .iter()
        .find(|(wanted, _)| wanted == key)
        .map(|(_, name)| name.as_str())
}

/// The first documented response whose status satisfies `wanted`, with its status and a body.
fn response(
    raw: &Value,
    samples: &Samples,
    op: &OperationInfo,
    wanted: fn(&str) -> bool,
) -> Option<(u16, Option<Value>)> {
    let responses = spec_info::operation(raw, op)?.get("responses")?.as_object()?;
    let (status, response) = responses.iter().find(|(status, _)| wanted(status))?;
    let code: u16 = if status == "default" { 400 } else { status.parse().ok()? };
    let response = spec_info::resolve(raw, response);
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Some((code, None));
    };
    let (media, entry) = content.iter().next()?;
    if !media.contains("json") {
        return None;
    }
    let body = samples.answer(entry.get("schema").unwrap_or(&json!({})))?;
    Some((code, Some(body)))
}

fn stub(code: u16, body: &Option<Value>) -> String {
    let Some(body) = body else {
        return format!("StubResponse::status({code})");
    };
    let text = serde_json::to_string(body).unwrap_or_default();
    // `json!` recurses once per token: a large body would pass the compiler's recursion limit.
    if text.len() <= 300 {
        format!("StubResponse::json({code}, &serde_json::json!({text}))")
    } else if !text.contains("\"#") {
        format!(
            "StubResponse::json(\n            {code},\n            &serde_json::from_str::<serde_json::Value>(r#\"{text}\"#).expect(\"a JSON body\"),\n        )"
        )
    } else {
        format!(
            "StubResponse::json(\n            {code},\n            &serde_json::from_str::<serde_json::Value>({text:?}).expect(\"a JSON body\"),\n        )"
        )
    }
}

fn tests_rs(
    name: &str,
    krate: &str,
    raw: &Value,
    samples: &Samples,
    selected: &[OperationInfo],
    generated: &Generated,
) -> String {
    let krate = module(krate);
    let module = module(name);
    let schemes = spec_info::auth_schemes(raw);
    let mut credentials = String::new();
    if schemes.iter().any(|(_, d)| d.starts_with("API key")) {
        credentials.push_str("\n        .api_key(\"test-key\")");
    }
    if schemes
        .iter()
        .any(|(_, d)| d == "HTTP bearer" || d.starts_with("OAuth") || d.starts_with("OpenID"))
    {
        credentials.push_str("\n        .bearer_token(\"test-token\")");
    }
    if schemes.iter().any(|(_, d)| d == "HTTP basic") {
        credentials.push_str("\n        .basic_auth(\"user\", \"password\")");
    }
    let mut out = format!(
        "//! One test per selected operation against the mock server derived from the spec (written\n\
         //! by `api-conductor implement`): the request passes the mock's validation, a documented\n\
         //! success decodes, and a documented error arrives as a typed error with its status.\n\n\
         #![allow(unused_imports)]\n\n\
         use connector_runtime::mock::{{MockServer, StubResponse}};\n\
         use connector_runtime::RetryPolicy;\n\
         use ::{krate}::{module}::{{self, types, Client}};\n\n\
         async fn server() -> MockServer {{\n    \
             {module}::mock::start().await.expect(\"the mock server starts\")\n\
         }}\n\n\
         fn client(server: &MockServer) -> Client {{\n    \
             ::{krate}::builder()\n        \
                 .base_url(server.base_url())\n        \
                 .all_servers_to_base_url(){credentials}\n        \
                 .retry(RetryPolicy::never())\n        \
                 .build()\n        \
                 .expect(\"the client builds\")\n\
         }}\n"
    );
    for op in selected {
        let method = lookup(&generated.methods, &op.id).unwrap_or(&op.id);
        let _ = write!(out, "\n/// `{} {}`", op.method, op.path);
        if !op.summary.is_empty() {
            let _ = write!(out, ": {}", op.summary);
        }
        out.push('\n');
        let args = match arguments(raw, samples, generated, op) {
            Ok(args) => args.join(", "),
            Err(why) => {
                out.push_str(&routed_test(raw, samples, op, method, &why));
                continue;
            }
        };
        let id = &op.id;
        // The id inside a format string (an `operationId` may hold braces).
        let shown = id.replace('{', "{{").replace('}', "}}");
        let call = format!("client.{method}({args})");
        // Operations on the same method and path (a spec's `#fragment`s): without a stub, the
        // mock cannot tell which one a request meant.
        let sharing: Vec<&str> = selected
            .iter()
            .filter(|other| {
                other.id != op.id
                    && other.method == op.method
                    && conductor_spec::request_path(&other.path) == conductor_spec::request_path(&op.path)
            })
            .map(|other| other.id.as_str())
            .collect();
        match response(raw, samples, op, |s| s.starts_with('2')) {
            Some((code, body)) => {
                let _ = write!(
                    out,
                    "#[tokio::test]\nasync fn {method}_succeeds() {{\n    \
                     let server = server().await;\n    \
                     let client = client(&server);\n    \
                     server.stub_operation({id:?}, {});\n    \
                     let result = {call}.await;\n    \
                     assert!(result.is_ok(), \"{shown}: {{:?}}\", result.err());\n    \
                     assert_eq!(server.received_by({id:?}).len(), 1);\n\
                     }}\n",
                    stub(code, &body)
                );
            }
            None => {
                // Which operation the mock answered as can be told only when no other shares the
                // method and path; else the answer names the others it could have been.
                let (note, routed) = if sharing.is_empty() {
                    (String::new(), format!("server.received_by({id:?}).len()"))
                } else {
                    (
                        format!(
                            "// `{id}` shares `{} {}` with {}: without a stub the mock answers as the first\n\
                             // and names the others in `x-conductor-mock-ambiguous`; script a stub to cover this one.\n",
                            op.method,
                            conductor_spec::request_path(&op.path),
                            sharing.join(", ")
                        ),
                        "server.received().len()".to_owned(),
                    )
                };
                let _ = write!(
                    out,
                    "// The success response is not JSON this scaffold can build: the mock answers from the spec.\n\
                     {note}#[tokio::test]\nasync fn {method}_is_accepted() {{\n    \
                     let server = server().await;\n    \
                     let client = client(&server);\n    \
                     let result = {call}.await;\n    \
                     assert!(result.is_ok(), \"{shown}: {{:?}}\", result.err());\n    \
                     assert_eq!({routed}, 1);\n\
                     }}\n"
                );
            }
        }
        if let Some((code, body)) = response(raw, samples, op, |s| {
            s.starts_with('4') || s.starts_with('5') || s == "default"
        }) {
            let _ = write!(
                out,
                "\n#[tokio::test]\nasync fn {method}_documented_error() {{\n    \
                 let server = server().await;\n    \
                 let client = client(&server);\n    \
                 server.stub_operation({id:?}, {});\n    \
                 let err = {call}.await.expect_err(\"a documented error\");\n    \
                 assert_eq!(err.status().map(|s| s.as_u16()), Some({code}));\n\
                 }}\n",
                stub(code, &body)
            );
        }
    }
    out
}

/// A parameter name as a Rust variable: `petId` → `pet_id`, `X-Request-Id` → `x_request_id`.
fn variable(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
    }
    if conductor_codegen::is_keyword(&out) {
        out.push('_');
    }
    out
}

/// The README's call of an operation: its required parameters (path ones in path order, as
/// the client method takes them) and `body` when it needs one.
fn example_call(raw: &Value, op: &OperationInfo, method: &str) -> String {
    let required = required_parameters(raw, op);
    let mut args: Vec<String> = required
        .iter()
        .map(|p| variable(p.get("name").and_then(Value::as_str).unwrap_or("value")))
        .collect();
    let body_required = spec_info::operation(raw, op)
        .and_then(|o| o.get("requestBody"))
        .map(|b| spec_info::resolve(raw, b))
        .is_some_and(|b| b.get("required").and_then(Value::as_bool) == Some(true));
    if body_required {
        args.push("body".to_owned());
    }
    format!("client.{method}({}).await?", args.join(", "))
}

fn readme(
    krate: &str,
    plan: &Plan,
    raw: &Value,
    selected: &[OperationInfo],
    generated: &Generated,
    limits: Limits,
) -> String {
    let (title, version) = spec_info::title_and_version(raw);
    let spec = &plan.spec;
    let module = module(krate);
    let base_url = plan.base_url.clone().or_else(|| spec_info::base_url(raw)).map_or_else(
        || "the spec names no server: set one with `.base_url(...)`".to_owned(),
        |url| format!("`{url}`"),
    );
    let mut out = format!(
        "# {krate}\n\nA connector for {title} {version}, generated by `api-conductor implement` from `{spec}`.\n\n\
         ```rust\nlet client = {module}::builder().build()?;\n```\n\nBase URL: {base_url}.\n\n## Operations\n\n\
         | operation | method | path | paginated | summary |\n|---|---|---|---|---|\n",
    );
    for op in selected {
        let pages = lookup(&generated.paginated, &op.id).unwrap_or("");
        let _ = writeln!(
            out,
            "| `{}` | {} | `{}` | {} | {} |",
            lookup(&generated.methods, &op.id).unwrap_or(&op.id),
            op.method,
            op.path,
            pages,
            op.summary.replace('|', "\\|")
        );
    }
    out.push_str("\n## Examples\n\nOne call per operation, with the client above (arguments are the operation's required parameters, then its request body):\n\n```rust\n");
    for op in selected {
        let method = lookup(&generated.methods, &op.id).unwrap_or(&op.id);
        let _ = write!(out, "// {} {}", op.method, op.path);
        if !op.summary.is_empty() {
            let _ = write!(out, ": {}", op.summary);
        }
        let _ = writeln!(out, "\nlet {method} = {};", example_call(raw, op, method));
        if lookup(&generated.paginated, &op.id).is_some() {
            let _ = writeln!(
                out,
                "// every page's items:\nlet all = {}.paginate().collect_items().await?;",
                example_call(raw, op, method).trim_end_matches(".await?")
            );
        }
    }
    out.push_str("```\n\n## Auth\n\n");
    let schemes = spec_info::auth_schemes(raw);
    if schemes.is_empty() {
        out.push_str("The spec declares no security scheme; a bearer token or basic credentials set on the builder are sent with every request.\n");
    }
    for (scheme, detail) in schemes {
        let how = if detail.starts_with("API key") {
            "`.api_key(key)`"
        } else if detail.starts_with("OAuth") {
            "`.token_manager(TokenManager::...)` or `.bearer_token(token)`"
        } else if detail == "HTTP basic" {
            "`.basic_auth(user, password)`"
        } else {
            "`.bearer_token(token)`"
        };
        let _ = writeln!(out, "- `{scheme}`: {detail} — set with {how} on the builder.");
    }
    let Limits {
        retry_attempts,
        timeout_seconds,
        rate_limit_per_second,
    } = limits;
    let _ = write!(
        out,
        "\n## Limits\n\n`builder()` applies the workspace standards from `conductor.toml`:\n\n\
         | limit | value |\n|---|---|\n\
         | attempts per call (`RetryPolicy`: 408, 425, 429, 500, 502-504 and connection errors; `POST`/`PATCH` only on 429 or with an idempotency key) | {retry_attempts} |\n\
         | timeout per attempt | {timeout_seconds} s |\n\
         | requests per second (client-side quota) | {rate_limit_per_second} |\n\n\
         Override any of them on the builder: `.retry(RetryPolicy::new().max_attempts(5))`, \
         `.timeout(Some(Duration::from_secs(10)))`, `.rate_limit(Quota::per_second(2))`.\n"
    );
    let headers = spec_info::rate_limit_headers(raw);
    if headers.is_empty() {
        out.push_str("The spec documents no rate-limit headers.\n");
    } else {
        let _ = writeln!(
            out,
            "The API documents {}; the runtime holds requests when they say the budget is spent.",
            headers.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
        );
    }
    out.push_str("\n## Tests\n\n`cargo test` runs `tests/mock.rs` against the mock server derived from the spec; `api-conductor status` shows which operations they covered.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_openapi_ignores_are_not_arguments() {
        // SendGrid declares a required `Authorization` header on every operation; the generated
        // method takes no argument for it, so neither may the test that calls it.
        let raw = json!({"paths": {"/messages/{id}": {"get": {
            "operationId": "getMessage",
            "parameters": [
                {"name": "Authorization", "in": "header", "required": true, "schema": {"type": "string"}},
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "X-Query-Id", "in": "header", "required": true, "schema": {"type": "string"}},
                {"name": "content-type", "in": "header", "required": true, "schema": {"type": "string"}}
            ]
        }}}});
        let op = spec_info::operations(&raw).remove(0);
        let names: Vec<&str> = required_parameters(&raw, &op)
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        assert_eq!(names, ["id", "X-Query-Id"]);
    }
}
