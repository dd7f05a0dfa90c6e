//! `letta-otel doctor` reports a down collector, a bad port value and a
//! misspelt variable, each with its fix, and exits non-zero.

use std::process::{Command, Output};

/// A loopback port with nothing listening (bound, then released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

fn doctor(vars: &[(&str, String)]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_letta-otel"));
    command.args(["doctor", "--timeout", "2"]);
    for name in [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT",
        "LETTA_TELEMETRY_ENABLE_DATADOG",
    ] {
        command.env_remove(name);
    }
    command.env("LETTA_DIR", dir.path());
    for (name, value) in vars {
        command.env(name, value);
    }
    command.output().expect("run doctor")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_clean_file_setup_has_no_problem() {
    let output = doctor(&[]);
    let text = stdout(&output);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("No problems found."), "{text}");
    assert!(text.contains("letta_dir"), "{text}");
}

#[test]
fn reports_a_collector_that_is_down() {
    let port = free_port();
    let output = doctor(&[(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        format!("http://127.0.0.1:{port}"),
    )]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains(&format!("nothing is listening at 127.0.0.1:{port}")),
        "{text}"
    );
    assert!(text.contains("fix: start the collector"), "{text}");
    // The effective configuration names where the endpoint came from.
    assert!(
        text.contains("environment: OTEL_EXPORTER_OTLP_ENDPOINT"),
        "{text}"
    );
}

#[test]
fn reports_a_bad_port_value() {
    let output = doctor(&[("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "99999".to_owned())]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("LETTA_TELEMETRY_DATADOG_AGENT_PORT"),
        "{text}"
    );
    assert!(text.contains("99999"), "{text}");
    assert!(text.contains("65535"), "{text}");
}

#[test]
fn reports_a_bad_port_in_the_endpoint_and_a_protocol_port_mismatch() {
    let output = doctor(&[(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://127.0.0.1:70000".to_owned(),
    )]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("70000"), "{text}");

    let output = doctor(&[
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://127.0.0.1:4317".to_owned(),
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned()),
    ]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("port 4317 (OTLP gRPC)"), "{text}");
    assert!(text.contains("use port 4318"), "{text}");
}

#[test]
fn reports_a_misspelt_variable_with_the_closest_name() {
    let output = doctor(&[("LETTA_TELEMETRY_ENABLE_DATADOGG", "true".to_owned())]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("LETTA_TELEMETRY_ENABLE_DATADOGG"), "{text}");
    assert!(
        text.contains("did you mean LETTA_TELEMETRY_ENABLE_DATADOG"),
        "{text}"
    );
}

#[test]
fn reports_disabled_tracing() {
    let output = doctor(&[("LETTA_TELEMETRY_DISABLE_TRACING", "true".to_owned())]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("tracing is disabled"), "{text}");
}

#[test]
fn reports_an_excluded_route() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .args(["doctor", "--route", "GET /v1/health"])
        .env("LETTA_DIR", dir.path())
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .output()
        .expect("run doctor");
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("excluded by the pattern"), "{text}");
}

#[test]
fn reports_a_route_excluded_by_the_environment_list_with_the_list_to_set() {
    let output = doctor(&[
        (
            "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX",
            "^GET /v1/health$,^POST /v1/agents/[^/]+/messages$".to_owned(),
        ),
        (
            "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX",
            "^POST /v1/agents/[^/]+/messages$".to_owned(),
        ),
    ]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("1 problem found."), "{text}");
    assert!(
        text.contains(
            "[problem] requests `POST /v1/agents/agent-1/messages` are not traced: excluded by \
             the pattern \"^POST /v1/agents/[^/]+/messages$\" (environment: \
             LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX)"
        ),
        "{text}"
    );
    assert!(
        text.contains("fix: set LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX=\"^GET /v1/health$\""),
        "{text}"
    );
    assert!(
        text.contains("[ok]      `POST /v1/agents/agent-1/messages/stream` is traced"),
        "{text}"
    );
    // The stream route is outside the endpoint-metrics list.
    assert!(
        text.contains(
            "[note]    `POST /v1/agents/agent-1/messages/stream` gets no endpoint metrics"
        ),
        "{text}"
    );
    assert!(
        !text.contains("`POST /v1/agents/agent-1/messages` gets no endpoint metrics"),
        "{text}"
    );
}

#[test]
fn reports_an_invalid_route_regex_naming_the_variable() {
    let output = doctor(&[(
        "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX",
        "^POST /v1/agents$,^GET /v1/(agents".to_owned(),
    )]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains(
            "[problem] LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX=\"^POST /v1/agents$,^GET /v1/(agents\""
        ),
        "{text}"
    );
    assert!(
        text.contains("\"^GET /v1/(agents\" is not a valid regex (unclosed group)"),
        "{text}"
    );
}

#[test]
fn each_warning_kind_gets_its_own_fix() {
    let output = doctor(&[
        ("LETTA_TELEMETRY_ENABLE_DATADOGG", "true".to_owned()),
        ("OTEL_METRICS_EXEMPLAR_FILTER", "always_on".to_owned()),
        ("LETTA_TELEMETRY_MAX_QUEUE_SIZE", "100".to_owned()),
        ("LETTA_TELEMETRY_DISABLE_TRACING", "false".to_owned()),
        ("LETTA_DISABLE_TRACING", "true".to_owned()),
        // Same meaning, different text: no warning.
        ("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY", "1".to_owned()),
        ("LETTA_OTEL_PREFERRED_TEMPORALITY", "delta".to_owned()),
    ]);
    let text = stdout(&output);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains(
            "fix: rename LETTA_TELEMETRY_ENABLE_DATADOGG to LETTA_TELEMETRY_ENABLE_DATADOG"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "fix: remove OTEL_METRICS_EXEMPLAR_FILTER: the Rust SDK records no exemplars"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "fix: remove LETTA_TELEMETRY_MAX_QUEUE_SIZE: the span queue holds at most OTEL_BSP_MAX_QUEUE_SIZE"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "fix: remove LETTA_DISABLE_TRACING, or set it to the same value as \
             LETTA_TELEMETRY_DISABLE_TRACING"
        ),
        "{text}"
    );
    // The unknown-variable fix is given to the unknown variable only.
    assert_eq!(
        text.matches("an unknown variable is ignored").count(),
        1,
        "{text}"
    );
    assert!(
        !text.contains("did you mean OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
        "{text}"
    );
    assert!(
        !text.contains("LETTA_OTEL_PREFERRED_TEMPORALITY is ignored"),
        "{text}"
    );
}

#[test]
fn credentials_of_an_invalid_endpoint_are_not_printed() {
    let output = doctor(&[(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "ftp://u:hunter2-doctor@host:4317".to_owned(),
    )]);
    let text = stdout(&output);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{text}");
    assert!(
        text.contains("OTEL_EXPORTER_OTLP_ENDPOINT=\"ftp://u:***@host:4317\""),
        "{text}"
    );
    assert!(!text.contains("hunter2-doctor"), "{text}");
    assert!(!err.contains("hunter2-doctor"), "{err}");
}
