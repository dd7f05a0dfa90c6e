//! Sending one request: bounded by the export timeout and the shutdown
//! deadline, classified on the collector's typed status, and, when the
//! collector answers "too large", split in halves (or a lone span cut down)
//! and sent again. Every span ends exported or counted as lost.

use std::time::{Duration, Instant};

use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::worker::Worker;
use crate::traces::classify::classify;
use crate::traces::scopes::distinct_scopes;
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
                    let (lost, reason) = take_partial_loss();
                    let lost = lost.min(n);
                    ExportStats::add(&stats.spans_exported, n - lost);
                    if lost > 0 {
                        stats.record_failure(reason, lost);
                        self.last_failure = Some(reason);
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
        let scopes: usize = distinct_scopes(spans)
            .into_iter()
            .map(scope_size_upper_bound)
            .sum();
        let spans: usize = spans.iter().map(span_size_upper_bound).sum();
        self.envelope_bytes + scopes + spans
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::sync_channel;
    use std::sync::{Arc, Mutex};

    use opentelemetry::KeyValue;
    use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};

    use super::super::config::BatchConfig;
    use super::super::queue::Shared;
    use super::*;
    use crate::deadline::ExportDeadline;
    use crate::testing::sample_span;

    /// A collector that accepts requests of at most `max_spans` spans, each
    /// attribute value at most `max_value` bytes, and answers larger ones
    /// with HTTP 413, as the OTLP/HTTP exporter reports it.
    struct LimitedCollector {
        max_spans: usize,
        max_value: usize,
        accepted: Arc<Mutex<Vec<usize>>>,
        answer: Option<&'static str>,
    }

    impl std::fmt::Debug for LimitedCollector {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("LimitedCollector")
        }
    }

    impl SpanExporter for LimitedCollector {
        async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
            if let Some(answer) = self.answer {
                return Err(OTelSdkError::InternalFailure(answer.into()));
            }
            let longest = batch
                .iter()
                .flat_map(|s| &s.attributes)
                .map(|kv| kv.value.as_str().len())
                .max()
                .unwrap_or(0);
            if batch.len() > self.max_spans || longest > self.max_value {
                return Err(OTelSdkError::InternalFailure(
                    "HTTP export failed with status code: 413".into(),
                ));
            }
            self.accepted
                .lock()
                .expect("collector lock")
                .push(batch.len());
            Ok(())
        }
    }

    /// A worker around `collector`, with counters of its own.
    fn worker(collector: LimitedCollector) -> (Worker<LimitedCollector>, &'static ExportStats) {
        let stats: &'static ExportStats = Box::leak(Box::new(ExportStats::new()));
        let (_tx, spans) = sync_channel(1);
        let worker = Worker {
            handle: crate::export_runtime::handle().expect("export runtime"),
            deadline: ExportDeadline::default(),
            exporter: collector,
            spans,
            shared: Arc::new(Shared::new(stats, usize::MAX)),
            config: BatchConfig::default(),
            envelope_bytes: 64,
            warned_drops: 0,
            warned_failed: 0,
            last_failure: None,
            speaks_tls: None,
            accepted_bytes: 0,
            last_warning: None,
        };
        (worker, stats)
    }

    /// Sends `batch` as one request, sized as the worker sizes it.
    fn send(
        worker: &mut Worker<LimitedCollector>,
        batch: Vec<SpanData>,
        deadline: Option<Instant>,
    ) {
        let bytes = worker.request_bytes(&batch);
        worker.send(batch, bytes, deadline);
    }

    fn spans(n: usize, value_len: usize) -> Vec<SpanData> {
        (0..n)
            .map(|_| sample_span("s", vec![KeyValue::new("v", "x".repeat(value_len))]))
            .collect()
    }

    #[test]
    fn a_request_too_large_is_split_until_every_span_is_accepted() {
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let (mut worker, stats) = worker(LimitedCollector {
            max_spans: 3,
            max_value: usize::MAX,
            accepted: accepted.clone(),
            answer: None,
        });
        send(&mut worker, spans(10, 8), None);
        let sizes = accepted.lock().expect("collector lock").clone();
        assert_eq!(sizes.iter().sum::<usize>(), 10, "{sizes:?}");
        assert!(sizes.iter().all(|&n| n <= 3), "{sizes:?}");
        let s = stats.snapshot();
        assert_eq!(s.spans_exported, 10);
        assert_eq!(s.spans_dropped_export_failed, 0);
        // 10 → 5 + 5 → (2 + 3) + (2 + 3): two levels of halving.
        assert_eq!(s.requests_split, 3);
    }

    #[test]
    fn a_lone_span_too_large_is_cut_down_then_accepted() {
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let (mut worker, stats) = worker(LimitedCollector {
            max_spans: 10,
            max_value: 3_000,
            accepted: accepted.clone(),
            answer: None,
        });
        send(&mut worker, spans(1, 10_000), None);
        assert_eq!(*accepted.lock().expect("collector lock"), [1]);
        let s = stats.snapshot();
        assert_eq!(s.spans_exported, 1);
        assert!(s.requests_split >= 1);
    }

    #[test]
    fn a_span_that_stays_too_large_is_counted_lost_as_too_large() {
        let (mut worker, stats) = worker(LimitedCollector {
            max_spans: 10,
            max_value: 0,
            accepted: Arc::default(),
            answer: None,
        });
        send(&mut worker, spans(2, 100), None);
        let s = stats.snapshot();
        assert_eq!(s.spans_exported, 0);
        assert_eq!(s.spans_dropped_export_failed, 2);
        // Split in two, each cut down three times, each finally refused.
        assert_eq!(s.failures(FailureReason::TooLarge), 2, "failed requests");
        assert_eq!(worker.last_failure, Some(FailureReason::TooLarge));
    }

    #[test]
    fn other_failures_count_every_span_lost_under_their_reason() {
        let (mut worker, stats) = worker(LimitedCollector {
            max_spans: 10,
            max_value: usize::MAX,
            accepted: Arc::default(),
            answer: Some("HTTP export failed with status code: 503"),
        });
        send(&mut worker, spans(4, 8), None);
        let s = stats.snapshot();
        assert_eq!(s.spans_dropped_export_failed, 4);
        assert_eq!(
            s.failures(FailureReason::Unavailable),
            1,
            "one failed request"
        );
        assert_eq!(s.requests_split, 0, "only 'too large' is split");
    }

    #[test]
    fn a_passed_deadline_counts_the_batch_as_timed_out_without_sending() {
        let accepted = Arc::new(Mutex::new(Vec::new()));
        let (mut worker, stats) = worker(LimitedCollector {
            max_spans: 10,
            max_value: usize::MAX,
            accepted: accepted.clone(),
            answer: None,
        });
        send(&mut worker, spans(2, 8), Some(Instant::now()));
        assert!(accepted.lock().expect("collector lock").is_empty());
        let s = stats.snapshot();
        assert_eq!(s.requests_sent, 0);
        assert_eq!(s.failures(FailureReason::Timeout), 1);
        assert_eq!(s.spans_dropped_export_failed, 2);
    }
}
