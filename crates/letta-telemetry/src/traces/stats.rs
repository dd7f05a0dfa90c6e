//! Self-telemetry of the span export path: process-wide atomic counters that
//! the metrics pipeline exports and the CLI prints.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

/// Why an export request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureReason {
    /// The collector could not be reached (connection refused, DNS, TLS, …).
    Unavailable,
    /// The export did not finish within its timeout or the shutdown deadline.
    Timeout,
    /// The collector answered that the request was too large, even after
    /// splitting it down to one truncated span.
    TooLarge,
    /// The collector rejected the request (any other error status).
    Rejected,
    /// A local file could not be written.
    Io,
    /// The collector refused the credentials (gRPC `Unauthenticated` or
    /// `PermissionDenied`, HTTP 401 or 403).
    Unauthenticated,
    /// The TLS handshake failed: the collector's certificate is not trusted
    /// (or not valid for the host), or the handshake was refused.
    Tls,
}

impl FailureReason {
    /// Every reason, in a stable order.
    pub const ALL: [FailureReason; 7] = [
        FailureReason::Unavailable,
        FailureReason::Timeout,
        FailureReason::TooLarge,
        FailureReason::Rejected,
        FailureReason::Io,
        FailureReason::Unauthenticated,
        FailureReason::Tls,
    ];

    /// A short, stable label (`unavailable`, `timeout`, `too_large`,
    /// `rejected`, `io`, `unauthenticated`, `tls`), usable as a metric
    /// attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::Unavailable => "unavailable",
            FailureReason::Timeout => "timeout",
            FailureReason::TooLarge => "too_large",
            FailureReason::Rejected => "rejected",
            FailureReason::Io => "io",
            FailureReason::Unauthenticated => "unauthenticated",
            FailureReason::Tls => "tls",
        }
    }

    /// What to check, in words an operator acts on (the warning line of a
    /// failed export and `letta-otel doctor` print it).
    pub fn hint(self) -> &'static str {
        match self {
            FailureReason::Unavailable => {
                "the collector could not be reached (check the endpoint with `letta-otel doctor`)"
            }
            FailureReason::Timeout => "the collector did not answer in time",
            FailureReason::TooLarge => "the collector refused the request as too large",
            FailureReason::Rejected => {
                "the collector refused the request (check the endpoint and protocol with `letta-otel doctor`)"
            }
            FailureReason::Io => "the telemetry file could not be written",
            FailureReason::Unauthenticated => "unauthenticated (check OTEL_EXPORTER_OTLP_HEADERS)",
            FailureReason::Tls => {
                "TLS handshake failed (check OTEL_EXPORTER_OTLP_CERTIFICATE; for a collector \
                 that requires client certificates, OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE)"
            }
        }
    }

    fn index(self) -> usize {
        match self {
            FailureReason::Unavailable => 0,
            FailureReason::Timeout => 1,
            FailureReason::TooLarge => 2,
            FailureReason::Rejected => 3,
            FailureReason::Io => 4,
            FailureReason::Unauthenticated => 5,
            FailureReason::Tls => 6,
        }
    }
}

impl std::fmt::Display for FailureReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counters of the span export path. Read them with [`ExportStats::snapshot`].
#[derive(Debug, Default)]
pub struct ExportStats {
    pub(crate) spans_enqueued: AtomicU64,
    pub(crate) spans_exported: AtomicU64,
    pub(crate) spans_dropped_queue_full: AtomicU64,
    pub(crate) spans_dropped_export_failed: AtomicU64,
    pub(crate) spans_truncated: AtomicU64,
    pub(crate) requests_sent: AtomicU64,
    pub(crate) requests_split: AtomicU64,
    pub(crate) largest_request_bytes: AtomicU64,
    pub(crate) failures: [AtomicU64; 7],
}

/// A point-in-time copy of [`ExportStats`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExportStatsSnapshot {
    /// Spans accepted into the export queue.
    pub spans_enqueued: u64,
    /// Spans the exporter accepted.
    pub spans_exported: u64,
    /// Spans dropped because the queue was full (by count or by bytes).
    pub spans_dropped_queue_full: u64,
    /// Spans lost because their export failed.
    pub spans_dropped_export_failed: u64,
    /// Spans cut down to fit the request size limit.
    pub spans_truncated: u64,
    /// Export requests sent (including retries).
    pub requests_sent: u64,
    /// Requests split in half after a "too large" answer.
    pub requests_split: u64,
    /// Largest estimated size of a request sent, in bytes.
    pub largest_request_bytes: u64,
    /// Spans waiting in the queue.
    pub queue_spans: u64,
    /// Estimated bytes waiting in the queue.
    pub queue_bytes: u64,
    /// Failed export requests by reason, in the order of [`FailureReason::ALL`].
    pub failures: [u64; 7],
}

impl ExportStatsSnapshot {
    /// All spans dropped, whatever the cause.
    pub fn spans_dropped(&self) -> u64 {
        self.spans_dropped_queue_full + self.spans_dropped_export_failed
    }

    /// Sampled spans that ended and reached the processor: each is exported,
    /// counted as lost, or still on its way
    /// ([`ExportStatsSnapshot::spans_pending`]).
    pub fn spans_ended(&self) -> u64 {
        self.spans_enqueued + self.spans_dropped_queue_full
    }

    /// Spans queued or in an export not finished yet: 0 after a shutdown
    /// that met its deadline, since a span still queued or in flight at the
    /// deadline is counted as lost (a timeout).
    pub fn spans_pending(&self) -> u64 {
        self.spans_enqueued
            .saturating_sub(self.spans_exported + self.spans_dropped_export_failed)
    }

    /// One line for an operator: spans ended, exported, lost and why.
    ///
    /// ```
    /// let line = letta_telemetry::traces::ExportStatsSnapshot::default().summary();
    /// assert_eq!(line, "spans: 0 ended, 0 exported, 0 lost (0 queue full or after shutdown, 0 in failed exports), 0 pending");
    /// ```
    pub fn summary(&self) -> String {
        let mut line = format!(
            "spans: {} ended, {} exported, {} lost ({} queue full or after shutdown, {} in failed exports)",
            self.spans_ended(),
            self.spans_exported,
            self.spans_dropped(),
            self.spans_dropped_queue_full,
            self.spans_dropped_export_failed,
        );
        let reasons: Vec<String> = FailureReason::ALL
            .iter()
            .filter(|r| self.failures(**r) > 0)
            .map(|r| format!("{r} {}", self.failures(*r)))
            .collect();
        if !reasons.is_empty() {
            line.push_str(&format!("; failed requests: {}", reasons.join(", ")));
        }
        line.push_str(&format!(", {} pending", self.spans_pending()));
        line
    }

    /// Failed export requests for one reason.
    pub fn failures(&self, reason: FailureReason) -> u64 {
        self.failures[reason.index()]
    }

    /// All failed export requests.
    pub fn total_failures(&self) -> u64 {
        self.failures.iter().sum()
    }
}

impl ExportStats {
    /// Counters at zero (the process's are [`stats`]; tests make their own).
    pub(crate) const fn new() -> Self {
        ExportStats {
            spans_enqueued: AtomicU64::new(0),
            spans_exported: AtomicU64::new(0),
            spans_dropped_queue_full: AtomicU64::new(0),
            spans_dropped_export_failed: AtomicU64::new(0),
            spans_truncated: AtomicU64::new(0),
            requests_sent: AtomicU64::new(0),
            requests_split: AtomicU64::new(0),
            largest_request_bytes: AtomicU64::new(0),
            failures: [const { AtomicU64::new(0) }; 7],
        }
    }

    /// Reads every counter.
    pub fn snapshot(&self) -> ExportStatsSnapshot {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let mut snapshot = ExportStatsSnapshot {
            spans_enqueued: get(&self.spans_enqueued),
            spans_exported: get(&self.spans_exported),
            spans_dropped_queue_full: get(&self.spans_dropped_queue_full),
            spans_dropped_export_failed: get(&self.spans_dropped_export_failed),
            spans_truncated: get(&self.spans_truncated),
            requests_sent: get(&self.requests_sent),
            requests_split: get(&self.requests_split),
            largest_request_bytes: get(&self.largest_request_bytes),
            queue_spans: 0,
            queue_bytes: 0,
            failures: self.failures.each_ref().map(get),
        };
        if let Some(depth) = LIVE_QUEUE.lock().ok().and_then(|w| w.upgrade()) {
            snapshot.queue_spans = depth.spans.load(Ordering::Relaxed) as u64;
            snapshot.queue_bytes = depth.bytes.load(Ordering::Relaxed) as u64;
        }
        snapshot
    }

    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn record_failure(&self, reason: FailureReason, spans: u64) {
        Self::add(&self.failures[reason.index()], 1);
        Self::add(&self.spans_dropped_export_failed, spans);
    }

    pub(crate) fn record_request(&self, bytes: u64) {
        Self::add(&self.requests_sent, 1);
        self.largest_request_bytes
            .fetch_max(bytes, Ordering::Relaxed);
    }
}

static STATS: ExportStats = ExportStats::new();

thread_local! {
    /// Spans of the current export call that its exporter could not write
    /// while it wrote the rest, and why (see [`note_partial_loss`]).
    static PARTIAL_LOSS: std::cell::Cell<(u64, FailureReason)> =
        const { std::cell::Cell::new((0, FailureReason::Io)) };
}

/// Called by one of this crate's exporters when it wrote a batch only in
/// part (the local file exporter, for a span larger than the file's rotation
/// size, or a disk that filled half-way; the gRPC exporter, for spans the
/// collector answered it rejected): the export worker, on whose thread the
/// exporter runs, counts these spans as lost, under `reason`, instead of
/// exported.
pub(crate) fn note_partial_loss(spans: u64, reason: FailureReason) {
    PARTIAL_LOSS.with(|c| c.set((c.get().0 + spans, reason)));
}

/// Takes the count [`note_partial_loss`] left for the current export call,
/// and the reason last noted.
pub(crate) fn take_partial_loss() -> (u64, FailureReason) {
    PARTIAL_LOSS.with(|c| c.replace((0, FailureReason::Io)))
}

/// The live depth of a span queue (the counters its bounds are checked on).
#[derive(Debug, Default)]
pub(crate) struct QueueDepth {
    pub(crate) spans: AtomicUsize,
    pub(crate) bytes: AtomicUsize,
}

/// The queue reported by [`ExportStats::snapshot`]: the latest processor's.
static LIVE_QUEUE: Mutex<Weak<QueueDepth>> = Mutex::new(Weak::new());

/// Makes `depth` the queue that snapshots report.
pub(crate) fn register_queue(depth: &Arc<QueueDepth>) {
    if let Ok(mut live) = LIVE_QUEUE.lock() {
        *live = Arc::downgrade(depth);
    }
}

/// The process-wide counters of the span export path.
pub fn stats() -> &'static ExportStats {
    &STATS
}
