//! Cardinality limit: attribute sets past the limit fold into one visible
//! overflow series (`otel.metric.overflow = true`), nothing is lost.

use letta_telemetry::metrics::{self, MetricsOptions};
use letta_telemetry::testing;
use opentelemetry::Value;
use opentelemetry_sdk::metrics::Temporality;

#[test]
fn overflow_series_is_visible_and_keeps_the_total() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder_with(
        Temporality::Delta,
        &MetricsOptions::default().with_cardinality_limit(5),
    );
    for i in 0..20 {
        metrics::registry().record_tool_execution(&format!("tool-{i}"), true, None, 1.0);
    }
    let points = rec.named("count_tool_execution");
    assert!(
        points.len() <= 6,
        "at most limit + overflow series: {}",
        points.len()
    );
    let overflow: Vec<_> = points
        .iter()
        .filter(|p| p.attribute("otel.metric.overflow") == Some(&Value::Bool(true)))
        .collect();
    assert_eq!(overflow.len(), 1, "{points:#?}");
    let total: f64 = points.iter().map(|p| p.number()).sum();
    assert_eq!(total, 20.0, "every measurement is counted");
    assert!(overflow[0].number() >= 15.0);
}

#[test]
fn default_limits_are_per_instrument() {
    test_peers::own_process!();
    assert_eq!(metrics::cardinality_limit("count_tool_execution"), 1000);
    assert_eq!(
        metrics::cardinality_limit("hist_endpoint_e2e_ms"),
        metrics::DEFAULT_CARDINALITY_LIMIT
    );
}
