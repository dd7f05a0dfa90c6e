//! The worker thread: waits for a full batch, the schedule, a flush or the
//! shutdown; takes the spans queued at that moment and hands them, in
//! requests sized under the limit, to [`Worker::send`](super::send).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use tokio::runtime::Handle;

use super::config::BatchConfig;
use super::queue::{Control, Queued, Shared};
use super::{ENVELOPE_RESERVE, LOG_TARGET};
use crate::deadline::ExportDeadline;
use crate::traces::scopes::contains;
use crate::traces::size::{resource_size_upper_bound, scope_size_upper_bound};
use crate::traces::stats::FailureReason;
use crate::traces::tls_probe::speaks_tls;

/// The cause a failed plaintext export gives when the port speaks TLS.
const PLAINTEXT_TO_TLS: &str =
    "plaintext to a TLS port (use https:// and OTEL_EXPORTER_OTLP_CERTIFICATE)";

/// The worker thread: owns the exporter, and drives its exports on the
/// export runtime.
pub(super) struct Worker<E> {
    pub(super) handle: Handle,
    pub(super) deadline: ExportDeadline,
    pub(super) exporter: E,
    pub(super) spans: Receiver<Queued>,
    pub(super) shared: Arc<Shared>,
    pub(super) config: BatchConfig,
    pub(super) envelope_bytes: usize,
    pub(super) warned_drops: u64,
    pub(super) warned_failed: u64,
    pub(super) last_failure: Option<FailureReason>,
    /// Size (upper bound) of the largest request the collector accepted
    /// since it last answered "too large".
    pub(super) accepted_bytes: usize,
    pub(super) last_warning: Option<Instant>,
    /// Whether the plaintext collector's port speaks TLS, once asked.
    pub(super) speaks_tls: Option<bool>,
}

impl<E: SpanExporter> Worker<E> {
    pub(super) fn run(mut self, control: Receiver<Control>) {
        let mut next_export = Instant::now() + self.config.schedule_delay;
        loop {
            let wait = next_export.saturating_duration_since(Instant::now());
            match control.recv_timeout(wait) {
                Ok(Control::ExportNow) => {
                    self.shared.notified.store(false, Ordering::Relaxed);
                    self.export_queued(None);
                }
                Ok(Control::Flush { deadline, done }) => {
                    self.export_queued(Some(deadline));
                    // Warned before the caller goes on: its logs see it.
                    self.warn_drops();
                    let _ = done.try_send(());
                }
                Ok(Control::Shutdown { deadline, done }) => {
                    self.export_queued(Some(deadline));
                    let left = deadline.saturating_duration_since(Instant::now());
                    let _ = self.exporter.shutdown_with_timeout(left);
                    self.warn_drops();
                    let _ = done.try_send(());
                    break;
                }
                Ok(Control::Resource(resource)) => {
                    self.exporter.set_resource(&resource);
                    self.envelope_bytes = resource_size_upper_bound(&resource) + 64;
                    let budget = self
                        .config
                        .max_request_bytes
                        .saturating_sub(self.envelope_bytes + ENVELOPE_RESERVE)
                        .max(ENVELOPE_RESERVE);
                    self.shared.span_budget.store(budget, Ordering::Relaxed);
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.export_queued(None);
                    next_export = Instant::now() + self.config.schedule_delay;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    // Every handle is gone without a shutdown: export what is left.
                    self.export_queued(Some(Instant::now() + self.config.export_timeout));
                    let _ = self
                        .exporter
                        .shutdown_with_timeout(self.config.export_timeout);
                    break;
                }
            }
            self.warn_drops();
        }
    }

    /// Exports the spans queued now (not those arriving meanwhile), in
    /// requests of at most `max_batch_spans` spans and `max_request_bytes`.
    fn export_queued(&mut self, deadline: Option<Instant>) {
        let mut left = self.shared.depth.spans.load(Ordering::Relaxed);
        let limit = self.config.max_request_bytes;
        // sized up front: a batch of SpanData grown by doubling is copied
        // (~370 bytes a span) at each step
        let max_batch = self.config.max_batch_spans;
        let batch_capacity = move |left: usize| left.min(max_batch);
        let mut batch: Vec<SpanData> = Vec::with_capacity(batch_capacity(left));
        let mut scopes: Vec<InstrumentationScope> = Vec::new();
        let mut batch_bytes = self.envelope_bytes;
        while left > 0 {
            let Ok(Queued { span, bytes }) = self.spans.try_recv() else {
                break;
            };
            left -= 1;
            self.shared.depth.spans.fetch_sub(1, Ordering::Relaxed);
            self.shared.depth.bytes.fetch_sub(bytes, Ordering::Relaxed);
            let known = contains(&scopes, &span.instrumentation_scope);
            let scope_bytes = if known {
                0
            } else {
                scope_size_upper_bound(&span.instrumentation_scope)
            };
            let sent = !batch.is_empty()
                && (batch.len() >= self.config.max_batch_spans
                    || batch_bytes + scope_bytes + bytes > limit);
            if sent {
                let full =
                    std::mem::replace(&mut batch, Vec::with_capacity(batch_capacity(left + 1)));
                self.send(full, batch_bytes, deadline);
                scopes.clear();
                batch_bytes = self.envelope_bytes;
            }
            if sent || !known {
                batch_bytes += scope_size_upper_bound(&span.instrumentation_scope);
                scopes.push(span.instrumentation_scope.clone());
            }
            batch_bytes += bytes;
            batch.push(span);
        }
        if !batch.is_empty() {
            self.send(batch, batch_bytes, deadline);
        }
    }

    pub(super) fn log_export(&self, items: u64, bytes: usize, took: Duration, outcome: &str) {
        if self.config.verbose {
            tracing::debug!(
                target: LOG_TARGET,
                signal = "traces",
                items,
                bytes,
                duration_ms = took.as_secs_f64() * 1000.0,
                outcome,
                "export"
            );
        }
    }

    /// Whether spans go over plaintext to a port that speaks TLS: asked of
    /// the port once (bounded by one second each way), on this thread.
    fn plaintext_to_tls(&mut self) -> bool {
        let Some((host, port)) = &self.config.plaintext_collector else {
            return false;
        };
        *self
            .speaks_tls
            .get_or_insert_with(|| speaks_tls(host, *port, Duration::from_secs(1)))
    }

    /// At most one warning per interval for spans lost since the last one:
    /// dropped because the queue was full, or lost in a failed export.
    fn warn_drops(&mut self) {
        let stats = self.shared.stats;
        let dropped = stats.spans_dropped_queue_full.load(Ordering::Relaxed);
        let failed = stats.spans_dropped_export_failed.load(Ordering::Relaxed);
        if dropped <= self.warned_drops && failed <= self.warned_failed {
            return;
        }
        let now = Instant::now();
        if self
            .last_warning
            .is_some_and(|t| now.duration_since(t) < self.config.drop_warning_interval)
        {
            return;
        }
        if dropped > self.warned_drops {
            tracing::warn!(
                target: LOG_TARGET,
                dropped = dropped - self.warned_drops,
                total_dropped = dropped,
                "telemetry span queue full: spans dropped (the collector is slow or unreachable)"
            );
        }
        if failed > self.warned_failed {
            let transport = matches!(
                self.last_failure,
                Some(FailureReason::Rejected | FailureReason::Unavailable)
            );
            let cause = if transport && self.plaintext_to_tls() {
                PLAINTEXT_TO_TLS
            } else {
                self.last_failure.map_or("unknown", FailureReason::hint)
            };
            tracing::warn!(
                target: LOG_TARGET,
                lost = failed - self.warned_failed,
                total_lost = failed,
                reason = self.last_failure.map_or("unknown", FailureReason::as_str),
                cause,
                "telemetry span export failed: spans lost (check the collector endpoint with `letta-otel doctor`)"
            );
        }
        self.warned_drops = dropped;
        self.warned_failed = failed;
        self.last_warning = Some(now);
    }
}
