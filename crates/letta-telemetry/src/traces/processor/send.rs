//! Sending one request: bounded by the export timeout and the shutdown
//! deadline, classified on the collector's typed status, and, when the
//! collector answers "too large", split in halves (or a lone span cut down)
//! and sent again. Every span ends exported or counted as lost.

use std::time::{Duration, Instant};

use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::worker::Worker;
use crate::traces::classify::classify;
use crate::traces::size::{scope_size_upper_bound, span_size_upper_bound, truncate_span};
use crate::traces::stats::{ExportStats, FailureReason, take_partial_loss};

impl<E: SpanExporter> Worker<E> {
    /// Sends one request, splitting it when the collector answers "too large".
    pub(super) fn send(&mut self, batch: Vec<SpanData>, bytes: usize, deadline: Option<Instant>) {
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
            let result = self.handle.block_on(
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

    pub(super) fn request_bytes(&self, spans: &[SpanData]) -> usize {
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
}
