//! Emission: the model → tokens.

pub(crate) mod client;
pub(crate) mod types;
