//! Structured logs correlated with traces (reference §6).
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
mod format;
mod layer;
mod otlp;
mod record;
mod rotate;

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::Registry;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Layer, SubscriberExt};

pub use config::{
    DEFAULT_BUFFERED_LINES, DatadogLogTags, LOG_FILE_BACKUPS, LOG_FILE_MAX_BYTES, LOG_FILE_NAME,
    LogConfig, LogFileConfig, LogFormat, TELEMETRY_TARGET, UnknownLogFormat,
};
pub use context::{
    LogField, context_with_log_fields, current_log_fields, log_context_guard, with_log_context,
};
pub use layer::LogLayer;
pub use rotate::RotatingFileWriter;

use crate::deadline::ExportDeadline;
use crate::init::{InitError, Pipeline};
use crate::settings::Settings;

static DROP_COUNTERS: OnceLock<Vec<ErrorCounter>> = OnceLock::new();

/// Log lines dropped so far because a writer thread was behind (installed
/// pipeline only).
///
/// Lines longer than the log file's size limit, dropped to keep the bound,
/// are counted too.
pub fn dropped_log_lines() -> u64 {
    DROP_COUNTERS
        .get()
        .map(|cs| cs.iter().map(|c| c.dropped_lines() as u64).sum())
        .unwrap_or(0)
        + rotate::lines_too_long()
}

/// Wraps `writer` so that writes are handed to a writer thread through a
/// bounded buffer of `lines` lines, dropping (and counting) when it is full.
pub(crate) fn non_blocking<T>(
    writer: T,
    lines: usize,
    thread_name: &str,
) -> (NonBlocking, WorkerGuard)
where
    T: std::io::Write + Send + 'static,
{
    NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(lines.max(1))
        .thread_name(thread_name)
        .finish(writer)
}

struct LogsPipeline {
    guards: Mutex<Vec<WorkerGuard>>,
    provider: Option<SdkLoggerProvider>,
    deadline: ExportDeadline,
}

impl Pipeline for LogsPipeline {
    fn name(&self) -> &'static str {
        "logs"
    }

    fn stops_last(&self) -> bool {
        true
    }

    fn flush(&self, _deadline: Instant) {
        if let Some(p) = &self.provider {
            let _ = p.force_flush();
        }
    }

    fn shutdown(&self, deadline: Instant) {
        self.deadline.cut_at(deadline);
        if let Some(p) = &self.provider {
            let _ = p.shutdown_with_timeout(deadline.saturating_duration_since(Instant::now()));
        }
        // Dropping a guard waits (at most about a second) for its writer
        // thread to write what is buffered.
        let guards = std::mem::take(
            &mut *self
                .guards
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        drop(guards);
    }
}

/// Installs the global subscriber: console, `Letta.log` and OTLP export.
///
/// When a global subscriber is already set, nothing is installed (one line
/// says so): compose [`LogConfig::layer`] into it instead.
pub(crate) fn install(
    settings: &Settings,
    resource: &Resource,
) -> Result<Option<Box<dyn Pipeline>>, InitError> {
    let config = LogConfig::from_settings(settings);
    let deadline = ExportDeadline::default();
    let provider = otlp::logger_provider(settings, resource, &deadline)?;
    let mut layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = Vec::new();
    let mut guards = Vec::new();
    let mut counters = Vec::new();
    let mut warnings = Vec::new();

    if settings.console_logs {
        let (console, guard) = non_blocking(
            std::io::stderr(),
            config.buffered_lines,
            "letta-log-console",
        );
        counters.push(console.error_counter());
        layers.push(config.layer(config.console_format, console));
        guards.push(guard);
    }

    if let Some(file) = &config.file {
        match RotatingFileWriter::open(&file.path, file.max_bytes, file.backups) {
            Ok(w) => {
                let (nb, guard) = non_blocking(w, config.buffered_lines, "letta-log-file");
                counters.push(nb.error_counter());
                layers.push(config.layer(config.file_format, nb));
                guards.push(guard);
            }
            Err(e) => warnings.push(format!(
                "could not open the log file {}: {e}; logging to the console only",
                file.path.display()
            )),
        }
    }

    if let Some(p) = &provider {
        let mut filter = config.filter();
        for target in otlp::NOT_EXPORTED_TARGETS {
            filter = filter.with_target(target, tracing::level_filters::LevelFilter::OFF);
        }
        layers.push(
            opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge::new(p)
                .with_filter::<Targets>(filter)
                .boxed(),
        );
    }

    let subscriber = tracing_subscriber::registry().with(layers);
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        tracing::info!(
            target: "letta_telemetry::logs",
            "a global tracing subscriber is already installed; letta-telemetry's log layers were not added (compose logs::LogConfig::layer into it)"
        );
        if let Some(p) = provider {
            let _ = p.shutdown();
        }
        return Ok(None);
    }
    let _ = DROP_COUNTERS.set(counters);
    for w in warnings {
        tracing::warn!(target: "letta_telemetry::logs", "{w}");
    }
    tracing::debug!(
        target: "letta_telemetry::logs",
        console_format = %config.console_format,
        file_format = %config.file_format,
        otlp = provider.is_some(),
        "logs installed"
    );
    Ok(Some(Box::new(LogsPipeline {
        guards: Mutex::new(guards),
        provider,
        deadline,
    })))
}
