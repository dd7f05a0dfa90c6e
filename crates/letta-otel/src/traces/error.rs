//! Errors of the trace readers.

use std::path::PathBuf;

/// Why traces could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TraceError {
    /// The traces file does not exist.
    #[error(
        "traces file {path} does not exist; run `letta-otel demo` first, or pass --file <path> \
         (an OTLP-JSON lines file, one ExportTraceServiceRequest per line)"
    )]
    NotFound {
        /// The path that was looked for.
        path: PathBuf,
    },
    /// The traces file could not be read.
    #[error("cannot read traces file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No trace has the requested id.
    #[error("no trace with id {trace_id} (expected 32 hex digits of a trace in the source)")]
    TraceNotFound {
        /// The id asked for.
        trace_id: String,
    },
    /// A source other than files failed (ClickHouse, ...).
    #[error("{source_name} trace source: {message}")]
    Source {
        /// Which source (`clickhouse`).
        source_name: &'static str,
        /// What went wrong, naming the variable or value at fault.
        message: String,
    },
}
