//! A batch span processor bounded by spans *and* bytes, with drop counts.
//!
//! The SDK's `BatchSpanProcessor` bounds its queue by span count only and
//! does not report drops. This one:
//! - never blocks in `on_end`: a span that does not fit the queue (by count
//!   or by estimated bytes) is dropped and counted;
//! - runs the exporter on its own thread, its I/O on the library's export
//!   runtime, so it works whatever runtime (if any) the host uses;
//! - sizes every request below `max_request_bytes` (by an upper bound of the
//!   protobuf encoding), cuts down a span that alone is too large, and splits
//!   a request in half when the collector still answers "too large";
//! - flushes and shuts down by a deadline, even when the collector is gone:
//!   shutdown cuts an export in flight just before the deadline, and every
//!   span still queued or in flight then is counted as lost (a timeout), so
//!   each span that reached the processor is either exported or counted.
//!
//! The parts: [`config`] (the bounds), [`queue`] (admission on the calling
//! thread), [`worker`] (batching on the worker thread) and [`send`] (one
//! request, split when too large).

mod config;
mod queue;
mod send;
mod worker;

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};

pub use config::BatchConfig;
use queue::{Control, Queue, Shared};
use worker::Worker;

use crate::deadline::ExportDeadline;
use crate::pipeline::PipelineError;

/// Target of the pipeline's own diagnostics.
pub(crate) const LOG_TARGET: &str = "letta_telemetry::traces";

/// Time kept at the end of a shutdown, after exports are cut, for the worker
/// to count what could not be sent: a tenth of the time left, at most this.
const COUNTING_MARGIN: Duration = Duration::from_millis(100);

/// Room kept in every request for the envelope when the resource is unknown.
const ENVELOPE_RESERVE: usize = 4096;

struct Inner {
    queue: Queue,
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
                &self.inner.queue.shared.depth.spans.load(Ordering::Relaxed),
            )
            .finish_non_exhaustive()
    }
}

impl BoundedBatchSpanProcessor {
    /// Starts the worker thread, which builds the exporter with
    /// `make_exporter` (inside the export runtime, so exporters that need a
    /// tokio context at build time work) and then exports batches with it.
    pub fn new<E, F>(config: BatchConfig, make_exporter: F) -> Result<Self, PipelineError>
    where
        E: SpanExporter + 'static,
        F: FnOnce() -> Result<E, PipelineError> + Send + 'static,
    {
        let runtime = crate::export_runtime::handle()?;
        let stats = super::stats::stats();
        let (span_tx, span_rx) = sync_channel(config.max_queue_spans);
        let (control_tx, control_rx) = sync_channel(64);
        let shared = Arc::new(Shared::new(
            stats,
            config
                .max_request_bytes
                .saturating_sub(ENVELOPE_RESERVE)
                .max(ENVELOPE_RESERVE),
        ));
        let (ready_tx, ready_rx) = sync_channel::<Result<(), PipelineError>>(1);
        super::stats::register_queue(&shared.depth);
        let worker_shared = shared.clone();
        let worker_config = config.clone();
        let deadline = ExportDeadline::default();
        let worker_deadline = deadline.clone();
        let thread = std::thread::Builder::new()
            .name("letta-telemetry-spans".into())
            .spawn(move || {
                let exporter = {
                    let _enter = runtime.enter();
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
                    handle: runtime,
                    deadline: worker_deadline,
                    exporter,
                    spans: span_rx,
                    shared: worker_shared,
                    config: worker_config,
                    envelope_bytes: ENVELOPE_RESERVE,
                    warned_drops: 0,
                    warned_failed: 0,
                    last_failure: None,
                    speaks_tls: None,
                    accepted_bytes: 0,
                    last_warning: None,
                }
                .run(control_rx);
            })
            .map_err(|source| PipelineError::Io {
                path: "the span export thread".into(),
                source,
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = thread.join();
                return Err(e);
            }
            Err(_) => {
                let _ = thread.join();
                return Err(PipelineError::Exporter(
                    "the export thread stopped while building the exporter".into(),
                ));
            }
        }
        Ok(Self {
            inner: Arc::new(Inner {
                queue: Queue {
                    span_tx,
                    control_tx,
                    shared,
                    max_queue_bytes: config.max_queue_bytes,
                    max_batch_spans: config.max_batch_spans,
                    trigger_bytes: config.max_request_bytes,
                },
                max_attribute_value_length: config.max_attribute_value_length,
                deadline,
                worker: Mutex::new(Some(thread)),
            }),
        })
    }

    /// Exports every span queued before the call; returns `true` when that
    /// finished by `deadline`.
    pub fn flush_until(&self, deadline: Instant) -> bool {
        let (done, wait) = sync_channel(1);
        if self
            .inner
            .queue
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
        if self
            .inner
            .queue
            .shared
            .shut_down
            .swap(true, Ordering::AcqRel)
        {
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
            .queue
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
            self.inner.queue.admit(span);
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
            .queue
            .control_tx
            .try_send(Control::Resource(resource.clone()));
    }
}
