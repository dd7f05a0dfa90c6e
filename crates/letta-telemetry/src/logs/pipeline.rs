//! The installed log pipeline: the console and `Letta.log` layers, each
//! behind a bounded buffer and a writer thread, and the export bridge, as
//! the global subscriber.

use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use tracing_appender::non_blocking::{ErrorCounter, NonBlocking, NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::Registry;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::{Layer, SubscriberExt};

use super::config::LogConfig;
use super::export::{self, LogExportConfig};
use crate::deadline::ExportDeadline;
use crate::pipeline::{Pipeline, PipelineError};
use crate::rotating_file::RotatingFileWriter;

/// The installed pipeline's loss counters: the writer threads' and the log
/// file's.
struct LossCounters {
    writers: Vec<ErrorCounter>,
    file: Option<RotatingFileWriter>,
}

static LOSSES: OnceLock<LossCounters> = OnceLock::new();

/// Log lines dropped so far because a writer thread was behind, or because
/// a line alone was longer than the log file's size limit (installed
/// pipeline only).
pub fn dropped_log_lines() -> u64 {
    LOSSES.get().map_or(0, |l| {
        l.writers
            .iter()
            .map(|c| c.dropped_lines() as u64)
            .sum::<u64>()
            + l.file
                .as_ref()
                .map_or(0, RotatingFileWriter::records_refused)
    })
}

/// Wraps `writer` so that writes are handed to a writer thread through a
/// bounded buffer of `lines` lines, dropping (and counting) when it is full.
fn non_blocking<T>(writer: T, lines: usize, thread_name: &str) -> (NonBlocking, WorkerGuard)
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

/// Installs the global subscriber: the console (when `console`), `Letta.log`
/// and the export of `export`.
///
/// When a global subscriber is already set, nothing is installed (one line
/// says so): compose [`LogConfig::layer`] into it instead. A log file that
/// cannot be opened does not fail: lines are lost until it can be, tried
/// again every few seconds, and one warning says so.
pub(crate) fn install(
    config: LogConfig,
    export: LogExportConfig,
    console: bool,
    resource: &Resource,
) -> Result<Box<dyn Pipeline>, PipelineError> {
    let deadline = ExportDeadline::default();
    let provider = export::logger_provider(&export, resource, &deadline)?;
    let mut layers: Vec<Box<dyn Layer<Registry> + Send + Sync>> = Vec::new();
    let mut guards = Vec::new();
    let mut writers = Vec::new();
    let mut warnings = Vec::new();

    if console {
        let (console, guard) = non_blocking(
            std::io::stderr(),
            config.buffered_lines,
            "letta-log-console",
        );
        writers.push(console.error_counter());
        layers.push(config.layer(config.console_format, console));
        guards.push(guard);
    }

    let mut log_file = None;
    if let Some(file) = &config.file {
        let (w, error) =
            RotatingFileWriter::open_degraded(&file.path, file.max_bytes, file.backups);
        if let Some(e) = error {
            warnings.push(format!(
                "could not open the log file {}: {e}; its lines are lost until it can be \
                 written, tried again every {}s",
                file.path.display(),
                crate::rotating_file::REOPEN_INTERVAL.as_secs()
            ));
        }
        log_file = Some(w.clone());
        let (nb, guard) = non_blocking(w, config.buffered_lines, "letta-log-file");
        writers.push(nb.error_counter());
        layers.push(config.layer(config.file_format, nb));
        guards.push(guard);
    }

    if let Some(p) = &provider {
        let mut filter = config.filter();
        for target in export::NOT_EXPORTED_TARGETS {
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
        return Ok(Box::new(LogsPipeline {
            guards: Mutex::new(Vec::new()),
            provider: None,
            deadline,
        }));
    }
    let _ = LOSSES.set(LossCounters {
        writers,
        file: log_file,
    });
    for w in warnings {
        tracing::warn!(target: "letta_telemetry::logs", "{w}");
    }
    tracing::debug!(
        target: "letta_telemetry::logs",
        console_format = %config.console_format,
        file_format = %config.file_format,
        export = %export.output.describe(),
        "logs installed"
    );
    Ok(Box::new(LogsPipeline {
        guards: Mutex::new(guards),
        provider,
        deadline,
    }))
}
