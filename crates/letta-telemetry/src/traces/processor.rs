//! A batch span processor bounded by spans *and* bytes, with drop counts.
//!
//! The SDK's `BatchSpanProcessor` bounds its queue by span count only and
//! does not report drops. This one:
//! - never blocks in `on_end`: a span that does not fit the queue (by count
//!   or by estimated bytes) is dropped and counted;
//! - runs the exporter on its own thread with a small current-thread tokio
//!   runtime, so it works whatever runtime (if any) the host uses;
//! - sizes every request below `max_request_bytes` (by an upper bound of the
//!   protobuf encoding), cuts down a span that alone is too large, and splits
//!   a request in half when the collector still answers "too large";
//! - flushes and shuts down by a deadline, even when the collector is gone:
//!   shutdown cuts an export in flight just before the deadline, and every span still
//!   queued or in flight then is counted as lost (a timeout), so each span
//!   that reached the processor is either exported or counted.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::Context;
use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};

use super::classify::classify;
use super::size::{
    resource_size_upper_bound, scope_size_upper_bound, span_size_upper_bound, truncate_span,
};
use super::stats::{ExportStats, FailureReason, QueueDepth, take_partial_loss};
use crate::deadline::ExportDeadline;
use crate::init::InitError;
use crate::settings::Settings;

/// Target of the pipeline's own diagnostics.
pub(crate) const LOG_TARGET: &str = "letta_telemetry::traces";

/// Time kept at the end of a shutdown, after exports are cut, for the worker
/// to count what could not be sent: a tenth of the time left, at most this.
const COUNTING_MARGIN: Duration = Duration::from_millis(100);

/// Room kept in every request for the envelope when the resource is unknown.
const ENVELOPE_RESERVE: usize = 4096;

/// Configuration of a [`BoundedBatchSpanProcessor`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchConfig {
    /// Most spans waiting in the queue.
    pub max_queue_spans: usize,
    /// Most estimated bytes waiting in the queue.
    pub max_queue_bytes: usize,
    /// Most spans in one export request.
    pub max_batch_spans: usize,
    /// Largest export request, in (estimated protobuf) bytes.
    pub max_request_bytes: usize,
    /// Longest wait before a partial batch is exported.
    pub schedule_delay: Duration,
    /// Longest time one export call may take: the shorter of
    /// `OTEL_BSP_EXPORT_TIMEOUT` and the OTLP timeout of traces.
    pub export_timeout: Duration,
    /// Longest string attribute value in characters
    /// (`OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`); longer ones are cut when
    /// the span ends. `None`: no limit.
    pub max_attribute_value_length: Option<usize>,
    /// Whether a request answered "too large" is split and sent again. This
    /// keeps a copy of a batch while it is exported, but only of a batch
    /// larger than any request the collector has accepted so far (smaller
    /// ones cannot be too large), so in a steady state nothing is copied.
    pub split_on_too_large: bool,
    /// Emit a `debug` event (target `letta_telemetry::traces`) per export.
    pub verbose: bool,
    /// Least time between two "spans dropped" warnings.
    pub drop_warning_interval: Duration,
}

impl Default for BatchConfig {
    fn default() -> Self {
        Self::from_settings(&Settings::default())
    }
}

impl BatchConfig {
    /// The configuration the settings describe.
    pub fn from_settings(settings: &Settings) -> Self {
        let l = &settings.limits;
        Self {
            max_queue_spans: l.max_queue_spans.max(1),
            max_queue_bytes: l.max_queue_bytes.max(1),
            max_batch_spans: l.max_batch_spans.max(1),
            max_request_bytes: l.max_request_bytes.max(ENVELOPE_RESERVE * 2),
            schedule_delay: l.schedule_delay,
            export_timeout: settings
                .sdk
                .span_export_timeout
                .min(settings.timeout(crate::settings::Signal::Traces)),
            max_attribute_value_length: settings.sdk.span_limits.attribute_value_length,
            split_on_too_large: true,
            verbose: settings.verbose_telemetry_logging,
            drop_warning_interval: Duration::from_secs(10),
        }
    }

    /// Sets [`BatchConfig::split_on_too_large`].
    #[must_use]
    pub fn with_split_on_too_large(mut self, split: bool) -> Self {
        self.split_on_too_large = split;
        self
    }
}

struct Queued {
    span: SpanData,
    bytes: usize,
}

enum Control {
    /// A full batch is waiting.
    ExportNow,
    Flush {
        deadline: Instant,
        done: SyncSender<()>,
    },
    Shutdown {
        deadline: Instant,
        done: SyncSender<()>,
    },
    Resource(Resource),
}

/// State shared by the producers and the worker.
struct Shared {
    depth: Arc<QueueDepth>,
    notified: AtomicBool,
    shut_down: AtomicBool,
    /// Largest estimated size of one span (request limit minus envelope).
    span_budget: AtomicUsize,
    stats: &'static ExportStats,
}

struct Inner {
    span_tx: SyncSender<Queued>,
    control_tx: SyncSender<Control>,
    shared: Arc<Shared>,
    max_queue_bytes: usize,
    max_batch_spans: usize,
    trigger_bytes: usize,
    max_attribute_value_length: Option<usize>,
    /// Cut at the shutdown deadline: ends an export in flight.
    deadline: ExportDeadline,
    worker: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// A span processor with a queue bounded by spans and bytes, drop counting,
/// request-size control and deadline-bounded flush and shutdown.
///
/// Cloning gives another handle to the same processor.
#[derive(Clone)]
pub struct BoundedBatchSpanProcessor {
    inner: Arc<Inner>,
}

impl fmt::Debug for BoundedBatchSpanProcessor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedBatchSpanProcessor")
            .field(
                "queue_spans",
                &self.inner.shared.depth.spans.load(Ordering::Relaxed),
            )
            .finish_non_exhaustive()
    }
}

impl BoundedBatchSpanProcessor {
    /// Starts the worker thread, which builds the exporter with
    /// `make_exporter` (inside its tokio runtime, so exporters that need one
    /// at build time work) and then exports batches with it.
    pub fn new<E, F>(config: BatchConfig, make_exporter: F) -> Result<Self, InitError>
    where
        E: SpanExporter + 'static,
        F: FnOnce() -> Result<E, InitError> + Send + 'static,
    {
        let stats = super::stats::stats();
        let (span_tx, span_rx) = sync_channel(config.max_queue_spans);
        let (control_tx, control_rx) = sync_channel(64);
        let shared = Arc::new(Shared {
            depth: Arc::new(QueueDepth::default()),
            notified: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            span_budget: AtomicUsize::new(
                config
                    .max_request_bytes
                    .saturating_sub(ENVELOPE_RESERVE)
                    .max(ENVELOPE_RESERVE),
            ),
            stats,
        });
        let (ready_tx, ready_rx) = sync_channel::<Result<(), InitError>>(1);
        super::stats::register_queue(&shared.depth);
        let worker_shared = shared.clone();
        let worker_config = config.clone();
        let deadline = ExportDeadline::default();
        let worker_deadline = deadline.clone();
        let handle = std::thread::Builder::new()
            .name("letta-telemetry-spans".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(InitError::Exporter {
                            signal: "traces",
                            reason: format!("could not start the export runtime: {e}"),
                        }));
                        return;
                    }
                };
                let exporter = {
                    let _enter = rt.enter();
                    make_exporter()
                };
                let exporter = match exporter {
                    Ok(e) => {
                        let _ = ready_tx.send(Ok(()));
                        e
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                Worker {
                    rt,
                    deadline: worker_deadline,
                    exporter,
                    spans: span_rx,
                    shared: worker_shared,
                    config: worker_config,
                    envelope_bytes: ENVELOPE_RESERVE,
                    warned_drops: 0,
                    warned_failed: 0,
                    last_failure: None,
                    accepted_bytes: 0,
                    last_warning: None,
                }
                .run(control_rx);
            })
            .map_err(|e| InitError::Exporter {
                signal: "traces",
                reason: format!("could not start the export thread: {e}"),
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = handle.join();
                return Err(e);
            }
            Err(_) => {
                let _ = handle.join();
                return Err(InitError::Exporter {
                    signal: "traces",
                    reason: "the export thread stopped while building the exporter".into(),
                });
            }
        }
        Ok(Self {
            inner: Arc::new(Inner {
                span_tx,
                control_tx,
                shared,
                max_queue_bytes: config.max_queue_bytes,
                max_batch_spans: config.max_batch_spans,
                trigger_bytes: config.max_request_bytes,
                max_attribute_value_length: config.max_attribute_value_length,
                deadline,
                worker: Mutex::new(Some(handle)),
            }),
        })
    }

    /// Exports every span queued before the call; returns `true` when that
    /// finished by `deadline`.
    pub fn flush_until(&self, deadline: Instant) -> bool {
        let (done, wait) = sync_channel(1);
        if self
            .inner
            .control_tx
            .try_send(Control::Flush { deadline, done })
            .is_err()
        {
            return false;
        }
        wait_until(&wait, deadline)
    }

    /// Exports what is queued, shuts the exporter down and stops the worker;
    /// returns by `deadline` (plus a few milliseconds) whatever the exporter
    /// does. Returns `true` when everything finished in time. Later calls
    /// return `true` at once.
    pub fn shutdown_until(&self, deadline: Instant) -> bool {
        if self.inner.shared.shut_down.swap(true, Ordering::AcqRel) {
            return true;
        }
        // Exports (the one in flight included) end a little before the
        // deadline, so the worker reaches the shutdown message and counts
        // what is left as lost before the caller stops waiting.
        let now = Instant::now();
        let margin = (deadline.saturating_duration_since(now) / 10).min(COUNTING_MARGIN);
        let export_by = deadline.checked_sub(margin).unwrap_or(deadline).max(now);
        self.inner.deadline.cut_at(export_by);
        let (done, wait) = sync_channel(1);
        let sent = self
            .inner
            .control_tx
            .try_send(Control::Shutdown {
                deadline: export_by,
                done,
            })
            .is_ok();
        let finished = sent && wait_until(&wait, deadline);
        if finished
            && let Ok(mut worker) = self.inner.worker.lock()
            && let Some(handle) = worker.take()
        {
            let _ = handle.join();
        }
        finished
    }

    fn enqueue(&self, mut span: SpanData) {
        let inner = &*self.inner;
        let shared = &*inner.shared;
        let stats = shared.stats;
        if shared.shut_down.load(Ordering::Relaxed) {
            ExportStats::add(&stats.spans_dropped_queue_full, 1);
            return;
        }
        let mut bytes = span_size_upper_bound(&span);
        let budget = shared.span_budget.load(Ordering::Relaxed);
        if bytes > budget {
            truncate_span(&mut span, budget);
            ExportStats::add(&stats.spans_truncated, 1);
            bytes = span_size_upper_bound(&span);
        }
        let queued_bytes = shared.depth.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if queued_bytes > inner.max_queue_bytes {
            shared.depth.bytes.fetch_sub(bytes, Ordering::Relaxed);
            ExportStats::add(&stats.spans_dropped_queue_full, 1);
            return;
        }
        let queued_spans = shared.depth.spans.fetch_add(1, Ordering::Relaxed) + 1;
        match inner.span_tx.try_send(Queued { span, bytes }) {
            Ok(()) => {
                ExportStats::add(&stats.spans_enqueued, 1);
                if (queued_spans >= inner.max_batch_spans || queued_bytes >= inner.trigger_bytes)
                    && !shared.notified.load(Ordering::Relaxed)
                    && !shared.notified.swap(true, Ordering::Relaxed)
                    && inner.control_tx.try_send(Control::ExportNow).is_err()
                {
                    shared.notified.store(false, Ordering::Relaxed);
                }
            }
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                shared.depth.bytes.fetch_sub(bytes, Ordering::Relaxed);
                shared.depth.spans.fetch_sub(1, Ordering::Relaxed);
                ExportStats::add(&stats.spans_dropped_queue_full, 1);
            }
        }
    }
}

fn wait_until(wait: &Receiver<()>, deadline: Instant) -> bool {
    let left = deadline.saturating_duration_since(Instant::now());
    wait.recv_timeout(left + Duration::from_millis(5)).is_ok()
}

impl SpanProcessor for BoundedBatchSpanProcessor {
    fn on_start(&self, _span: &mut Span, _cx: &Context) {}

    fn on_end(&self, mut span: SpanData) {
        if span.span_context.is_sampled() {
            if let Some(max) = self.inner.max_attribute_value_length {
                super::value_length::cut_attribute_values(&mut span, max);
            }
            self.enqueue(span);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        let timeout = Duration::from_secs(5);
        if self.flush_until(Instant::now() + timeout) {
            Ok(())
        } else {
            Err(OTelSdkError::Timeout(timeout))
        }
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        if self.shutdown_until(Instant::now() + timeout) {
            Ok(())
        } else {
            Err(OTelSdkError::Timeout(timeout))
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        let _ = self
            .inner
            .control_tx
            .try_send(Control::Resource(resource.clone()));
    }
}

/// The worker thread: owns the exporter and its runtime.
struct Worker<E> {
    rt: tokio::runtime::Runtime,
    deadline: ExportDeadline,
    exporter: E,
    spans: Receiver<Queued>,
    shared: Arc<Shared>,
    config: BatchConfig,
    envelope_bytes: usize,
    warned_drops: u64,
    warned_failed: u64,
    last_failure: Option<FailureReason>,
    /// Size (upper bound) of the largest request the collector accepted
    /// since it last answered "too large".
    accepted_bytes: usize,
    last_warning: Option<Instant>,
}

impl<E: SpanExporter> Worker<E> {
    fn run(mut self, control: Receiver<Control>) {
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
        let mut batch: Vec<SpanData> = Vec::new();
        let mut scopes: Vec<InstrumentationScope> = Vec::new();
        let mut batch_bytes = self.envelope_bytes;
        while left > 0 {
            let Ok(Queued { span, bytes }) = self.spans.try_recv() else {
                break;
            };
            left -= 1;
            self.shared.depth.spans.fetch_sub(1, Ordering::Relaxed);
            self.shared.depth.bytes.fetch_sub(bytes, Ordering::Relaxed);
            let scope_bytes = if scopes.contains(&span.instrumentation_scope) {
                0
            } else {
                scope_size_upper_bound(&span.instrumentation_scope)
            };
            if !batch.is_empty()
                && (batch.len() >= self.config.max_batch_spans
                    || batch_bytes + scope_bytes + bytes > limit)
            {
                self.send(std::mem::take(&mut batch), batch_bytes, deadline);
                scopes.clear();
                batch_bytes = self.envelope_bytes;
            }
            if !scopes.contains(&span.instrumentation_scope) {
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

    /// Sends one request, splitting it when the collector answers "too large".
    fn send(&mut self, batch: Vec<SpanData>, bytes: usize, deadline: Option<Instant>) {
        let stats = self.shared.stats;
        let mut todo = vec![(batch, bytes, 0u32)];
        while let Some((batch, bytes, cuts)) = todo.pop() {
            let n = batch.len() as u64;
            let mut timeout = self.config.export_timeout;
            if let Some(deadline) = deadline {
                timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
                if timeout.is_zero() {
                    stats.record_failure(FailureReason::Timeout, n);
                    self.log_export(n, bytes, Duration::ZERO, "deadline passed");
                    continue;
                }
            }
            let copy = (self.config.split_on_too_large && bytes > self.accepted_bytes)
                .then(|| batch.clone());
            stats.record_request(bytes as u64);
            let started = Instant::now();
            let result = self.rt.block_on(
                self.deadline
                    .bound(self.exporter.export(batch), Some(timeout)),
            );
            let took = started.elapsed();
            let outcome = match result {
                Some(Ok(())) => Ok(()),
                Some(Err(e)) => Err(classify(&e)),
                None => Err(FailureReason::Timeout),
            };
            if outcome == Err(FailureReason::TooLarge) {
                // the collector's limit may have come down: copy again
                self.accepted_bytes = 0;
            }
            match (outcome, copy) {
                (Ok(()), _) => {
                    self.accepted_bytes = self.accepted_bytes.max(bytes);
                    let lost = take_partial_loss().min(n);
                    ExportStats::add(&stats.spans_exported, n - lost);
                    if lost > 0 {
                        stats.record_failure(FailureReason::Io, lost);
                        self.last_failure = Some(FailureReason::Io);
                    }
                    self.log_export(n, bytes, took, "ok");
                }
                (Err(FailureReason::TooLarge), Some(mut copy)) if copy.len() > 1 || cuts < 3 => {
                    ExportStats::add(&stats.requests_split, 1);
                    if copy.len() > 1 {
                        let second = copy.split_off(copy.len() / 2);
                        let b2 = self.request_bytes(&second);
                        let b1 = self.request_bytes(&copy);
                        self.log_export(n, bytes, took, "too large: split in two");
                        todo.push((second, b2, cuts));
                        todo.push((copy, b1, cuts));
                    } else {
                        for span in &mut copy {
                            let half = span_size_upper_bound(span) / 2;
                            truncate_span(span, half);
                        }
                        let b = self.request_bytes(&copy);
                        self.log_export(n, bytes, took, "too large: span cut down");
                        todo.push((copy, b, cuts + 1));
                    }
                }
                (Err(reason), _) => {
                    stats.record_failure(reason, n);
                    self.last_failure = Some(reason);
                    self.log_export(n, bytes, took, reason.as_str());
                }
            }
        }
    }

    fn request_bytes(&self, spans: &[SpanData]) -> usize {
        let mut scopes: Vec<&InstrumentationScope> = Vec::new();
        let mut n = self.envelope_bytes;
        for s in spans {
            if !scopes.contains(&&s.instrumentation_scope) {
                n += scope_size_upper_bound(&s.instrumentation_scope);
                scopes.push(&s.instrumentation_scope);
            }
            n += span_size_upper_bound(s);
        }
        n
    }

    fn log_export(&self, items: u64, bytes: usize, took: Duration, outcome: &str) {
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
            tracing::warn!(
                target: LOG_TARGET,
                lost = failed - self.warned_failed,
                total_lost = failed,
                reason = self.last_failure.map_or("unknown", FailureReason::as_str),
                "telemetry span export failed: spans lost (check the collector endpoint with `letta-otel doctor`)"
            );
        }
        self.warned_drops = dropped;
        self.warned_failed = failed;
        self.last_warning = Some(now);
    }
}
