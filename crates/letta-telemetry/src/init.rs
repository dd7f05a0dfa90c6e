//! `init()`: installs every pipeline and returns the guard that shuts them down.

use std::time::{Duration, Instant};

use crate::settings::{Settings, SettingsError};

/// Why telemetry could not be initialised.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The settings are invalid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// `init` was already called in this process.
    #[error("telemetry is already initialised in this process")]
    AlreadyInitialized,
    /// An exporter could not be built.
    #[error("could not build the {signal} exporter: {reason}")]
    Exporter {
        /// `traces`, `metrics` or `logs`.
        signal: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A local telemetry file or directory could not be opened.
    #[error("could not open {path}: {source}")]
    Io {
        /// The file or directory.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One installed pipeline (traces, metrics, logs, Datadog), flushed and shut
/// down by the [`TelemetryGuard`].
pub(crate) trait Pipeline: Send + Sync {
    /// Short name for diagnostics.
    fn name(&self) -> &'static str;
    /// Exports what is buffered, returning by `deadline`.
    fn flush(&self, deadline: Instant);
    /// Flushes and stops, returning by `deadline`.
    fn shutdown(&self, deadline: Instant);
}

/// Keeps telemetry running; flushes and shuts it down, within the configured
/// deadline, when dropped or when [`TelemetryGuard::shutdown`] is called.
#[must_use = "telemetry stops when the guard is dropped"]
pub struct TelemetryGuard {
    pipelines: Vec<Box<dyn Pipeline>>,
    shutdown_timeout: Duration,
    done: bool,
}

impl std::fmt::Debug for TelemetryGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.pipelines.iter().map(|p| p.name()).collect();
        f.debug_struct("TelemetryGuard")
            .field("pipelines", &names)
            .finish()
    }
}

impl TelemetryGuard {
    /// Exports everything buffered so far, within the shutdown deadline.
    pub fn flush(&self) {
        let deadline = Instant::now() + self.shutdown_timeout;
        for p in &self.pipelines {
            p.flush(deadline);
        }
    }

    /// Flushes and shuts every pipeline down; returns within the deadline.
    pub fn shutdown(mut self) {
        self.shutdown_inner();
    }

    fn shutdown_inner(&mut self) {
        if self.done {
            return;
        }
        self.done = true;
        crate::global::disable_tracing();
        let deadline = Instant::now() + self.shutdown_timeout;
        for p in &self.pipelines {
            p.shutdown(deadline);
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        self.shutdown_inner();
    }
}

/// Installs tracing, metrics, logs and Datadog as the settings say.
///
/// Datadog failures never fail `init`: they are logged and the rest goes on.
pub fn init(settings: Settings) -> Result<TelemetryGuard, InitError> {
    let resource = crate::resource::build_resource(&settings);
    let mut pipelines: Vec<Box<dyn Pipeline>> = Vec::new();
    if let Some(p) = crate::export::install_traces(&settings, &resource)? {
        pipelines.push(p);
    }
    if let Some(p) = crate::metrics::install(&settings, &resource)? {
        pipelines.push(p);
    }
    if let Some(p) = crate::logs::install(&settings, &resource)? {
        pipelines.push(p);
    }
    // After the log pipeline, so the warnings reach the installed subscriber.
    settings.log_warnings();
    if let Some(p) = crate::datadog::install(&settings, &resource) {
        pipelines.push(p);
    }
    Ok(TelemetryGuard {
        pipelines,
        shutdown_timeout: settings.limits.shutdown_timeout,
        done: false,
    })
}
