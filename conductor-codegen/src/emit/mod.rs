//! Emission: the model → tokens.

pub(crate) mod client;
pub(crate) mod paginate;
pub(crate) mod types;
