//! Metrics received by a real rotel collector over OTLP gRPC and HTTP: names,
//! units, temporality, attributes and values after a known workload.

use std::time::{Duration, Instant};

use letta_telemetry::metrics;
use letta_telemetry::settings::{Protocol, Temporality};
use letta_telemetry::{Settings, init};
use test_peers::Rotel;
use test_peers::rotel::Verbosity;

fn start_rotel() -> Rotel {
    match Rotel::start_with(Verbosity::Detailed, &["--debug-log", "metrics"]) {
        Ok(r) => r,
        Err(e) => panic!("rotel did not start: {e}"),
    }
}

/// Waits until rotel's output contains every needle.
fn wait_for(rotel: &Rotel, needles: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = rotel.output();
        if needles.iter().all(|n| out.contains(n)) || Instant::now() > deadline {
            return out;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn workload() {
    let r = metrics::registry();
    r.record_endpoint_request("/v1/agents/{agent_id}/messages", "POST", 201, 15.0);
    r.record_endpoint_request("/v1/agents/{agent_id}/messages", "POST", 201, 25.0);
    r.record_message_usage("gpt-4o", 1200, 250, Some(0.0042));
    r.sse_session_opened("stream");
    r.record_tool_execution("web_search", false, Some("step-42"), 7.0);
}

/// One metric as rotel's detailed debug log prints it.
struct Received {
    name: String,
    unit: String,
    temporality: String,
    text: String,
}

fn field(block: &str, key: &str) -> String {
    block
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix(&format!("-> {key}: "))
                .map(str::to_owned)
        })
        .unwrap_or_default()
}

fn parse(out: &str) -> Vec<Received> {
    out.split("Metric #")
        .skip(1)
        .map(|block| Received {
            name: field(block, "Name"),
            unit: field(block, "Unit"),
            temporality: field(block, "AggregationTemporality"),
            text: block.to_owned(),
        })
        .collect()
}

fn metric<'a>(all: &'a [Received], name: &str, out: &str) -> &'a Received {
    all.iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("{name} not received; rotel output:\n{out}"))
}

fn check(out: &str, temporality: &str) {
    let all = parse(out);
    let want = format!("AGGREGATION_TEMPORALITY_{temporality}");
    let e2e = metric(&all, "hist_endpoint_e2e_ms", out);
    assert_eq!(e2e.unit, "ms");
    assert_eq!(e2e.temporality, want);
    for needle in [
        "-> endpoint_path: Str(/v1/agents/{agent_id}/messages)",
        "-> method: Str(POST)",
        "-> status_code: Int(201)",
        "Count: 2",
        "Sum: 40",
    ] {
        assert!(e2e.text.contains(needle), "{needle} in {}", e2e.text);
    }
    let count = metric(&all, "count_endpoint_requests", out);
    assert_eq!(
        (count.unit.as_str(), count.temporality.as_str()),
        ("1", want.as_str())
    );
    assert!(count.text.contains("Value: 2"), "{}", count.text);
    let input = metric(&all, "hist_message_input_tokens", out);
    assert_eq!(input.unit, "1");
    assert!(input.text.contains("Sum: 1200") && input.text.contains("-> model: Str(gpt-4o)"));
    let cost = metric(&all, "hist_message_cost_usd", out);
    assert_eq!(cost.unit, "usd");
    assert!(cost.text.contains("Sum: 0.0042"), "{}", cost.text);
    // up-down counters stay cumulative whatever the preference
    let sse = metric(&all, "sse_active_sessions", out);
    assert_eq!(sse.temporality, "AGGREGATION_TEMPORALITY_CUMULATIVE");
    assert!(sse.text.contains("Value: 1") && sse.text.contains("-> route_class: Str(stream)"));
    let tool = metric(&all, "count_tool_execution", out);
    for needle in [
        "-> step_id: Str(step-42)",
        "-> success: Bool(false)",
        "-> tool_name: Str(web_search)",
    ] {
        assert!(tool.text.contains(needle), "{needle} in {}", tool.text);
    }
}

/// `init` inside a multi-thread runtime, as a server calls it (the OTLP
/// exporters of other signals need one).
fn runtime() -> tokio::runtime::Runtime {
    match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    }
}

fn settings(endpoint: String, protocol: Protocol, temporality: Temporality) -> Settings {
    let mut s = Settings::default();
    s.otlp.endpoint = Some(endpoint);
    s.otlp.protocol = protocol;
    s.otel_preferred_temporality = temporality;
    s
}

#[test]
fn grpc_delta_metrics_reach_rotel() {
    test_peers::own_process!();
    let rotel = start_rotel();
    let rt = runtime();
    let _entered = rt.enter();
    let guard = match init(settings(
        rotel.grpc_endpoint(),
        Protocol::Grpc,
        Temporality::Delta,
    )) {
        Ok(g) => g,
        Err(e) => panic!("init: {e}"),
    };
    workload();
    guard.flush();
    let out = wait_for(&rotel, &["hist_endpoint_e2e_ms", "count_tool_execution"]);
    check(&out, "DELTA");
    guard.shutdown();
}

#[test]
fn http_cumulative_metrics_reach_rotel() {
    test_peers::own_process!();
    let rotel = start_rotel();
    let rt = runtime();
    let _entered = rt.enter();
    let guard = match init(settings(
        rotel.http_endpoint(),
        Protocol::HttpProtobuf,
        Temporality::Cumulative,
    )) {
        Ok(g) => g,
        Err(e) => panic!("init: {e}"),
    };
    workload();
    guard.flush();
    let out = wait_for(&rotel, &["hist_endpoint_e2e_ms", "count_tool_execution"]);
    check(&out, "CUMULATIVE");
    guard.shutdown();
}
