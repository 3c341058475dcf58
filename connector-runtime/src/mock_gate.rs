//! Macros whose expansion depends on this crate's `mock` feature.
//!
//! A `cfg(feature = "mock")` written into generated code would test the *user's* crate's
//! features; these macros test the runtime's, so a user turns typed stubs on by enabling
//! `connector-runtime/mock` in their dev-dependencies.

/// Expands to its input with the `mock` feature, to nothing without it.
#[cfg(feature = "mock")]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_mock {
    ($($item:tt)*) => { $($item)* };
}

/// Expands to its input with the `mock` feature, to nothing without it.
#[cfg(not(feature = "mock"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_mock {
    ($($item:tt)*) => {};
}
