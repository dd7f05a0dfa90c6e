//! Structured logs correlated with traces.
//!
//! `tracing` events are written as lines in one of four [`LogFormat`]s:
//!
//! - **JSON**: `timestamp` (RFC 3339, UTC, microseconds), `level` (Python's
//!   names: `WARNING` for warn), `logger` (the event's target), `message`,
//!   `module`, `function`, `line`; when an OpenTelemetry span is current,
//!   `trace_id` / `span_id` in hex and `dd.trace_id` / `dd.span_id` as
//!   decimal strings (the low 64 bits of the trace id unless
//!   [`LogConfig::with_full_dd_trace_id`]); with Datadog on, `dd.service`,
//!   `dd.env`, `dd.version`; `exception` {`type`, `message`, `stacktrace`}
//!   for the first field recorded as an error; every log-context field (see
//!   [`with_log_context`]) and every field of the event. An event field whose
//!   name is one of the keys above is written as `fields.<name>`.
//! - **standard**: `time - logger - LEVEL - message k=v ...`.
//! - **console**: `logger - LEVEL - message k=v ...`.
//! - **datadog**: `time - logger - LEVEL - [dd.env=... dd.service=...
//!   dd.version=... dd.trace_id=... dd.span_id=...] - message k=v ...`.
//!
//! `function` is best effort: Rust events carry no function name, so it is an
//! event field named `function` when given, else the name of the innermost
//! `tracing` span (`#[tracing::instrument]` names spans after functions),
//! else `null`.
//!
//! [`init`](crate::init) installs, as the global subscriber, a console layer
//! on stderr, a layer writing `<LETTA_DIR>/logs/Letta.log` (rotated at 10 MB,
//! 3 backups) and, when an OTLP endpoint is set, an OTLP log bridge. Writes
//! go through a bounded buffer to a writer thread: a full buffer drops lines
//! (counted by [`dropped_log_lines`]) rather than block a request thread.
//! To compose with other layers instead, use [`LogConfig::layer`].
//!
//! ```
//! use letta_telemetry::logs::LogFormat;
//!
//! // The formats `LETTA_LOGGING_JSON_LOGGING` and Datadog choose between.
//! assert_eq!("json".parse::<LogFormat>().ok(), Some(LogFormat::Json));
//! assert!("xml".parse::<LogFormat>().is_err());
//! ```

mod config;
mod context;
mod export;
mod format;
mod layer;
mod pipeline;
mod record;

pub use crate::rotating_file::RotatingFileWriter;
pub use config::{
    DEFAULT_BUFFERED_LINES, DatadogLogTags, LOG_FILE_BACKUPS, LOG_FILE_MAX_BYTES, LOG_FILE_NAME,
    LogConfig, LogFileConfig, LogFormat, TELEMETRY_TARGET, UnknownLogFormat,
};
pub use context::{
    LogField, context_with_log_fields, current_log_fields, log_context_guard, with_log_context,
};
pub use layer::LogLayer;
pub use pipeline::dropped_log_lines;

pub(crate) use export::LogExportConfig;
pub(crate) use pipeline::install;
