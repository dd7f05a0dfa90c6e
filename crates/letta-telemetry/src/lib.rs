//! # letta-telemetry
//!
//! OpenTelemetry tracing, metrics and logs for LLM-agent servers: the Rust
//! counterpart of the Letta server's `letta/otel` package.
//!
//! The usual entry point is [`init`], which reads [`Settings`] from the
//! environment (or takes them from code), installs the trace, metric and log
//! pipelines and returns a [`TelemetryGuard`] that flushes and shuts everything
//! down with a deadline when dropped.
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let settings = letta_telemetry::Settings::from_env()?;
//! let _guard = letta_telemetry::init(settings)?;
//! // ... run the server ...
//! # Ok(()) }
//! ```
//!
//! With no OTLP endpoint configured, traces and metrics are written as
//! OTLP-JSON lines under `<LETTA_DIR>/logs/`, so no collector is needed.

mod console;
mod current_span;
mod deadline;
mod exception;
mod export_runtime;
mod global;
mod init;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod otlp_transport;
mod output;
mod pipeline;
mod prediction;
mod private_file;
mod propagation;
mod resource;
mod rotating_file;
mod semconv;
mod timestamp;
mod trace_ids;

pub mod context;
pub mod datadog;
#[cfg(feature = "sqlx")]
pub mod db;
pub mod genai;
pub mod http;
pub mod logs;
pub mod metrics;
pub mod redact;
#[cfg(feature = "runtime-metrics")]
pub mod runtime_metrics;
pub mod settings;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod trace_method;
pub mod traces;

pub use current_span::{log_attributes, log_event, trace_id};
pub use global::{tracer, tracing_enabled};
pub use init::{InitError, TelemetryGuard, init};
pub use letta_telemetry_macros::{TelemetryId, trace_method};
pub use pipeline::PipelineError;
pub use resource::{HostIdentity, build_resource, build_resource_with};
pub use settings::{Settings, SettingsError};
pub use trace_method::{TelemetryId, TelemetryIds};

#[doc(hidden)]
pub mod __private {
    //! Support for the code that `#[trace_method]` generates. Not a public API.
    #[allow(unused_imports)]
    pub use crate::trace_method::__private::*;
}
