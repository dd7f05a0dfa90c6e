//! `init()`: installs every pipeline and returns the guard that shuts them down.

use std::sync::Arc;
use std::sync::mpsc;
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
    /// A setting asks for an integration this build was compiled without.
    #[error("{setting} needs the `{feature}` feature of letta-telemetry, which this build lacks")]
    MissingFeature {
        /// The setting and its value, e.g. `OTEL_PROPAGATORS=b3`.
        setting: String,
        /// The cargo feature to turn on.
        feature: &'static str,
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

/// The error when an OTLP endpoint is set for `signal` but this build has
/// no OTLP transport.
#[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
pub(crate) fn no_otlp_transport(signal: &'static str) -> InitError {
    InitError::Exporter {
        signal,
        reason: "an OTLP endpoint is set, but this build of letta-telemetry has neither the \
                 `otlp-grpc` nor the `otlp-http` feature (without an endpoint, telemetry goes \
                 to the local files)"
            .into(),
    }
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
    /// Whether this pipeline is flushed and stopped after the others, so
    /// that what they log while stopping is still written (the logs).
    fn stops_last(&self) -> bool {
        false
    }
}

/// Keeps telemetry running; flushes and shuts it down, within the configured
/// deadline, when dropped or when [`TelemetryGuard::shutdown`] is called.
///
/// The deadline (`LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS`) is one for all the
/// work: traces, metrics and Datadog are flushed and shut down at the same
/// time, each on a thread of its own, then the logs (which record what the
/// others said while stopping); exports in flight are cut before the
/// deadline, and the guard returns by then whatever the collector does. What
/// could not be sent is abandoned and counted ([`crate::traces::stats`]).
#[must_use = "telemetry stops when the guard is dropped"]
pub struct TelemetryGuard {
    pipelines: Vec<Arc<dyn Pipeline>>,
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
    /// Exports everything buffered so far; returns within the shutdown
    /// deadline.
    pub fn flush(&self) {
        let (work_by, return_by) = deadlines(self.shutdown_timeout);
        run_until(&self.pipelines, work_by, return_by, "flush", |p, d| {
            p.flush(d)
        });
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
        let (work_by, return_by) = deadlines(self.shutdown_timeout);
        run_until(&self.pipelines, work_by, return_by, "stop", |p, d| {
            p.shutdown(d)
        });
    }
}

/// Time kept at the end of the shutdown budget to count what is abandoned:
/// a tenth of the budget, at most this.
const RESERVE: Duration = Duration::from_millis(200);

/// When the pipelines must stop exporting, and when the guard returns: the
/// deadline, less a reserve (a tenth of the budget, at most [`RESERVE`]) in
/// which what could not be sent is counted as lost.
fn deadlines(budget: Duration) -> (Instant, Instant) {
    let now = Instant::now();
    let reserve = (budget / 10).min(RESERVE);
    (now + budget - reserve, now + budget)
}

/// Runs `op(pipeline, work_by)` on every pipeline at once, each on a thread
/// of its own, then on those that stop last (the logs, which record what
/// the others said while stopping) with what is left until `return_by`;
/// returns when all are done or at `return_by`, whichever comes first. A
/// pipeline still working then is left to finish in the background.
fn run_until(
    pipelines: &[Arc<dyn Pipeline>],
    work_by: Instant,
    return_by: Instant,
    what: &str,
    op: fn(&dyn Pipeline, Instant),
) {
    let (last, first): (Vec<_>, Vec<_>) = pipelines.iter().cloned().partition(|p| p.stops_last());
    run_together(&first, work_by, work_by, what, op);
    run_together(&last, return_by, return_by, what, op);
}

/// Runs `op(pipeline, work_by)` on every pipeline at once, each on a thread
/// of its own; returns when all are done or at `return_by`.
fn run_together(
    pipelines: &[Arc<dyn Pipeline>],
    work_by: Instant,
    return_by: Instant,
    what: &str,
    op: fn(&dyn Pipeline, Instant),
) {
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let mut started = 0;
    for p in pipelines {
        let pipeline = Arc::clone(p);
        let done = done_tx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("letta-telemetry-{what}-{}", p.name()))
            .spawn(move || {
                op(&*pipeline, work_by);
                let _ = done.send(());
            });
        match spawned {
            Ok(_) => started += 1,
            // No thread to be had: do it here, still by the deadline.
            Err(_) => op(&**p, work_by),
        }
    }
    drop(done_tx);
    let mut finished = pipelines.len() - started;
    while finished < pipelines.len() {
        let left = return_by.saturating_duration_since(Instant::now());
        match done_rx.recv_timeout(left + Duration::from_millis(5)) {
            Ok(()) => finished += 1,
            Err(_) => break,
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        self.shutdown_inner();
    }
}

/// Installs tracing, metrics, logs and Datadog as the settings say, and
/// returns the guard that flushes and stops them, within one deadline, when
/// it is dropped. Call it once per process, early in `main`.
///
/// Datadog failures never fail `init`: they are logged and the rest goes on.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let settings = letta_telemetry::Settings::builder()
///     .with_service_name("my-agent")
///     .build()?; // code, then the environment, then the defaults
/// let guard = letta_telemetry::init(settings)?;
/// // ... serve ...
/// drop(guard); // or guard.shutdown(): flush and stop by the deadline
/// # Ok(()) }
/// ```
pub fn init(settings: Settings) -> Result<TelemetryGuard, InitError> {
    crate::semconv::set_legacy_attributes(settings.legacy_attributes);
    let resource = crate::resource::build_resource(&settings);
    let mut pipelines: Vec<Arc<dyn Pipeline>> = Vec::new();
    // What degraded (a telemetry file that cannot be written): reported once,
    // after the log pipeline is up.
    let mut degraded = Vec::new();
    if let Some(p) = crate::traces::install_traces(&settings, &resource, &mut degraded)? {
        pipelines.push(p.into());
    }
    if let Some(p) = crate::metrics::install(&settings, &resource, &mut degraded)? {
        pipelines.push(p.into());
    }
    if let Some(p) = crate::logs::install(&settings, &resource)? {
        pipelines.push(p.into());
    }
    // After the log pipeline, so the warnings reach the installed subscriber.
    settings.log_warnings();
    for warning in degraded {
        tracing::warn!(target: "letta_telemetry", "{warning}");
    }
    if let Some(p) = crate::datadog::install(&settings, &resource) {
        pipelines.push(p.into());
    }
    Ok(TelemetryGuard {
        pipelines,
        shutdown_timeout: settings.limits.shutdown_timeout,
        done: false,
    })
}
