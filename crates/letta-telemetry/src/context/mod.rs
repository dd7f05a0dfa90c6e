//! Request-scoped context: the reference's `ContextVar` of request attributes,
//! carried inside the OpenTelemetry [`opentelemetry::Context`] so that one
//! propagation mechanism carries both the current span and the attributes.
//!
//! SKELETON: the HTTP/context work fills this in.

mod spawn;

pub use spawn::spawn;
