//! What every signal's pipeline shares with `init`: the [`Pipeline`] the
//! guard flushes and stops, and the [`PipelineError`] a signal fails with.
//!
//! A leaf: the signals build on it and `init` (the top) gathers what they
//! built, so nothing here knows a signal or the settings.

use std::path::PathBuf;
use std::time::Instant;

/// Why one signal's pipeline (traces, metrics or logs) could not be built;
/// [`crate::InitError`] says which signal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PipelineError {
    /// The exporter could not be built: the transport refused its client or
    /// TLS configuration, or its thread could not start.
    #[error("could not build the exporter: {0}")]
    Exporter(String),
    /// An OTLP endpoint is set, but this build has no OTLP transport.
    #[error(
        "an OTLP endpoint is set, but this build of letta-telemetry has neither the \
         `otlp-grpc` nor the `otlp-http` feature (without an endpoint, telemetry goes to \
         the local files)"
    )]
    NoOtlpTransport,
    /// A file the pipeline needs (a CA or client certificate) could not be
    /// read, or an export thread could not be started.
    #[error("could not open {path}: {source}")]
    Io {
        /// The file, or what was being started.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// This signal is already installed in this process.
    #[error("this signal is already installed in this process")]
    AlreadyInstalled,
}

/// One installed pipeline (traces, metrics, logs, Datadog), flushed and shut
/// down by the guard.
pub(crate) trait Pipeline: Send + Sync {
    /// Short name for diagnostics.
    fn name(&self) -> &'static str;
    /// Exports what is buffered, returning by `deadline`.
    fn flush(&self, deadline: Instant);
    /// Flushes and stops, returning by `deadline`.
    fn shutdown(&self, deadline: Instant);
    /// Whether this pipeline is flushed and stopped after the others, so
    /// that what they log while stopping is still written (the logs).
    fn stops_last(&self) -> bool {
        false
    }
}
