//! Test support: an in-memory span recorder installed as the process tracer.
//!
//! Each call installs process-wide state once; run tests that use it in
//! separate processes (`cargo nextest` does this by default).

mod traces;

pub use traces::{SpanRecorder, install_span_recorder};
