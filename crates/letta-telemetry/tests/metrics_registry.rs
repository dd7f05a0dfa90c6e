//! The metric registry through the in-memory recorder: names, kinds, units,
//! temporality, attributes (including the context allow-list), values and
//! bucket boundaries.

use letta_telemetry::context;
use letta_telemetry::metrics::{self, PoolEvent};
use letta_telemetry::testing::{self, MetricPoint, PointValue};
use opentelemetry::Value;
use opentelemetry_sdk::metrics::Temporality;

fn s(v: &str) -> Value {
    Value::from(v.to_owned())
}

fn one<'a>(points: &'a [MetricPoint], name: &str) -> &'a MetricPoint {
    let found: Vec<_> = points.iter().filter(|p| p.name == name).collect();
    assert_eq!(found.len(), 1, "{name}: {points:#?}");
    found[0]
}

/// Every instrument of the reference registry, with its unit.
const REFERENCE: &[(&str, &str)] = &[
    ("count_user_message", "1"),
    ("in_flight_foreground", "1"),
    ("in_flight_background", "1"),
    ("request_admission_wait_ms", "ms"),
    ("request_timeout_total", "1"),
    ("count_tool_execution", "1"),
    ("hist_ttft_ms", "ms"),
    ("hist_llm_execution_time_ms", "ms"),
    ("hist_tool_execution_time_ms", "ms"),
    ("hist_step_execution_time_ms", "ms"),
    ("hist_message_cost_usd", "usd"),
    ("hist_message_output_tokens", "1"),
    ("hist_message_input_tokens", "1"),
    ("hist_endpoint_e2e_ms", "ms"),
    ("count_endpoint_requests", "1"),
    ("hist_file_process_bytes", "By"),
    ("sse_active_sessions", "1"),
    ("readiness_state", "1"),
    ("sse_disconnect_total", "1"),
    ("sse_duration_ms", "ms"),
    ("event_loop_lag_ms", "ms"),
    ("redis_timeout_total", "1"),
    ("provider_timeout_total", "1"),
    ("db_pool_checkout_timeout_total", "1"),
    ("db_checkout_latency_ms", "ms"),
    ("hist_db_pool_connection_duration_ms", "ms"),
    ("count_db_pool_connection_events", "1"),
    ("count_db_pool_connection_errors", "1"),
];

#[test]
fn every_reference_instrument_records_with_its_unit_and_temporality() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder();
    let r = metrics::registry();
    let pool = [
        opentelemetry::KeyValue::new("engine_name", "sqlite"),
        opentelemetry::KeyValue::new("pool_mode", "async"),
    ];
    r.add_user_messages(2);
    r.add_in_flight_foreground(1);
    r.add_in_flight_background(1);
    r.record_admission_wait(0.3);
    r.add_request_timeout("/v1/x");
    r.record_tool_execution("search", true, None, 12.0);
    r.record_ttft("gpt-4o", 420.0);
    r.record_llm_execution_time("gpt-4o", 2_500.0);
    r.record_step_execution_time(3_000.0);
    r.record_message_usage("gpt-4o", 1_200, 250, Some(0.0042));
    r.record_endpoint_request("/v1/agents/{agent_id}/messages", "POST", 200, 15.0);
    r.record_file_process_bytes(2048);
    r.sse_session_opened("stream");
    r.sse_session_closed("stream", 1_000.0, Some("client_disconnect"));
    r.set_readiness("ready", &["ready", "draining"]);
    r.record_event_loop_lag(0.5);
    r.add_redis_timeout("get");
    r.add_provider_timeout("openai");
    r.add_db_checkout_timeout(&pool);
    r.record_db_checkout_latency(&pool, 0.2);
    r.record_db_connection_duration(&pool, 5.0);
    r.add_db_pool_event(&pool, PoolEvent::Checkout);
    r.add_db_pool_error(&pool, "PoolTimedOut");

    let points = rec.collect();
    for (name, unit) in REFERENCE {
        let p = points
            .iter()
            .find(|p| p.name == *name)
            .unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(p.unit, *unit, "{name}");
        match (
            &p.value,
            name.starts_with("in_flight") || name.starts_with("sse_active"),
        ) {
            (PointValue::Sum(_), true) => {
                assert_eq!(p.temporality, Some(Temporality::Cumulative), "{name}")
            }
            (PointValue::Sum(_) | PointValue::Histogram { .. }, false) => {
                assert_eq!(p.temporality, Some(Temporality::Delta), "{name}")
            }
            (PointValue::Gauge(_), _) => assert_eq!(p.temporality, None, "{name}"),
            other => panic!("{name}: unexpected {other:?}"),
        }
    }
    // values and attributes
    let e2e = one(&points, "hist_endpoint_e2e_ms");
    assert_eq!(e2e.count(), 1);
    assert_eq!(e2e.number(), 15.0);
    assert_eq!(
        e2e.attribute("endpoint_path"),
        Some(&s("/v1/agents/{agent_id}/messages"))
    );
    assert_eq!(e2e.attribute("method"), Some(&s("POST")));
    assert_eq!(e2e.attribute("status_code"), Some(&Value::I64(200)));
    assert_eq!(one(&points, "count_user_message").number(), 2.0);
    assert_eq!(one(&points, "hist_message_input_tokens").number(), 1200.0);
    assert_eq!(one(&points, "hist_message_output_tokens").number(), 250.0);
    assert_eq!(one(&points, "hist_message_cost_usd").number(), 0.0042);
    let tool = one(&points, "count_tool_execution");
    assert_eq!(tool.attribute("tool_name"), Some(&s("search")));
    assert_eq!(tool.attribute("success"), Some(&Value::Bool(true)));
    assert_eq!(tool.attribute("step_id"), None, "step_id only on failure");
    let disc = one(&points, "sse_disconnect_total");
    assert_eq!(disc.attribute("reason"), Some(&s("client_disconnect")));
    assert_eq!(disc.attribute("route_class"), Some(&s("stream")));
    assert_eq!(one(&points, "sse_active_sessions").number(), 0.0);
    let readiness: Vec<_> = points
        .iter()
        .filter(|p| p.name == "readiness_state")
        .collect();
    assert_eq!(readiness.len(), 2);
    for p in readiness {
        let want = if p.attribute("reason") == Some(&s("ready")) {
            1.0
        } else {
            0.0
        };
        assert_eq!(p.number(), want);
    }
    let ev = one(&points, "count_db_pool_connection_events");
    assert_eq!(ev.attribute("event"), Some(&s("checkout")));
    assert_eq!(ev.attribute("engine_name"), Some(&s("sqlite")));
    assert_eq!(ev.attribute("pool_mode"), Some(&s("async")));
}

#[test]
fn failed_tool_execution_carries_the_step_id() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder();
    metrics::registry().record_tool_execution("search", false, Some("step-9"), 3.0);
    metrics::registry().record_tool_execution("search", true, Some("step-9"), 3.0);
    let points = rec.named("count_tool_execution");
    assert_eq!(points.len(), 2);
    let failed = points
        .iter()
        .find(|p| p.attribute("success") == Some(&Value::Bool(false)))
        .unwrap_or_else(|| panic!("{points:#?}"));
    assert_eq!(failed.attribute("step_id"), Some(&s("step-9")));
    let ok = points
        .iter()
        .find(|p| p.attribute("success") == Some(&Value::Bool(true)))
        .unwrap_or_else(|| panic!("{points:#?}"));
    assert_eq!(ok.attribute("step_id"), None);
}

#[test]
fn context_attributes_follow_the_allow_list() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder();
    {
        let _scope = context::current_with_ctx_attributes().attach();
        context::add_ctx_attribute("organization.id", "org-1");
        context::add_ctx_attribute("project.id", "proj-1");
        context::add_ctx_attribute("agent.id", "agent-7");
        metrics::registry().record_ttft("gpt-4o", 100.0);
    }
    metrics::registry().record_ttft("gpt-4o", 200.0);
    let points = rec.named("hist_ttft_ms");
    assert_eq!(points.len(), 2, "{points:#?}");
    let with = points
        .iter()
        .find(|p| p.attribute("organization.id").is_some())
        .unwrap_or_else(|| panic!("{points:#?}"));
    assert_eq!(with.attribute("organization.id"), Some(&s("org-1")));
    assert_eq!(with.attribute("project.id"), Some(&s("proj-1")));
    assert_eq!(with.attribute("model"), Some(&s("gpt-4o")));
    assert_eq!(with.attribute("agent.id"), None, "agent ids stay on spans");
    assert_eq!(with.number(), 100.0);
}

#[test]
fn histograms_have_agent_scale_buckets() {
    test_peers::own_process!();
    let rec = testing::install_metric_recorder();
    let r = metrics::registry();
    r.record_llm_execution_time("m", 7.0 * 60_000.0);
    r.record_message_usage("m", 2_000_000, 3, Some(0.000_02));
    let points = rec.collect();
    let bounds = |name: &str| match &one(&points, name).value {
        PointValue::Histogram {
            bounds,
            bucket_counts,
            ..
        } => (bounds.clone(), bucket_counts.clone()),
        v => panic!("{name}: {v:?}"),
    };
    let (b, counts) = bounds("hist_llm_execution_time_ms");
    assert!(b.last().copied().unwrap_or(0.0) >= 3_600_000.0);
    // 7 minutes lands in a finite bucket, not in the overflow bucket
    assert_eq!(counts.last(), Some(&0));
    let (b, counts) = bounds("hist_message_input_tokens");
    assert!(b.last().copied().unwrap_or(0.0) >= 1_000_000.0);
    assert_eq!(counts.last(), Some(&0));
    let (b, _) = bounds("hist_message_cost_usd");
    assert!(b[0] <= 0.000_01);
}
