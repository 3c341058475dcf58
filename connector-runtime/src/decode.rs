//! Decoding response bodies into the types the spec documents.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::DecodeError;
use crate::request::RawResponse;

/// Decodes a JSON body; a mismatch names the JSON path of the offending value.
///
/// An empty body decodes as `null` (so `Option<T>` and `()` accept it).
///
/// # Errors
///
/// When the body is not JSON or does not match `T`.
pub fn decode_json<T: DeserializeOwned>(response: &RawResponse) -> Result<T, DecodeError> {
    let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        &response.body
    };
    // The fast path decodes directly; only a failure is decoded again, tracking the path.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => Ok(value),
        Err(err) => Err(DecodeError {
            path: err.path().to_string(),
            message: err.into_inner().to_string(),
        }),
    }
}

/// Decodes a text body.
///
/// # Errors
///
/// When the body is not valid UTF-8.
pub fn decode_text(response: &RawResponse) -> Result<String, DecodeError> {
    String::from_utf8(response.body.to_vec()).map_err(|err| DecodeError {
        path: ".".to_owned(),
        message: format!("the body is not valid UTF-8: {err}"),
    })
}

/// Returns a binary body as it came.
///
/// # Errors
///
/// Never; the signature matches the other decoders.
pub fn decode_bytes(response: &RawResponse) -> Result<Bytes, DecodeError> {
    Ok(response.body.clone())
}

/// Accepts any body of a response documented without content.
///
/// # Errors
///
/// Never; the signature matches the other decoders.
pub fn decode_empty(_response: &RawResponse) -> Result<(), DecodeError> {
    Ok(())
}
