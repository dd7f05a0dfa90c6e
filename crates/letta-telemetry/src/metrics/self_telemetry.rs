//! Self-telemetry: the export path reporting on itself.
//!
//! Metric export outcomes are counted by [`Counted`], a wrapper around the
//! metric exporter; the trace export path's figures (spans dropped, export
//! failures, queue depth, request sizes) are read from `crate::traces`.
//! Every figure is an observable instrument, so recording costs one relaxed
//! atomic add.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry::metrics::Meter;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData, ResourceMetrics};
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

static EXPORTS_OK: AtomicU64 = AtomicU64::new(0);
static FAIL_TIMEOUT: AtomicU64 = AtomicU64::new(0);
static FAIL_SHUTDOWN: AtomicU64 = AtomicU64::new(0);
static FAIL_INTERNAL: AtomicU64 = AtomicU64::new(0);
static POINTS_EXPORTED: AtomicU64 = AtomicU64::new(0);
static POINTS_DROPPED: AtomicU64 = AtomicU64::new(0);
static REQUEST_BYTES: AtomicU64 = AtomicU64::new(0);

/// Adds the size of one encoded export request.
pub(crate) fn record_request_bytes(bytes: usize) {
    REQUEST_BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
}

fn points(metrics: &ResourceMetrics) -> u64 {
    fn n<T>(d: &MetricData<T>) -> usize {
        match d {
            MetricData::Gauge(g) => g.data_points().count(),
            MetricData::Sum(s) => s.data_points().count(),
            MetricData::Histogram(h) => h.data_points().count(),
            MetricData::ExponentialHistogram(h) => h.data_points().count(),
        }
    }
    let mut total = 0usize;
    for sm in metrics.scope_metrics() {
        for m in sm.metrics() {
            total += match m.data() {
                AggregatedMetrics::F64(d) => n(d),
                AggregatedMetrics::U64(d) => n(d),
                AggregatedMetrics::I64(d) => n(d),
            };
        }
    }
    total as u64
}

/// Least time between two "metric export failed" warnings.
const WARNING_INTERVAL: Duration = Duration::from_secs(10);

/// When the last warning was written, as milliseconds since [`epoch`] plus
/// one (0: never).
static LAST_WARNING_MS: AtomicU64 = AtomicU64::new(0);

fn epoch() -> std::time::Instant {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(std::time::Instant::now)
}

/// One warning per [`WARNING_INTERVAL`] for failed metric exports (a full
/// disk under `metrics.json`, a collector that refuses them), with the
/// points lost in total.
fn warn_failed(error: &OTelSdkError, points: u64) {
    let now = epoch().elapsed().as_millis() as u64 + 1;
    let last = LAST_WARNING_MS.load(Ordering::Relaxed);
    if last != 0 && now.saturating_sub(last) < WARNING_INTERVAL.as_millis() as u64 {
        return;
    }
    if LAST_WARNING_MS
        .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
        .is_err()
    {
        return;
    }
    tracing::warn!(
        target: "letta_telemetry::metrics",
        lost = points,
        total_lost = POINTS_DROPPED.load(Ordering::Relaxed),
        error = %crate::redact::mask_urls_in_text(&error.to_string()),
        "telemetry metric export failed: metric points lost (check the metrics file's disk or the collector with `letta-otel doctor`)"
    );
}

/// A metric exporter that counts its outcomes for self-telemetry.
pub(crate) struct Counted<E>(pub(crate) E);

impl<E: PushMetricExporter> PushMetricExporter for Counted<E> {
    fn export(&self, metrics: &ResourceMetrics) -> impl Future<Output = OTelSdkResult> + Send {
        let n = points(metrics);
        let fut = self.0.export(metrics);
        async move {
            let r = fut.await;
            match &r {
                Ok(()) => {
                    EXPORTS_OK.fetch_add(1, Ordering::Relaxed);
                    POINTS_EXPORTED.fetch_add(n, Ordering::Relaxed);
                }
                Err(e) => {
                    let c = match e {
                        OTelSdkError::Timeout(_) => &FAIL_TIMEOUT,
                        OTelSdkError::AlreadyShutdown => &FAIL_SHUTDOWN,
                        _ => &FAIL_INTERNAL,
                    };
                    c.fetch_add(1, Ordering::Relaxed);
                    POINTS_DROPPED.fetch_add(n, Ordering::Relaxed);
                    warn_failed(e, n);
                }
            }
            r
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.0.temporality()
    }
}

/// Registers the self-telemetry instruments on `meter`.
pub(crate) fn register(meter: &Meter) {
    let signal = |s: &'static str| KeyValue::new("signal", s);
    let _ = meter
        .u64_observable_counter("telemetry_exports_total")
        .with_unit("1")
        .with_description("Successful export requests of the telemetry pipeline")
        .with_callback(move |o| o.observe(EXPORTS_OK.load(Ordering::Relaxed), &[signal("metrics")]))
        .build();
    let _ = meter
        .u64_observable_counter("telemetry_export_failures_total")
        .with_unit("1")
        .with_description("Failed export requests of the telemetry pipeline, by reason")
        .with_callback(move |o| {
            for (reason, c) in [
                ("timeout", &FAIL_TIMEOUT),
                ("shutdown", &FAIL_SHUTDOWN),
                ("internal", &FAIL_INTERNAL),
            ] {
                o.observe(
                    c.load(Ordering::Relaxed),
                    &[signal("metrics"), KeyValue::new("reason", reason)],
                );
            }
        })
        .build();
    let _ = meter
        .u64_observable_counter("telemetry_metric_points_exported_total")
        .with_unit("1")
        .with_description("Metric points exported")
        .with_callback(|o| o.observe(POINTS_EXPORTED.load(Ordering::Relaxed), &[]))
        .build();
    let _ = meter
        .u64_observable_counter("telemetry_metric_points_dropped_total")
        .with_unit("1")
        .with_description("Metric points lost in failed exports")
        .with_callback(|o| o.observe(POINTS_DROPPED.load(Ordering::Relaxed), &[]))
        .build();
    let _ = meter
        .u64_observable_counter("telemetry_export_request_bytes_total")
        .with_unit("By")
        .with_description("Bytes of encoded export requests written by the local file exporters")
        .with_callback(move |o| {
            o.observe(REQUEST_BYTES.load(Ordering::Relaxed), &[signal("metrics")])
        })
        .build();
    register_span_export(meter);
}

/// The span export path's figures, read from [`crate::traces::stats`].
fn register_span_export(meter: &Meter) {
    use crate::traces::{FailureReason, stats};
    let traces = || KeyValue::new("signal", "traces");
    let _ = meter
        .u64_observable_counter("telemetry_spans_dropped_total")
        .with_unit("1")
        .with_description("Spans dropped by the export path, by reason")
        .with_callback(move |o| {
            let s = stats().snapshot();
            o.observe(
                s.spans_dropped_queue_full,
                &[KeyValue::new("reason", "queue_full")],
            );
            o.observe(
                s.spans_dropped_export_failed,
                &[KeyValue::new("reason", "export_failed")],
            );
        })
        .build();
    let _ = meter
        .u64_observable_counter("telemetry_spans_exported_total")
        .with_unit("1")
        .with_description("Spans accepted by the exporter")
        .with_callback(|o| o.observe(stats().snapshot().spans_exported, &[]))
        .build();
    let _ = meter
        .u64_observable_counter("telemetry_span_export_failures_total")
        .with_unit("1")
        .with_description("Failed span export requests, by reason")
        .with_callback(move |o| {
            let s = stats().snapshot();
            for reason in FailureReason::ALL {
                o.observe(
                    s.failures(reason),
                    &[traces(), KeyValue::new("reason", reason.as_str())],
                );
            }
        })
        .build();
    let _ = meter
        .i64_observable_gauge("telemetry_export_queue_depth")
        .with_unit("1")
        .with_description("Spans waiting in the export queue")
        .with_callback(|o| {
            let q = stats().snapshot().queue_spans;
            o.observe(i64::try_from(q).unwrap_or(i64::MAX), &[]);
        })
        .build();
    let _ = meter
        .i64_observable_gauge("telemetry_export_queue_bytes")
        .with_unit("By")
        .with_description("Estimated bytes waiting in the export queue")
        .with_callback(|o| {
            let q = stats().snapshot().queue_bytes;
            o.observe(i64::try_from(q).unwrap_or(i64::MAX), &[]);
        })
        .build();
    let _ = meter
        .i64_observable_gauge("telemetry_export_largest_request_bytes")
        .with_unit("By")
        .with_description("Largest span export request sent")
        .with_callback(|o| {
            let b = stats().snapshot().largest_request_bytes;
            o.observe(i64::try_from(b).unwrap_or(i64::MAX), &[]);
        })
        .build();
    let _ = meter
        .u64_observable_counter("telemetry_export_requests_total")
        .with_unit("1")
        .with_description("Span export requests sent (including retries)")
        .with_callback(move |o| o.observe(stats().snapshot().requests_sent, &[traces()]))
        .build();
}
