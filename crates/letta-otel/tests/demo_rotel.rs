//! `letta-otel demo --otlp-endpoint` against a real rotel collector, over
//! OTLP gRPC and OTLP HTTP: the demo exits 0 with no span dropped, rotel
//! received every span the demo says it exported, and the metrics of the
//! workload (endpoint, LLM, tool, pool) arrived too.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use test_peers::Rotel;
use test_peers::rotel::Verbosity;

/// Rotel printing every span and every metric it receives.
fn start_rotel() -> Rotel {
    match Rotel::start_with(Verbosity::Detailed, &["--debug-log", "metrics"]) {
        Ok(rotel) => rotel,
        Err(e) => panic!("rotel did not start: {e}"),
    }
}

/// Runs a short demo exporting to `endpoint` with `protocol`.
fn demo(endpoint: &str, protocol: &str) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_letta-otel"));
    command.args([
        "demo",
        "--requests",
        "40",
        "--concurrency",
        "4",
        "--llm-latency-ms",
        "5",
        "--quiet",
        "--otlp-endpoint",
        endpoint,
    ]);
    for name in [
        "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
        "OTEL_SDK_DISABLED",
        "LETTA_TELEMETRY_DISABLE_TRACING",
    ] {
        command.env_remove(name);
    }
    command
        .env("LETTA_DIR", dir.path())
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
        .output()
        .expect("run the demo")
}

/// The number after `label` in the demo's export line
/// (`spans exported N, spans dropped N, export failures N, requests N`).
fn figure(stdout: &str, label: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.contains("spans exported"))
        .unwrap_or_else(|| panic!("no export line in:\n{stdout}"));
    let rest = line
        .split_once(label)
        .unwrap_or_else(|| panic!("no {label:?} in {line:?}"))
        .1;
    rest.split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no number after {label:?} in {line:?}"))
}

/// Waits until rotel's output shows every needle; returns the output.
fn wait_for_output(rotel: &Rotel, needles: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let out = rotel.output();
        if needles.iter().all(|n| out.contains(n)) || Instant::now() > deadline {
            return out;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn check_demo_reaches_rotel(rotel: &Rotel, endpoint: &str, protocol: &str) {
    let output = demo(endpoint, protocol);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("Export to http://127.0.0.1:"), "{stdout}");
    let exported = figure(&stdout, "spans exported");
    assert!(exported >= 40, "{stdout}");
    assert_eq!(figure(&stdout, "spans dropped"), 0, "{stdout}");
    assert_eq!(figure(&stdout, "export failures"), 0, "{stdout}");

    // Every span the demo exported was received, and no other.
    let spans = rotel.wait_for_spans(exported as usize, Duration::from_secs(30));
    assert_eq!(spans.len() as u64, exported, "{stdout}");
    for name in [
        "POST /v1/agents",
        "POST /v1/agents/{agent_id}/messages",
        "POST /v1/agents/{agent_id}/messages/stream",
        "POST /v1/agents/{agent_id}/messages/async",
        "agent_step",
        "chat letta-offline-1",
        "execute_tool always_fails",
    ] {
        assert!(
            spans.iter().any(|s| s.name == name),
            "no span {name:?} received"
        );
    }
    let message = spans
        .iter()
        .find(|s| s.name == "POST /v1/agents/{agent_id}/messages")
        .expect("a message span");
    assert_eq!(
        message.str_attribute("http.route"),
        Some("/v1/agents/{agent_id}/messages"),
        "{}",
        message.text
    );

    // The workload's metrics were exported too (flushed at shutdown).
    let metrics = [
        "Name: hist_endpoint_e2e_ms",
        "Name: count_endpoint_requests",
        "Name: count_user_message",
        "Name: hist_ttft_ms",
        "Name: hist_llm_execution_time_ms",
        "Name: hist_message_input_tokens",
        "Name: count_tool_execution",
        "Name: count_db_pool_connection_events",
        "Name: db_checkout_latency_ms",
    ];
    let out = wait_for_output(rotel, &metrics);
    for needle in metrics {
        assert!(out.contains(needle), "{needle} not received");
    }
    assert!(out.contains("-> engine_name: Str(sqlite)"), "pool metrics");
    assert!(
        out.contains("-> tool_name: Str(always_fails)"),
        "tool metrics"
    );
}

#[test]
fn demo_exports_spans_and_metrics_to_rotel_over_grpc() {
    let rotel = start_rotel();
    check_demo_reaches_rotel(&rotel, &rotel.grpc_endpoint(), "grpc");
}

#[test]
fn demo_exports_spans_and_metrics_to_rotel_over_http() {
    let rotel = start_rotel();
    check_demo_reaches_rotel(&rotel, &rotel.http_endpoint(), "http/protobuf");
}
