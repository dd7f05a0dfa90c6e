//! The OTLP log exporter uses `Settings::endpoint(Signal::Logs)` over
//! `Settings::protocol(Signal::Logs)`, as `render()` says: a per-signal logs
//! protocol that differs from the generic one reaches a real rotel collector.

use std::time::{Duration, Instant};

use letta_telemetry::settings::Signal;
use letta_telemetry::{Settings, init};
use test_peers::Rotel;
use test_peers::rotel::Verbosity;

fn start_rotel() -> Rotel {
    match Rotel::start_with(Verbosity::Detailed, &["--debug-log", "logs"]) {
        Ok(r) => r,
        Err(e) => panic!("rotel did not start: {e}"),
    }
}

fn wait_for(rotel: &Rotel, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let out = rotel.output();
        if out.contains(needle) || Instant::now() > deadline {
            return out;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Settings with only a logs endpoint (traces and metrics go to files in a
/// temporary `LETTA_DIR`), then one log event exported through `init`.
fn export_one_log(rotel: &Rotel, vars: &[(&str, &str)], rendered: &str) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => panic!("tempdir: {e}"),
    };
    let dir_path = dir.path().display().to_string();
    let mut all = vars.to_vec();
    all.push(("LETTA_DIR", dir_path.as_str()));
    let settings = match Settings::from_vars(all) {
        Ok(s) => s,
        Err(e) => panic!("settings: {e}"),
    };
    let text = settings.render();
    assert!(text.contains(rendered), "{text}");

    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => panic!("runtime: {e}"),
    };
    let _entered = rt.enter();
    let guard = match init(settings) {
        Ok(g) => g,
        Err(e) => panic!("init: {e}"),
    };
    let marker = "logs-protocol-marker-4711";
    tracing::info!(target: "my_app", "{marker}");
    guard.flush();
    let out = wait_for(rotel, marker);
    assert!(
        out.contains(marker),
        "the log record did not arrive:\n{out}"
    );
    guard.shutdown();
}

#[test]
fn the_logs_protocol_variable_is_honoured_over_http() {
    test_peers::own_process!();
    let rotel = start_rotel();
    let logs_endpoint = format!("{}/v1/logs", rotel.http_endpoint());
    // The generic protocol is gRPC; only logs go over HTTP. Before the fix
    // the log exporter spoke gRPC to this HTTP endpoint and nothing arrived.
    let settings = Settings::from_vars([
        ("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", logs_endpoint.as_str()),
    ]);
    assert_eq!(
        settings.ok().and_then(|s| s.endpoint(Signal::Logs)),
        Some(logs_endpoint.clone())
    );
    export_one_log(
        &rotel,
        &[
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", logs_endpoint.as_str()),
        ],
        &format!("logs -> {logs_endpoint} (http/protobuf)"),
    );
}

#[test]
fn the_logs_protocol_variable_is_honoured_over_grpc() {
    test_peers::own_process!();
    let rotel = start_rotel();
    let endpoint = rotel.grpc_endpoint();
    // The generic protocol is HTTP; only logs go over gRPC.
    export_one_log(
        &rotel,
        &[
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", endpoint.as_str()),
        ],
        &format!("logs -> {endpoint} (grpc)"),
    );
}
