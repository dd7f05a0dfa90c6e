//! The producer side of the processor: admitting an ended span into the
//! queue, bounded by spans *and* estimated bytes, without ever blocking.
//!
//! A span that does not fit (by count or by bytes), or arrives after
//! shutdown, is dropped and counted; one larger than a request may be is cut
//! down first (`letta.truncated`). When the queue holds a full batch, the
//! worker is woken once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::Instant;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SpanData;

use crate::traces::size::{span_size_upper_bound, truncate_span};
use crate::traces::stats::{ExportStats, QueueDepth};

/// A span waiting in the queue, with its estimated encoded size.
pub(super) struct Queued {
    pub(super) span: SpanData,
    pub(super) bytes: usize,
}

/// What the processor's handles ask of the worker.
pub(super) enum Control {
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
pub(super) struct Shared {
    pub(super) depth: Arc<QueueDepth>,
    /// Whether an `ExportNow` is on its way (sent at most once per batch).
    pub(super) notified: AtomicBool,
    pub(super) shut_down: AtomicBool,
    /// Largest estimated size of one span (request limit minus envelope).
    pub(super) span_budget: AtomicUsize,
    pub(super) stats: &'static ExportStats,
}

impl Shared {
    /// An empty queue's state, counting into `stats`, with spans of at most
    /// `span_budget` estimated bytes.
    pub(super) fn new(stats: &'static ExportStats, span_budget: usize) -> Self {
        Shared {
            depth: Arc::default(),
            notified: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            span_budget: AtomicUsize::new(span_budget),
            stats,
        }
    }
}

/// The bounded queue as the producers see it.
pub(super) struct Queue {
    pub(super) span_tx: SyncSender<Queued>,
    pub(super) control_tx: SyncSender<Control>,
    pub(super) shared: Arc<Shared>,
    pub(super) max_queue_bytes: usize,
    pub(super) max_batch_spans: usize,
    /// Queued bytes at which the worker is woken before its schedule.
    pub(super) trigger_bytes: usize,
}

impl Queue {
    /// Admits `span`, or drops and counts it; never blocks.
    pub(super) fn admit(&self, mut span: SpanData) {
        let shared = &*self.shared;
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
        if queued_bytes > self.max_queue_bytes {
            shared.depth.bytes.fetch_sub(bytes, Ordering::Relaxed);
            ExportStats::add(&stats.spans_dropped_queue_full, 1);
            return;
        }
        let queued_spans = shared.depth.spans.fetch_add(1, Ordering::Relaxed) + 1;
        match self.span_tx.try_send(Queued { span, bytes }) {
            Ok(()) => {
                ExportStats::add(&stats.spans_enqueued, 1);
                if (queued_spans >= self.max_batch_spans || queued_bytes >= self.trigger_bytes)
                    && !shared.notified.load(Ordering::Relaxed)
                    && !shared.notified.swap(true, Ordering::Relaxed)
                    && self.control_tx.try_send(Control::ExportNow).is_err()
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

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{Receiver, sync_channel};

    use opentelemetry::KeyValue;

    use super::*;
    use crate::testing::sample_span;

    struct Fixture {
        queue: Queue,
        spans: Receiver<Queued>,
        control: Receiver<Control>,
        stats: &'static ExportStats,
    }

    /// A queue of at most `spans` spans and `bytes` bytes, waking the worker
    /// at `batch` spans, with counters of its own.
    fn fixture(spans: usize, bytes: usize, batch: usize) -> Fixture {
        let stats: &'static ExportStats = Box::leak(Box::new(ExportStats::new()));
        let (span_tx, span_rx) = sync_channel(spans);
        let (control_tx, control_rx) = sync_channel(4);
        let queue = Queue {
            span_tx,
            control_tx,
            shared: Arc::new(Shared::new(stats, usize::MAX)),
            max_queue_bytes: bytes,
            max_batch_spans: batch,
            trigger_bytes: usize::MAX,
        };
        Fixture {
            queue,
            spans: span_rx,
            control: control_rx,
            stats,
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_instead_of_blocking() {
        let f = fixture(2, usize::MAX, 100);
        for _ in 0..5 {
            f.queue.admit(sample_span("s", vec![]));
        }
        let s = f.stats.snapshot();
        assert_eq!((s.spans_enqueued, s.spans_dropped_queue_full), (2, 3));
        assert_eq!(f.spans.try_iter().count(), 2);
        assert_eq!(f.queue.shared.depth.spans.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn the_byte_bound_holds_whatever_the_span_count() {
        let one = span_size_upper_bound(&sample_span("s", vec![]));
        let f = fixture(100, one * 3, 100);
        for _ in 0..10 {
            f.queue.admit(sample_span("s", vec![]));
        }
        let s = f.stats.snapshot();
        assert_eq!((s.spans_enqueued, s.spans_dropped_queue_full), (3, 7));
        assert!(f.queue.shared.depth.bytes.load(Ordering::Relaxed) <= one * 3);
    }

    #[test]
    fn a_span_over_the_request_budget_is_cut_down_not_dropped() {
        let f = fixture(10, usize::MAX, 100);
        f.queue.shared.span_budget.store(600, Ordering::Relaxed);
        let big = KeyValue::new("payload", "x".repeat(10_000));
        f.queue.admit(sample_span("s", vec![big]));
        let queued = f.spans.try_recv().map(|q| q.bytes);
        assert!(matches!(queued, Ok(b) if b <= 600), "{queued:?}");
        assert_eq!(f.stats.snapshot().spans_truncated, 1);
    }

    #[test]
    fn a_full_batch_wakes_the_worker_once() {
        let f = fixture(10, usize::MAX, 2);
        for _ in 0..4 {
            f.queue.admit(sample_span("s", vec![]));
        }
        let wakes = f
            .control
            .try_iter()
            .filter(|c| matches!(c, Control::ExportNow))
            .count();
        assert_eq!(wakes, 1);
    }

    #[test]
    fn after_shutdown_spans_are_counted_as_dropped() {
        let f = fixture(10, usize::MAX, 100);
        f.queue.shared.shut_down.store(true, Ordering::Relaxed);
        f.queue.admit(sample_span("s", vec![]));
        assert_eq!(f.stats.snapshot().spans_dropped_queue_full, 1);
        assert!(f.spans.try_recv().is_err());
    }
}
