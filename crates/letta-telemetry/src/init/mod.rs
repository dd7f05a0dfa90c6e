//! `init()`, the top of the data path: reads the settings once into a plain
//! configuration per component, hands each to its pipeline (traces,
//! metrics, logs, Datadog), and returns the guard that stops them.

mod guard;

use std::sync::Arc;

pub use guard::TelemetryGuard;

use crate::datadog::DatadogConfig;
use crate::logs::{LogConfig, LogExportConfig};
use crate::metrics::MetricsConfig;
use crate::pipeline::{Pipeline, PipelineError};
use crate::settings::{Settings, SettingsError};
use crate::traces::TracesConfig;

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
    /// The trace pipeline could not be built.
    #[error("traces: {0}")]
    Traces(#[source] PipelineError),
    /// The metric pipeline could not be built.
    #[error("metrics: {0}")]
    Metrics(#[source] PipelineError),
    /// The log pipeline could not be built.
    #[error("logs: {0}")]
    Logs(#[source] PipelineError),
}

impl InitError {
    /// The error of one signal's pipeline: "already installed" is the
    /// process's, not the signal's.
    fn of(signal: fn(PipelineError) -> InitError) -> impl Fn(PipelineError) -> InitError {
        move |e| match e {
            PipelineError::AlreadyInstalled => InitError::AlreadyInitialized,
            e => signal(e),
        }
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
    // Every component's configuration, read once; nothing below sees the
    // settings.
    let traces = TracesConfig::from_settings(&settings).map_err(InitError::Traces)?;
    let metrics = MetricsConfig::from_settings(&settings).map_err(InitError::Metrics)?;
    let log_export = LogExportConfig::from_settings(&settings).map_err(InitError::Logs)?;
    let logs = LogConfig::from_settings(&settings);
    let datadog = settings
        .enable_datadog
        .then(|| DatadogConfig::from_settings(&settings));
    let traces_to_datadog = traces.as_ref().is_some_and(|t| t.datadog.is_some());

    crate::semconv::set_legacy_attributes(settings.legacy_attributes);
    crate::genai::set_content_capture(settings.genai_capture_message_content);
    let resource = crate::resource::build_resource(&settings);
    let mut pipelines: Vec<Arc<dyn Pipeline>> = Vec::new();
    // What degraded (a telemetry file that cannot be written): reported once,
    // after the log pipeline is up.
    let mut degraded = Vec::new();
    if let Some(config) = traces {
        let p = crate::traces::install(config, &resource, &mut degraded)
            .map_err(InitError::of(InitError::Traces))?;
        pipelines.push(p.into());
    }
    if let Some(config) = metrics {
        let p = crate::metrics::install(config, &resource, &mut degraded)
            .map_err(InitError::of(InitError::Metrics))?;
        pipelines.push(p.into());
    }
    let p = crate::logs::install(logs, log_export, settings.console_logs, &resource)
        .map_err(InitError::of(InitError::Logs))?;
    pipelines.push(p.into());
    // After the log pipeline, so the warnings reach the installed subscriber.
    settings.log_warnings();
    for warning in degraded {
        tracing::warn!(target: "letta_telemetry", "{warning}");
    }
    if let Some(p) = crate::datadog::install(datadog.as_ref(), traces_to_datadog) {
        pipelines.push(p.into());
    }
    Ok(TelemetryGuard::new(
        pipelines,
        settings.limits.shutdown_timeout,
    ))
}
