//! Every invalid value is reported together, one per line.

use letta_telemetry::settings::{SettingProblem, Settings};

#[test]
fn several_invalid_values_are_reported_together() {
    let e = Settings::from_vars([
        ("LETTA_TELEMETRY_ENABLE_DATADOG", "perhaps"),
        ("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "70000"),
        ("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY", "sideways"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "udp"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
        ("OTEL_TRACES_SAMPLER", "sometimes"),
        // Valid ones in between are not reported.
        ("LETTA_TELEMETRY_DATADOG_AGENT_HOST", "agent"),
        ("OTEL_SERVICE_NAME", "svc"),
    ])
    .expect_err("invalid settings");
    let found: Vec<(&str, &str)> = e
        .problems
        .iter()
        .map(|p| (p.variable.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("LETTA_TELEMETRY_ENABLE_DATADOG", "perhaps"),
            ("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "70000"),
            ("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY", "sideways"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "udp"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
            ("OTEL_TRACES_SAMPLER", "sometimes"),
        ]
    );
    let text = e.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert_eq!(lines[0], "invalid telemetry settings (6 problems):");
    assert_eq!(
        lines[2],
        "  LETTA_TELEMETRY_DATADOG_AGENT_PORT=\"70000\": expected an integer port in 1..=65535"
    );
    for (line, p) in lines[1..].iter().zip(&e.problems) {
        assert!(
            line.contains(&p.variable) && line.contains(&p.expected),
            "{line}"
        );
    }
}

#[test]
fn an_invalid_protocol_does_not_hide_an_invalid_endpoint() {
    let e = Settings::from_vars([
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "udp"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://c"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "nonsense"),
    ])
    .expect_err("invalid settings");
    assert_eq!(e.problems.len(), 3, "{e}");
}

#[test]
fn problem_lookup_and_display() {
    let e = Settings::from_vars([("LETTA_DEBUG", "loud")]).expect_err("invalid");
    let p = e.problem("letta_debug").expect("found case-insensitively");
    assert_eq!(
        p,
        &SettingProblem::new(
            "LETTA_DEBUG",
            "loud",
            "a boolean: true/false, 1/0, yes/no or on/off"
        )
    );
    assert_eq!(
        e.to_string(),
        "invalid telemetry settings (1 problem):\n  \
         LETTA_DEBUG=\"loud\": expected a boolean: true/false, 1/0, yes/no or on/off"
    );
}
