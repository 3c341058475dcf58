//! Loads OpenAPI documents for the generator, the mock server and the CLI.
//!
//! The pipeline is: read the file once, parse it by extension (JSON or YAML), bundle every
//! `$ref` that points into another file into the root document, normalise OpenAPI 3.1
//! constructs into their 3.0 equivalents, and finally deserialize the result into the
//! [`openapiv3`] model. Every file that was read is recorded so that callers (the
//! `#[connector]` macro in particular) can make cargo rebuild when any of them changes.

mod bundle;
mod error;
mod exact;
mod headers;
mod ids;
mod json;
mod model;
mod normalize;
mod origins;
mod parse;
mod path_item;
mod pointer;
pub mod positions;
mod schema;
pub mod suggest;
mod walk;

use std::path::{Path, PathBuf};

pub use error::SpecError;
pub use headers::is_ignored_header;
pub use ids::derived_id;
pub use openapiv3;
pub use origins::Origins;
pub use pointer::{
    escape_token, follow_refs, push_token, resolve_pointer, resolve_reference, resolve_refs, unescape_token, Resolved,
    MAX_REF_HOPS,
};
pub use schema::schema_from_json;
pub use walk::{
    operation, operation_id, operations, path_items, request_path, Level, Method, OperationEntry, ParameterEntry,
    Parameters, PathEntry,
};

/// The OpenAPI version a document declared before normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SpecVersion {
    /// An OpenAPI 3.0.x document.
    V3_0,
    /// An OpenAPI 3.1.x document, normalised into the 3.0 model.
    V3_1,
}

/// A loaded, bundled and normalised OpenAPI document.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The typed model of the document.
    pub document: openapiv3::OpenAPI,
    /// The bundled and normalised JSON the model was read from; every `$ref` in it is local.
    pub raw: serde_json::Value,
    /// The version the document declared.
    pub version: SpecVersion,
    /// The root file, as given.
    pub root: PathBuf,
    /// Every file that was read, the root first, each once.
    pub files: Vec<PathBuf>,
    /// Where values brought in from other files were written.
    pub origins: Origins,
}

/// A document that was parsed, bundled and normalised, but not yet read into the
/// [`openapiv3`] model: the stage at which a validator looks at the JSON.
#[derive(Debug, Clone)]
pub struct RawSpec {
    /// The bundled and normalised JSON; `$ref`s that could be bundled are local.
    pub raw: serde_json::Value,
    /// The version the document declared.
    pub version: SpecVersion,
    /// The root file, as given.
    pub root: PathBuf,
    /// Every file that was read, the root first, each once.
    pub files: Vec<PathBuf>,
    /// Where values brought in from other files were written.
    pub origins: Origins,
    /// References into other files that could not be resolved (each left as written).
    pub problems: Vec<SpecError>,
}

impl RawSpec {
    /// Reads the document into the [`openapiv3`] model.
    ///
    /// # Errors
    ///
    /// [`SpecError::Model`] with the JSON pointer of the first value that does not fit.
    pub fn into_model(self) -> Result<LoadedSpec, SpecError> {
        let document = model::read(&self.raw);
        self.with_model(document)
    }

    /// As [`RawSpec::into_model`], running `meanwhile` on the raw document on a second thread
    /// while this one reads the model; returns both results (a panic in `meanwhile` is this
    /// call's).
    ///
    /// # Errors
    ///
    /// As [`RawSpec::into_model`].
    pub fn into_model_with<T: Send>(
        self,
        meanwhile: impl FnOnce(&serde_json::Value) -> T + Send,
    ) -> (Result<LoadedSpec, SpecError>, T) {
        let (document, result) = model::read_with(&self.raw, || meanwhile(&self.raw));
        (self.with_model(document), result)
    }

    /// The loaded spec with `document`, the model read part by part; when that failed, the
    /// path-tracking reader says where the document does not fit.
    fn with_model(self, document: Option<openapiv3::OpenAPI>) -> Result<LoadedSpec, SpecError> {
        let document = match document {
            Some(document) => document,
            None => read_model_tracked(&self.root, &self.raw)?,
        };
        Ok(LoadedSpec {
            document,
            raw: self.raw,
            version: self.version,
            root: self.root,
            files: self.files,
            origins: self.origins,
        })
    }
}

/// Reads, bundles and normalises the OpenAPI document at `path`.
///
/// ```
/// use std::path::Path;
///
/// let spec = conductor_spec::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs/petstore.yaml")))?;
/// assert_eq!(spec.document.info.title, "Petstore");
/// assert!(spec.document.paths.paths.contains_key("/pets/{petId}"));
/// // The bundled JSON: every `$ref` local, ready for a validator.
/// assert_eq!(spec.raw["paths"]["/pets"]["get"]["operationId"], "listPets");
/// assert_eq!(spec.files.len(), 1);
/// # Ok::<(), conductor_spec::SpecError>(())
/// ```
///
/// # Errors
///
/// Returns a [`SpecError`] when a file cannot be read or parsed, when the document is not
/// OpenAPI 3.0/3.1, when a `$ref` into another file cannot be resolved, or when the
/// normalised document does not fit the OpenAPI model.
pub fn load(path: &Path) -> Result<LoadedSpec, SpecError> {
    let text = read(path)?;
    load_from_str(path, &text)
}

/// Like [`load`], but with the root document's text already in memory; files it `$ref`s are
/// still read relative to `path`.
///
/// # Errors
///
/// As [`load`].
pub fn load_from_str(path: &Path, text: &str) -> Result<LoadedSpec, SpecError> {
    let root_value = parse::parse_document(path, text)?;
    from_value(path, root_value)
}

/// Bundles, normalises and models an already parsed document whose origin is `path`.
///
/// # Errors
///
/// As [`load`]; of several unresolved references, the first.
pub fn from_value(path: &Path, root_value: serde_json::Value) -> Result<LoadedSpec, SpecError> {
    let mut raw = raw_from_value(path, root_value)?;
    if !raw.problems.is_empty() {
        return Err(raw.problems.swap_remove(0));
    }
    raw.into_model()
}

/// Parses `text` (the contents of `path`) as JSON, or as YAML for a `.yaml`/`.yml` path, into
/// a JSON value; YAML mapping keys such as `200` become strings.
///
/// # Errors
///
/// [`SpecError::Syntax`], with the parser's `line:column`.
pub fn parse(path: &Path, text: &str) -> Result<serde_json::Value, SpecError> {
    parse::parse_document(path, text)
}

/// Reads a file as text.
///
/// # Errors
///
/// [`SpecError::Io`]: the file is missing, is a directory, or cannot be read as UTF-8.
pub fn read(path: &Path) -> Result<String, SpecError> {
    std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: path.to_path_buf(),
        message: describe_io_error(path, &source),
    })
}

/// Parses `text` (the contents of `path`) by the file's extension, bundles and normalises it,
/// stopping short of the [`openapiv3`] model.
///
/// # Errors
///
/// When the text does not parse or is not an OpenAPI 3.0/3.1 document. Unresolved references
/// into other files are collected in [`RawSpec::problems`] instead.
pub fn raw_from_str(path: &Path, text: &str) -> Result<RawSpec, SpecError> {
    let root_value = parse::parse_document(path, text)?;
    raw_from_value(path, root_value)
}

/// As [`raw_from_str`], for an already parsed document.
///
/// # Errors
///
/// When the document is not an OpenAPI 3.0/3.1 document.
pub fn raw_from_value(path: &Path, root_value: serde_json::Value) -> Result<RawSpec, SpecError> {
    let version = detect_version(path, &root_value)?;
    let bundled = bundle::bundle(path, root_value);
    let mut raw = bundled.document;
    if version == SpecVersion::V3_1 {
        normalize::normalize_3_1(&mut raw);
    }
    normalize::normalize_common(&mut raw);
    Ok(RawSpec {
        raw,
        version,
        root: path.to_path_buf(),
        files: bundled.files,
        origins: bundled.origins,
        problems: bundled.problems,
    })
}

/// Reads the model with a path-tracking reader, to locate where the document does not fit.
/// The part-by-part reader is much faster; this one runs only after it failed.
fn read_model_tracked(path: &Path, raw: &serde_json::Value) -> Result<openapiv3::OpenAPI, SpecError> {
    serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(raw).map_err(|err| {
        let mut pointer = String::new();
        for segment in err.path().iter() {
            match segment {
                serde_path_to_error::Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&escape_token(key));
                }
                serde_path_to_error::Segment::Seq { index } => {
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                }
                _ => break,
            }
        }
        SpecError::Model {
            path: path.to_path_buf(),
            pointer,
            message: err.into_inner().to_string(),
        }
    })
}

pub(crate) fn describe_io_error(path: &Path, err: &std::io::Error) -> String {
    if path.is_dir() {
        "the path is a directory, not a file".to_owned()
    } else if err.kind() == std::io::ErrorKind::NotFound {
        "file not found".to_owned()
    } else if err.kind() == std::io::ErrorKind::InvalidData {
        "the file is not UTF-8 text".to_owned()
    } else {
        err.to_string()
    }
}

fn detect_version(path: &Path, value: &serde_json::Value) -> Result<SpecVersion, SpecError> {
    let Some(object) = value.as_object() else {
        return Err(SpecError::NotOpenApi {
            path: path.to_path_buf(),
            message: "the document is not an object".to_owned(),
        });
    };
    if let Some(swagger) = object.get("swagger") {
        return Err(SpecError::Swagger2 {
            path: path.to_path_buf(),
            version: swagger.as_str().map_or_else(|| swagger.to_string(), str::to_owned),
        });
    }
    let Some(version) = object.get("openapi") else {
        return Err(SpecError::NotOpenApi {
            path: path.to_path_buf(),
            message: "it has no `openapi` version field".to_owned(),
        });
    };
    let text = version.as_str().map_or_else(|| version.to_string(), str::to_owned);
    if text.starts_with("3.0") {
        Ok(SpecVersion::V3_0)
    } else if text.starts_with("3.1") {
        Ok(SpecVersion::V3_1)
    } else {
        Err(SpecError::UnsupportedVersion {
            path: path.to_path_buf(),
            version: text,
        })
    }
}

#[cfg(test)]
mod tests;
