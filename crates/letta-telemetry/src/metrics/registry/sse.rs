//! Server-sent-event instruments: open streams, their lifetime, and streams
//! that ended uncleanly. Recorded by the streaming routes of the application.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, UpDownCounter};

use super::make::Make;
use crate::metrics::attributes as attr;
use crate::metrics::buckets;

/// The SSE instruments.
pub(super) struct Sse {
    /// `sse_active_sessions` (up-down counter, `1`): open SSE streams (`route_class`).
    active_sessions: UpDownCounter<i64>,
    /// `sse_disconnect_total` (counter, `1`): SSE streams ended uncleanly
    /// (`reason`, `route_class`).
    disconnect_total: Counter<u64>,
    /// `sse_duration_ms` (histogram, `ms`): SSE stream lifetime (`route_class`).
    duration_ms: Histogram<f64>,
}

impl Sse {
    pub(super) fn new(make: &Make<'_>) -> Self {
        Sse {
            active_sessions: make.updown("sse_active_sessions", "Open SSE streams"),
            disconnect_total: make
                .counter("sse_disconnect_total", "SSE streams that ended uncleanly"),
            duration_ms: make.hist(
                "sse_duration_ms",
                "ms",
                "SSE stream lifetime (ms)",
                buckets::LATENCY_MS,
            ),
        }
    }

    pub(super) fn opened(&self, route_class: &str) {
        let a = [KeyValue::new(attr::ROUTE_CLASS, attr::shared(route_class))];
        self.active_sessions.add(1, &a);
    }

    pub(super) fn closed(&self, route_class: &str, duration_ms: f64, unclean_reason: Option<&str>) {
        let mut a = vec![KeyValue::new(attr::ROUTE_CLASS, attr::shared(route_class))];
        self.active_sessions.add(-1, &a);
        self.duration_ms.record(duration_ms, &a);
        if let Some(reason) = unclean_reason {
            a.push(KeyValue::new(attr::REASON, reason.to_owned()));
            self.disconnect_total.add(1, &a);
        }
    }
}
