//! `setup`, and finding the workspace and its settings (`conductor.toml`) for the other commands.

use std::path::{Path, PathBuf};

use crate::Failure;

/// The settings file that marks a connector workspace.
pub(crate) const SETTINGS: &str = "conductor.toml";

/// Quotes `text` as a TOML string.
pub(crate) fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

/// This checkout's `connector-runtime`, the default dependency (it is not on crates.io).
fn default_runtime() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let runtime = here.parent().unwrap_or(here).join("connector-runtime");
    runtime.canonicalize().unwrap_or(runtime)
}

/// `api-conductor setup`.
pub(crate) fn setup(
    runtime_path: Option<PathBuf>,
    runtime_git: Option<String>,
    runtime_version: Option<String>,
    force: bool,
) -> Result<(), Failure> {
    let root = std::env::current_dir().map_err(|err| Failure::new(format!("cannot read the current folder: {err}")))?;
    let runtime = match (runtime_path, runtime_git, runtime_version) {
        (_, Some(git), _) => format!("git = {}", quote(&git)),
        (_, _, Some(version)) => format!("version = {}", quote(&version)),
        (Some(path), _, _) => {
            let path = root.join(path);
            if !path.join("Cargo.toml").is_file() {
                return Err(Failure::new(format!("{}: not a crate (no Cargo.toml)", path.display())));
            }
            format!(
                "path = {}",
                quote(&path.canonicalize().unwrap_or(path).display().to_string())
            )
        }
        (None, None, None) => format!("path = {}", quote(&default_runtime().display().to_string())),
    };
    let settings = format!(
        "# A connector workspace of API Conductor (written by `api-conductor setup`).\n\
         \n\
         [runtime]\n\
         # How connectors depend on connector-runtime: one of `path = \"...\"`, `git = \"...\"`\n\
         # (optionally with `rev`/`branch`) or `version = \"...\"`.\n\
         {runtime}\n\
         \n\
         [standards]\n\
         # Every connector's `builder()` starts from these.\n\
         retry_attempts = 3\n\
         timeout_seconds = 30\n\
         rate_limit_per_second = 10\n\
         # Percent of a connector's operations its tests must exercise (`status` checks it).\n\
         required_coverage = 100\n\
         # Connector names: \"kebab-case\" (lowercase words of letters and digits joined by `-`) or\n\
         # \"snake_case\" (joined by `_`); `new-connector` and `implement` refuse any other name.\n\
         name_case = \"kebab-case\"\n\
         # Each connector's crate is named this prefix + its name (\"acme-\" gives `acme-github`).\n\
         crate_prefix = \"\"\n\
         \n\
         [auth]\n\
         # Where `api-conductor auth login NAME` saves a connector's OAuth tokens (0600; `{{name}}`\n\
         # is the connector). Keep token files out of version control (.gitignore does).\n\
         token_store = \"connectors/{{name}}/.tokens.json\"\n"
    );
    let files: [(&str, String); 3] = [
        (
            "Cargo.toml",
            "[workspace]\nresolver = \"2\"\nmembers = [\"connectors/*\"]\n".to_owned(),
        ),
        (SETTINGS, settings),
        (".gitignore", "/target\n.tokens.json\n".to_owned()),
    ];
    let manifest = root.join("Cargo.toml");
    if manifest.exists() && !force && !is_workspace_manifest(&manifest) {
        return Err(Failure::new(
            "Cargo.toml exists and is not a workspace; move it or run `setup --force`",
        ));
    }
    for dir in ["specs", "connectors"] {
        std::fs::create_dir_all(root.join(dir)).map_err(|err| Failure::new(format!("cannot create {dir}/: {err}")))?;
    }
    for (name, text) in files {
        let path = root.join(name);
        if path.exists() && !force {
            eprintln!("kept {name} (exists; --force overwrites)");
            continue;
        }
        std::fs::write(&path, text).map_err(|err| Failure::new(format!("cannot write {name}: {err}")))?;
        eprintln!("wrote {name}");
    }
    eprintln!(
        "workspace ready in {}: next, `api-conductor new-connector NAME --spec PATH`",
        root.display()
    );
    Ok(())
}

fn is_workspace_manifest(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .is_some_and(|table| table.contains_key("workspace"))
}

/// A connector workspace: its root and settings.
pub(crate) struct Workspace {
    /// The folder holding `conductor.toml`.
    pub(crate) root: PathBuf,
    /// `conductor.toml`, parsed.
    pub(crate) settings: toml::Table,
}

impl Workspace {
    /// The workspace the current folder is in.
    pub(crate) fn find() -> Result<Self, Failure> {
        let here =
            std::env::current_dir().map_err(|err| Failure::new(format!("cannot read the current folder: {err}")))?;
        let root = here
            .ancestors()
            .find(|dir| dir.join(SETTINGS).is_file())
            .ok_or_else(|| {
                Failure::new(format!(
                    "not in a connector workspace (no {SETTINGS} here or above); run `api-conductor setup` first"
                ))
            })?
            .to_path_buf();
        let text = std::fs::read_to_string(root.join(SETTINGS))
            .map_err(|err| Failure::new(format!("cannot read {SETTINGS}: {err}")))?;
        let settings = text
            .parse::<toml::Table>()
            .map_err(|err| Failure::new(format!("{SETTINGS}: {}", one_line(&err.to_string()))))?;
        Ok(Self { root, settings })
    }

    /// `connectors/NAME`.
    pub(crate) fn connector_dir(&self, name: &str) -> PathBuf {
        self.root.join("connectors").join(name)
    }

    /// A number from `[standards]`.
    pub(crate) fn standard(&self, key: &str, default: i64) -> i64 {
        self.settings
            .get("standards")
            .and_then(|s| s.get(key))
            .and_then(toml::Value::as_integer)
            .unwrap_or(default)
    }

    /// The dependency on connector-runtime, as the inside of an inline TOML table.
    pub(crate) fn runtime_dependency(&self) -> Result<String, Failure> {
        let runtime = self
            .settings
            .get("runtime")
            .and_then(toml::Value::as_table)
            .ok_or_else(|| Failure::new(format!("{SETTINGS}: no [runtime] table")))?;
        let parts: Vec<String> = ["path", "git", "rev", "branch", "version"]
            .iter()
            .filter_map(|key| {
                runtime
                    .get(*key)
                    .and_then(toml::Value::as_str)
                    .map(|v| format!("{key} = {}", quote(v)))
            })
            .collect();
        if !["path", "git", "version"].iter().any(|key| runtime.contains_key(*key)) {
            return Err(Failure::new(format!(
                "{SETTINGS}: [runtime] needs one of path, git or version"
            )));
        }
        Ok(parts.join(", "))
    }
}

/// The limits a connector's `builder()` applies, from `[standards]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) retry_attempts: i64,
    pub(crate) timeout_seconds: i64,
    pub(crate) rate_limit_per_second: i64,
}

impl Limits {
    /// The workspace's standards (3 attempts, 30 s, 10 per second when unset).
    pub(crate) fn of(workspace: &Workspace) -> Self {
        Self {
            retry_attempts: workspace.standard("retry_attempts", 3),
            timeout_seconds: workspace.standard("timeout_seconds", 30),
            rate_limit_per_second: workspace.standard("rate_limit_per_second", 10),
        }
    }

    /// `{"retry_attempts": 3, "timeout_seconds": 30, "rate_limit_per_second": 10}`.
    pub(crate) fn to_json(self) -> serde_json::Value {
        serde_json::json!({
            "retry_attempts": self.retry_attempts,
            "timeout_seconds": self.timeout_seconds,
            "rate_limit_per_second": self.rate_limit_per_second,
        })
    }
}

/// The first line of a possibly multi-line message.
pub(crate) fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How connector names are spelt (`[standards] name_case`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameCase {
    /// Lowercase words of letters and digits joined by `-`.
    Kebab,
    /// Lowercase words of letters and digits joined by `_`.
    Snake,
    /// Either separator (a `conductor.toml` without `name_case`).
    Any,
}

impl NameCase {
    /// Whether `name` is spelt this way: starts with a lowercase letter, words of lowercase
    /// letters and digits, no empty word.
    pub(crate) fn allows(self, name: &str) -> bool {
        let separators: &[char] = match self {
            Self::Kebab => &['-'],
            Self::Snake => &['_'],
            Self::Any => &['-', '_'],
        };
        name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name
                .split(separators)
                .all(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Kebab => "kebab-case (lowercase letters and digits, words joined by `-`)",
            Self::Snake => "snake_case (lowercase letters and digits, words joined by `_`)",
            Self::Any => "lowercase letters and digits, words joined by `-` or `_`",
        }
    }
}

/// Checks a connector name against the default rule (either separator), for commands run
/// before the workspace is known.
pub(crate) fn check_name(name: &str) -> Result<(), Failure> {
    check_name_case(name, NameCase::Any)
}

fn check_name_case(name: &str, case: NameCase) -> Result<(), Failure> {
    // A keyword would name the connector's module (`pub mod box {}`), which does not compile.
    if conductor_codegen::is_keyword(name) {
        Err(Failure::new(format!(
            "`{name}` is a Rust keyword and cannot name a connector's module; add a word, e.g. `{name}-api`"
        )))
    } else if case.allows(name) {
        Ok(())
    } else {
        Err(Failure::new(format!(
            "`{name}` is not a connector name: the workspace's naming standard is {}, starting with a letter",
            case.describe()
        )))
    }
}

impl Workspace {
    /// `[standards] name_case`.
    pub(crate) fn name_case(&self) -> Result<NameCase, Failure> {
        match self.settings.get("standards").and_then(|s| s.get("name_case")) {
            None => Ok(NameCase::Any),
            Some(value) => match value.as_str() {
                Some("kebab-case") => Ok(NameCase::Kebab),
                Some("snake_case") => Ok(NameCase::Snake),
                _ => Err(Failure::new(format!(
                    "{SETTINGS}: [standards] name_case must be \"kebab-case\" or \"snake_case\", not {value}"
                ))),
            },
        }
    }

    /// Checks a connector name against the workspace's naming standard.
    pub(crate) fn check_name(&self, name: &str) -> Result<(), Failure> {
        check_name_case(name, self.name_case()?)
    }

    /// The crate of connector `name`: `[standards] crate_prefix` + `name`.
    pub(crate) fn crate_name(&self, name: &str) -> Result<String, Failure> {
        let prefix = self
            .settings
            .get("standards")
            .and_then(|s| s.get("crate_prefix"))
            .map_or(Some(""), toml::Value::as_str)
            .ok_or_else(|| Failure::new(format!("{SETTINGS}: [standards] crate_prefix must be a string")))?;
        let ok = prefix
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok || prefix.starts_with(|c: char| !c.is_ascii_lowercase()) {
            return Err(Failure::new(format!(
                "{SETTINGS}: [standards] crate_prefix `{prefix}` must start with a lowercase letter and hold only lowercase letters, digits, `-` and `_`"
            )));
        }
        Ok(format!("{prefix}{name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::NameCase;

    #[test]
    fn names_follow_the_case() {
        assert!(NameCase::Kebab.allows("stripe-payments2"));
        assert!(!NameCase::Kebab.allows("stripe_payments"));
        assert!(!NameCase::Kebab.allows("stripe--payments"));
        assert!(!NameCase::Kebab.allows("stripe-"));
        assert!(NameCase::Snake.allows("stripe_payments"));
        let refused = format!("{:?}", super::check_name("box").unwrap_err());
        assert!(
            refused.contains("keyword") && refused.contains("`box-api`"),
            "{refused}"
        );
        assert!(super::check_name("box-api").is_ok());
        assert!(!NameCase::Snake.allows("stripe-payments"));
        assert!(NameCase::Any.allows("a-b_c"));
        assert!(!NameCase::Any.allows("2fa"));
        assert!(!NameCase::Any.allows("Bad Name"));
    }
}
