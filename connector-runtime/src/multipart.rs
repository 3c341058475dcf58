//! `multipart/form-data` bodies: text fields and files from bytes, a path or a stream.
//!
//! A body made of bytes and paths is encoded once, before the first attempt, and can be resent
//! on a retry; a body with a streamed file is sent as a stream and never retried.

use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, Stream, StreamExt};

/// A stream of body chunks.
pub(crate) type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static>>;

/// A stream that can be taken once, by whichever clone of the request sends it.
#[derive(Clone)]
pub(crate) struct SharedStream(Arc<Mutex<Option<ByteStream>>>);

impl SharedStream {
    pub(crate) fn new(stream: ByteStream) -> Self {
        Self(Arc::new(Mutex::new(Some(stream))))
    }

    /// The stream, the first time; `None` once it was taken.
    pub(crate) fn take(&self) -> Option<ByteStream> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

impl std::fmt::Debug for SharedStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedStream(..)")
    }
}

/// A file to upload in a `multipart/form-data` body, with its file name and content type.
///
/// ```
/// # use connector_runtime::FilePart;
/// let photo = FilePart::bytes(&b"\x89PNG..."[..]).file_name("cat.png").content_type("image/png");
/// let report = FilePart::path("reports/2026-11.csv"); // read when the request is sent
/// ```
#[derive(Clone)]
pub struct FilePart {
    file_name: Option<String>,
    content_type: Option<String>,
    source: FileSource,
}

#[derive(Clone)]
enum FileSource {
    Bytes(Bytes),
    Path(PathBuf),
    Stream(SharedStream),
}

impl FilePart {
    /// A file held in memory.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        Self {
            file_name: None,
            content_type: None,
            source: FileSource::Bytes(data.into()),
        }
    }

    /// A file on disk, read when the request is sent; its name is the default file name.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        Self {
            file_name: path.file_name().map(|name| name.to_string_lossy().into_owned()),
            content_type: None,
            source: FileSource::Path(path),
        }
    }

    /// A file read from a stream as it is sent. A request carrying one is never retried (the
    /// stream cannot be read twice).
    pub fn stream(stream: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static) -> Self {
        Self {
            file_name: None,
            content_type: None,
            source: FileSource::Stream(SharedStream::new(Box::pin(stream))),
        }
    }

    /// Sets the file name sent in `Content-Disposition`.
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the part's content type (default `application/octet-stream`).
    #[must_use]
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl std::fmt::Debug for FilePart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            FileSource::Bytes(data) => format!("{} bytes", data.len()),
            FileSource::Path(path) => format!("path {}", path.display()),
            FileSource::Stream(_) => "stream".to_owned(),
        };
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("source", &source)
            .finish()
    }
}

impl From<Bytes> for FilePart {
    fn from(data: Bytes) -> Self {
        Self::bytes(data)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(data: Vec<u8>) -> Self {
        Self::bytes(data)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(data: &'static [u8]) -> Self {
        Self::bytes(data)
    }
}

/// A file is sent as a part of a multipart body, never inside JSON.
impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(
            "a file can only be sent as a part of a multipart/form-data body",
        ))
    }
}

/// Read from a string (the file's content as text); what a response or a mock stub carries.
impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::bytes(text.into_bytes()))
    }
}

/// What a generated multipart field holds: one file, an optional one, or several.
pub trait FileParts {
    /// The files, in order.
    fn file_parts(&self) -> Vec<&FilePart>;
}

impl FileParts for FilePart {
    fn file_parts(&self) -> Vec<&FilePart> {
        vec![self]
    }
}

impl FileParts for Option<FilePart> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().collect()
    }
}

impl FileParts for Vec<FilePart> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().collect()
    }
}

impl FileParts for Option<Vec<FilePart>> {
    fn file_parts(&self) -> Vec<&FilePart> {
        self.iter().flatten().collect()
    }
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub(crate) enum Part {
    Text {
        name: String,
        value: String,
        content_type: Option<&'static str>,
    },
    File {
        name: String,
        file: FilePart,
    },
}

/// A multipart body before its files are read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Multipart {
    pub(crate) parts: Vec<Part>,
}

/// The encoded body: bytes that can be resent, or a stream that cannot.
pub(crate) enum Encoded {
    Bytes(Bytes),
    Stream(ByteStream),
}

impl Multipart {
    /// Reads the files on disk and encodes the body with `boundary`.
    pub(crate) async fn encode(&self, boundary: &str) -> Result<Encoded, String> {
        let mut chunks: Vec<Chunk> = Vec::new();
        let mut head = BytesMut::new();
        for part in &self.parts {
            head.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match part {
                Part::Text {
                    name,
                    value,
                    content_type,
                } => {
                    head.extend_from_slice(
                        format!("Content-Disposition: form-data; name=\"{}\"\r\n", quote(name)).as_bytes(),
                    );
                    if let Some(content_type) = content_type {
                        head.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
                    }
                    head.extend_from_slice(b"\r\n");
                    head.extend_from_slice(value.as_bytes());
                    head.extend_from_slice(b"\r\n");
                }
                Part::File { name, file } => {
                    let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", quote(name));
                    if let Some(file_name) = &file.file_name {
                        disposition.push_str(&format!("; filename=\"{}\"", quote(file_name)));
                    }
                    let content_type = file.content_type.as_deref().unwrap_or("application/octet-stream");
                    // A line break would end the part's headers early and forge new ones.
                    crate::request::check_header_value("Content-Type", content_type)
                        .map_err(|_| format!("the content type of the file in `{name}` contains CR or LF (or NUL)"))?;
                    head.extend_from_slice(format!("{disposition}\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
                    match &file.source {
                        FileSource::Bytes(data) => head.extend_from_slice(data),
                        FileSource::Path(path) => {
                            let data = tokio::fs::read(path)
                                .await
                                .map_err(|err| format!("cannot read `{}`: {err}", path.display()))?;
                            head.extend_from_slice(&data);
                        }
                        FileSource::Stream(shared) => {
                            let stream = shared
                                .take()
                                .ok_or("a streamed file was already sent; a stream can be read only once")?;
                            chunks.push(Chunk::Bytes(head.split().freeze()));
                            chunks.push(Chunk::Stream(stream));
                        }
                    }
                    head.extend_from_slice(b"\r\n");
                }
            }
        }
        head.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        if chunks.is_empty() {
            return Ok(Encoded::Bytes(head.freeze()));
        }
        chunks.push(Chunk::Bytes(head.freeze()));
        let streams = chunks.into_iter().map(|chunk| match chunk {
            Chunk::Bytes(data) => stream::once(async move { Ok(data) }).boxed(),
            Chunk::Stream(stream) => stream,
        });
        Ok(Encoded::Stream(Box::pin(stream::iter(streams).flatten())))
    }
}

enum Chunk {
    Bytes(Bytes),
    Stream(ByteStream),
}

/// Escapes a name for a quoted `Content-Disposition` parameter.
fn quote(name: &str) -> String {
    name.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn text_and_files_with_names_and_types() {
        let body = Multipart {
            parts: vec![
                Part::Text {
                    name: "description".into(),
                    value: "a \"cat\"".into(),
                    content_type: None,
                },
                Part::File {
                    name: "file".into(),
                    file: FilePart::bytes(&b"PNG"[..])
                        .file_name("c\"at.png")
                        .content_type("image/png"),
                },
            ],
        };
        let Ok(Encoded::Bytes(data)) = body.encode("XyZ").await else {
            panic!("bytes and text encode to bytes")
        };
        assert_eq!(
            std::str::from_utf8(&data).unwrap(),
            "--XyZ\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\na \"cat\"\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c\\\"at.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n\
             --XyZ--\r\n"
        );
    }

    #[tokio::test]
    async fn a_stream_is_read_once() {
        let file = FilePart::stream(stream::iter([
            Ok(Bytes::from_static(b"ab")),
            Ok(Bytes::from_static(b"c")),
        ]));
        let body = Multipart {
            parts: vec![Part::File { name: "f".into(), file }],
        };
        let Ok(Encoded::Stream(stream)) = body.encode("b").await else {
            panic!("a streamed file encodes to a stream")
        };
        let chunks: Vec<Bytes> = stream.map(|c| c.unwrap()).collect().await;
        let text: Vec<u8> = chunks.concat();
        assert!(std::str::from_utf8(&text).unwrap().contains("\r\n\r\nabc\r\n--b--"));
        assert!(body.encode("b").await.is_err(), "the stream was taken");
    }

    #[tokio::test]
    async fn a_content_type_with_a_line_break_is_refused() {
        let body = Multipart {
            parts: vec![Part::File {
                name: "f".into(),
                file: FilePart::bytes(&b"x"[..]).content_type("text/plain\r\nX-Evil: 1"),
            }],
        };
        let err = body.encode("b").await.err().unwrap();
        assert!(err.contains("CR or LF"), "{err}");
    }

    #[tokio::test]
    async fn a_missing_path_is_an_error_naming_it() {
        let body = Multipart {
            parts: vec![Part::File {
                name: "f".into(),
                file: FilePart::path("/no/such/file.bin"),
            }],
        };
        let err = body.encode("b").await.err().unwrap();
        assert!(err.contains("/no/such/file.bin"), "{err}");
    }
}
