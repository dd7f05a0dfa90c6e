//! `letta-otel doctor` against a live rotel collector: the port answers, the
//! test span is accepted (and received by rotel), exit status 0; over both
//! OTLP gRPC and OTLP HTTP.

use std::process::{Command, Output};
use std::time::Duration;

use test_peers::Rotel;

fn start_rotel() -> Rotel {
    match Rotel::start() {
        Ok(rotel) => rotel,
        Err(e) => panic!("rotel did not start: {e}"),
    }
}

fn doctor(endpoint: &str, protocol: &str) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_letta-otel"));
    command.args(["doctor", "--timeout", "5"]);
    for name in [
        "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "LETTA_TELEMETRY_ENABLE_DATADOG",
        "LETTA_TELEMETRY_DISABLE_TRACING",
        "OTEL_SDK_DISABLED",
    ] {
        command.env_remove(name);
    }
    command
        .env("LETTA_DIR", dir.path())
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
        .output()
        .expect("run doctor")
}

fn check(rotel: &Rotel, endpoint: &str, protocol: &str) {
    let output = doctor(endpoint, protocol);
    let text = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}\nstderr:\n{stderr}");
    assert!(text.contains("No problems found."), "{text}");
    assert!(
        text.contains(&format!(
            "[ok]      the collector port 127.0.0.1:{} accepts connections",
            endpoint.rsplit(':').next().unwrap_or_default()
        )),
        "{text}"
    );
    assert!(
        text.contains("[ok]      a test span was accepted by the collector"),
        "{text}"
    );
    // The collector really received it.
    let spans = rotel.wait_for_spans(1, Duration::from_secs(20));
    let span = spans
        .iter()
        .find(|s| s.name == "letta-otel doctor test span")
        .unwrap_or_else(|| panic!("rotel did not receive the test span: {spans:?}"));
    assert!(span.shows("-> doctor.test: Bool(true)"), "{}", span.text);
}

#[test]
fn doctor_sends_a_test_span_to_a_live_collector_over_grpc() {
    let rotel = start_rotel();
    check(&rotel, &rotel.grpc_endpoint(), "grpc");
}

#[test]
fn doctor_sends_a_test_span_to_a_live_collector_over_http() {
    let rotel = start_rotel();
    check(&rotel, &rotel.http_endpoint(), "http/protobuf");
}

#[test]
fn doctor_reports_a_collector_that_stopped() {
    let mut rotel = start_rotel();
    let endpoint = rotel.grpc_endpoint();
    rotel.stop();
    let output = doctor(&endpoint, "grpc");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{text}");
    let target = endpoint.trim_start_matches("http://");
    assert!(
        text.contains(&format!("[problem] nothing is listening at {target}")),
        "{text}"
    );
    assert!(
        text.contains("fix: start the collector") && text.contains("OTEL_EXPORTER_OTLP_ENDPOINT"),
        "{text}"
    );
}
