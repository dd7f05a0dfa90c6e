//! Self-telemetry: failed metric exports and the span export path's figures
//! are visible as metrics.

use std::time::Duration;

use letta_telemetry::metrics::{MetricsOptions, build_meter_provider};
use letta_telemetry::testing;
use opentelemetry::Value;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

struct Failing;

impl PushMetricExporter for Failing {
    async fn export(&self, _metrics: &ResourceMetrics) -> OTelSdkResult {
        Err(OTelSdkError::InternalFailure("collector said no".into()))
    }
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }
    fn temporality(&self) -> Temporality {
        Temporality::Delta
    }
}

#[test]
fn failed_exports_and_dropped_points_are_counted() {
    test_peers::own_process!();
    let rec =
        testing::install_metric_recorder_with(Temporality::Cumulative, &MetricsOptions::default());
    let failing = build_meter_provider(
        Failing,
        opentelemetry_sdk::Resource::builder_empty().build(),
        &MetricsOptions::default(),
    );
    let c = failing.meter("t").u64_counter("c").build();
    c.add(1, &[]);
    c.add(1, &[opentelemetry::KeyValue::new("k", "v")]);
    let _ = failing.force_flush();

    let points = rec.collect();
    let failures = points
        .iter()
        .find(|p| {
            p.name == "telemetry_export_failures_total"
                && p.attribute("reason") == Some(&Value::from("internal"))
        })
        .unwrap_or_else(|| panic!("{points:#?}"));
    assert_eq!(failures.number(), 1.0);
    let dropped = points
        .iter()
        .find(|p| p.name == "telemetry_metric_points_dropped_total")
        .unwrap_or_else(|| panic!("{points:#?}"));
    assert_eq!(dropped.number(), 2.0);
    for name in [
        "telemetry_spans_dropped_total",
        "telemetry_span_export_failures_total",
        "telemetry_export_queue_depth",
    ] {
        assert!(points.iter().any(|p| p.name == name), "{name} missing");
    }
}
