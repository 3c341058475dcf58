//! Types that generated models use for formats JSON has no native type for.

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `format: date-time` — an RFC 3339 timestamp.
pub type DateTime = chrono::DateTime<chrono::Utc>;
/// `format: date` — an RFC 3339 full date.
pub type Date = chrono::NaiveDate;
/// `format: uuid`.
pub type Uuid = uuid::Uuid;
/// Free-form JSON.
pub type Value = serde_json::Value;
/// A binary body.
pub use bytes::Bytes;

/// `format: byte` — binary data carried in JSON as standard base64.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(pub Vec<u8>);

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        let engine = base64::engine::general_purpose::GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            base64::engine::GeneralPurposeConfig::new()
                .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
        );
        let cleaned: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        engine
            .decode(cleaned.as_bytes())
            .or_else(|_| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cleaned.trim_end_matches('=').as_bytes())
            })
            .map(Base64)
            .map_err(serde::de::Error::custom)
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}
