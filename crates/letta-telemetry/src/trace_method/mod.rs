//! Runtime support for `#[trace_method]`.

#[doc(hidden)]
pub mod __private {}
