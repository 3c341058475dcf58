//! The errors loading a spec can produce.

use std::path::PathBuf;

/// Why a spec could not be loaded.
///
/// Every variant names the file it concerns; positions are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// The file could not be read.
    #[error("cannot read {}: {message}", path.display())]
    Io {
        /// The file, as resolved.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The file is not valid JSON or YAML.
    #[error("{}:{line}:{column}: invalid {format}: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// Line of the error.
        line: usize,
        /// Column of the error.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The file parsed but is not an OpenAPI document.
    #[error("{} is not an OpenAPI document: {message}", path.display())]
    NotOpenApi {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The file is a Swagger 2.0 document.
    #[error(
        "{} is a Swagger {version} document; only OpenAPI 3.0 and 3.1 are supported. \
         Convert it first, e.g. with `npx swagger2openapi {}`",
        path.display(),
        path.display()
    )]
    Swagger2 {
        /// The file.
        path: PathBuf,
        /// The declared `swagger` version.
        version: String,
    },
    /// The document declares an OpenAPI version other than 3.0.x or 3.1.x.
    #[error("{} declares OpenAPI {version}; supported versions are 3.0.x and 3.1.x", path.display())]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The declared version.
        version: String,
    },
    /// A `$ref` into another file (or a pointer within it) could not be resolved.
    #[error("{}: unresolved $ref `{reference}` at {location}: {message}", path.display())]
    UnresolvedRef {
        /// The file that contains the reference.
        path: PathBuf,
        /// The JSON pointer of the `$ref` within that file.
        location: String,
        /// The reference as written.
        reference: String,
        /// Why it could not be resolved.
        message: String,
    },
    /// The document does not fit the OpenAPI model after normalisation.
    #[error("{} does not match the OpenAPI model at #{pointer}: {message}", path.display())]
    Model {
        /// The root file.
        path: PathBuf,
        /// The JSON pointer of the value that does not fit (in the bundled document).
        pointer: String,
        /// The deserializer's message.
        message: String,
    },
}

impl SpecError {
    /// The file this error concerns.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Io { path, .. }
            | Self::Syntax { path, .. }
            | Self::NotOpenApi { path, .. }
            | Self::Swagger2 { path, .. }
            | Self::UnsupportedVersion { path, .. }
            | Self::UnresolvedRef { path, .. }
            | Self::Model { path, .. } => path,
        }
    }
}
