//! `new-connector`: copy the spec into `specs/`, check it, and write the connector's plan.

use std::path::{Path, PathBuf};

use conductor_codegen::Settings;

use crate::spec_info;
use crate::workspace::{one_line, quote, Workspace};
use crate::{check, download, ui, Failure};

/// A key as TOML spells it: bare when it can be.
pub(crate) fn key(text: &str) -> String {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        text.to_owned()
    } else {
        quote(text)
    }
}

/// `api-conductor new-connector NAME --spec PATH|URL`.
pub(crate) fn new_connector(name: &str, spec: &str, force: bool) -> Result<(), Failure> {
    let workspace = Workspace::find()?;
    workspace.check_name(name)?;
    if download::is_url(spec) {
        let downloaded = download::download(spec)?;
        return from_file(&workspace, name, &downloaded.path, force);
    }
    from_file(&workspace, name, Path::new(spec), force)
}

fn from_file(workspace: &Workspace, name: &str, spec: &Path, force: bool) -> Result<(), Failure> {
    if !spec.is_file() {
        return Err(Failure::new(format!("{}: no such file", spec.display())));
    }
    let mut progress = ui::Progress::new(4);
    progress.step(&format!("checking {}", spec.display()));
    let report = conductor_codegen::check_file(spec, &Settings::default());
    if !report.is_ok() {
        return Err(check::refused(&spec.display().to_string(), &report));
    }
    let loaded = conductor_spec::load(spec)
        .map_err(|err| Failure::new(format!("{}: {}", spec.display(), one_line(&err.to_string()))))?;
    progress.step("detecting pagination");
    let generated = conductor_codegen::generate_from_file(spec, &Settings::default()).map_err(|problems| {
        Failure::new(format!(
            "{}: {}",
            spec.display(),
            problems.iter().next().map(ToString::to_string).unwrap_or_default()
        ))
    })?;

    // Every file to copy (the spec and what it `$ref`s, kept beside it) and the plan, checked
    // before anything is written.
    let root_dir = spec.parent().unwrap_or(Path::new("."));
    let root_dir = root_dir.canonicalize().unwrap_or(root_dir.to_path_buf());
    let mut copies: Vec<(PathBuf, PathBuf)> = Vec::new();
    for file in std::iter::once(spec.to_path_buf()).chain(loaded.files.iter().cloned()) {
        let absolute = file.canonicalize().unwrap_or(file.clone());
        let relative = absolute.strip_prefix(&root_dir).map_err(|_| {
            Failure::new(format!(
                "{}: referenced from the spec but outside its folder; cannot copy it into specs/",
                file.display()
            ))
        })?;
        let target = workspace.root.join("specs").join(relative);
        if !copies.iter().any(|(_, t)| *t == target) {
            copies.push((absolute, target));
        }
    }
    for (source, target) in &copies {
        let same = std::fs::read(source).ok() == std::fs::read(target).ok();
        if target.exists() && !same && !force {
            return Err(Failure::new(format!(
                "{} exists with other content; --force overwrites it",
                relative(&workspace.root, target)
            )));
        }
    }
    let plan_path = workspace.connector_dir(name).join("plan.toml");
    if plan_path.exists() && !force {
        return Err(Failure::new(format!(
            "{} exists; review it and run `api-conductor implement {name}`, or --force to rewrite it",
            relative(&workspace.root, &plan_path)
        )));
    }

    progress.step("copying the spec");
    for (source, target) in &copies {
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|err| Failure::new(format!("cannot create {}: {err}", parent.display())))?;
        }
        if source != target {
            std::fs::copy(source, target)
                .map_err(|err| Failure::new(format!("cannot copy {}: {err}", source.display())))?;
        }
    }
    progress.step("writing the plan");
    let spec_rel = relative(&workspace.root, &copies[0].1);
    let text = plan_text(name, &spec_rel, &loaded.raw, &generated.paginated);
    std::fs::create_dir_all(workspace.connector_dir(name))
        .map_err(|err| Failure::new(format!("cannot create connectors/{name}: {err}")))?;
    std::fs::write(&plan_path, text).map_err(|err| Failure::new(format!("cannot write the plan: {err}")))?;
    progress.finish();
    check::print_report(&report);
    eprintln!(
        "wrote {}: {} operation(s); set `include = false` on those to leave out, then `api-conductor implement {name}`",
        relative(&workspace.root, &plan_path),
        spec_info::operations(&loaded.raw).len()
    );
    Ok(())
}

/// `path` relative to `root`, with `/`.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn plan_text(name: &str, spec: &str, raw: &serde_json::Value, paginated: &[(String, String)]) -> String {
    let (title, version) = spec_info::title_and_version(raw);
    let mut out = format!(
        "# The plan for the `{name}` connector, written by `api-conductor new-connector`.\n\
         # Review it: set `include = false` on the operations the connector does not need, then run\n\
         # `api-conductor implement {name}`.\n\n\
         [connector]\nname = {}\nspec = {}\ntitle = {}\nversion = {}\n",
        quote(name),
        quote(spec),
        quote(&title),
        quote(&version)
    );
    match spec_info::base_url(raw) {
        Some(url) => out.push_str(&format!("base_url = {}\n", quote(&url))),
        None => out.push_str("# base_url: the spec names no server\n"),
    }
    out.push_str("\n# The security schemes the spec declares.\n[auth]\n");
    for (scheme, detail) in spec_info::auth_schemes(raw) {
        out.push_str(&format!("{} = {}\n", key(&scheme), quote(&detail)));
    }
    let headers = spec_info::rate_limit_headers(raw);
    out.push_str("\n# Documented rate-limit response headers (the runtime pauses on them).\n[limits]\n");
    out.push_str(&format!(
        "headers = [{}]\n",
        headers.iter().map(|h| quote(h)).collect::<Vec<_>>().join(", ")
    ));
    out.push_str(
        "\n# The operations, by tag. `paginated`: true keeps what detection (or the spec's extension)\n\
         # found, false turns it off, or a declaration such as \"cursor param=cursor next=/next items=/data\"\n\
         # (the grammar of the `pagination` option of `#[connector]`) replaces it.\n",
    );
    for info in spec_info::operations(raw) {
        let detected = paginated.iter().find(|(id, _)| *id == info.id).map(|(_, how)| how);
        out.push_str(&format!(
            "\n[operations.{}.{}]\nmethod = {}\npath = {}\nsummary = {}\n",
            key(&info.tag),
            key(&info.id),
            quote(info.method.as_str()),
            quote(&info.path),
            quote(&info.summary),
        ));
        if info.derived {
            out.push_str("# The spec gives no operationId: this id is derived from the method and path.\n");
        }
        if let Some(how) = detected {
            out.push_str(&format!("# {how}\n"));
        }
        out.push_str(&format!("paginated = {}\ninclude = true\n", detected.is_some()));
    }
    out
}

/// What the plan says of an operation's pagination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Paging {
    /// `paginated = true`: what the generator finds (extension or detection).
    Found,
    /// `paginated = false`: not paginated, even if the generator would detect it.
    Off,
    /// `paginated = "DECL"`: this declaration.
    Declared(String),
}

/// A connector's reviewed plan.
pub(crate) struct Plan {
    /// The spec, relative to the workspace root.
    pub(crate) spec: String,
    /// `[connector] base_url`, when the plan has one.
    pub(crate) base_url: Option<String>,
    /// The ids of the operations marked `include = true`.
    pub(crate) included: Vec<String>,
    /// The included operations' `paginated`.
    pub(crate) paging: Vec<(String, Paging)>,
}

impl Plan {
    /// Reads `connectors/NAME/plan.toml`.
    pub(crate) fn read(workspace: &Workspace, name: &str) -> Result<Self, Failure> {
        let path = workspace.connector_dir(name).join("plan.toml");
        if !path.is_file() {
            return Err(Failure::new(format!(
                "no connector `{name}` (no connectors/{name}/plan.toml); create it with `api-conductor new-connector {name} --spec PATH`"
            )));
        }
        let text =
            std::fs::read_to_string(&path).map_err(|err| Failure::new(format!("cannot read the plan: {err}")))?;
        let table: toml::Table = text.parse().map_err(|err: toml::de::Error| {
            Failure::new(format!("connectors/{name}/plan.toml: {}", one_line(&err.to_string())))
        })?;
        let spec = table
            .get("connector")
            .and_then(|c| c.get("spec"))
            .and_then(toml::Value::as_str)
            .ok_or_else(|| Failure::new(format!("connectors/{name}/plan.toml: no `spec` in [connector]")))?
            .to_owned();
        let base_url = table
            .get("connector")
            .and_then(|c| c.get("base_url"))
            .and_then(toml::Value::as_str)
            .map(str::to_owned);
        let mut included = Vec::new();
        let mut paging = Vec::new();
        if let Some(tags) = table.get("operations").and_then(toml::Value::as_table) {
            for operations in tags.values().filter_map(toml::Value::as_table) {
                for (id, entry) in operations {
                    if !entry.get("include").and_then(toml::Value::as_bool).unwrap_or(true) {
                        continue;
                    }
                    included.push(id.clone());
                    let how = match entry.get("paginated") {
                        None | Some(toml::Value::Boolean(true)) => Paging::Found,
                        Some(toml::Value::Boolean(false)) => Paging::Off,
                        // Older plans held the generator's description ("pages follow ...").
                        Some(toml::Value::String(text)) if text.starts_with("pages follow") => Paging::Found,
                        Some(toml::Value::String(text)) => Paging::Declared(text.clone()),
                        Some(other) => {
                            return Err(Failure::new(format!(
                                "connectors/{name}/plan.toml: `paginated` of `{id}` is {other}; \
                                 it takes true, false or a pagination declaration (a string)"
                            )));
                        }
                    };
                    paging.push((id.clone(), how));
                }
            }
        }
        Ok(Self {
            spec,
            base_url,
            included,
            paging,
        })
    }
}
