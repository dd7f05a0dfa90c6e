//! ClickHouse reader settings: endpoint forms, defaults, required values.

use letta_telemetry::settings::{ClickHouseSettings, EnvSource};

fn endpoint(raw: &str) -> String {
    ClickHouseSettings::parse_endpoint(raw)
        .unwrap_or_else(|e| panic!("{raw}: {e}"))
        .to_string()
}

#[test]
fn endpoint_forms_and_default_ports() {
    assert_eq!(endpoint("http://ch"), "http://ch:8123/");
    assert_eq!(endpoint("https://ch"), "https://ch:8443/");
    assert_eq!(endpoint("http://ch:9000"), "http://ch:9000/");
    assert_eq!(endpoint("https://ch:9440"), "https://ch:9440/");
    // A bare host means TLS.
    assert_eq!(endpoint("ch.example.com"), "https://ch.example.com:8443/");
    assert_eq!(
        endpoint("ch.example.com:9443"),
        "https://ch.example.com:9443/"
    );
    assert_eq!(endpoint("127.0.0.1:18123"), "https://127.0.0.1:18123/");
    for bad in [
        "tcp://ch:9000",
        "http://",
        "ch:notaport",
        "http://u:p@ch",
        "",
    ] {
        let e = ClickHouseSettings::parse_endpoint(bad).expect_err(bad);
        assert!(e.expected.contains("host[:port]"), "{e}");
    }
}

#[test]
fn defaults_and_values() {
    let ch = ClickHouseSettings::from_vars([
        ("CLICKHOUSE_ENDPOINT", "http://localhost:8123"),
        ("CLICKHOUSE_PASSWORD", "pw"),
    ])
    .expect("valid");
    assert_eq!(ch.endpoint.as_str(), "http://localhost:8123/");
    assert!(!ch.is_tls());
    assert_eq!(ch.database, "otel");
    assert_eq!(ch.username, "default");
    assert_eq!(ch.password, "pw");

    let ch = ClickHouseSettings::from_vars([
        ("CLICKHOUSE_ENDPOINT", "ch.cloud"),
        ("CLICKHOUSE_DATABASE", "traces"),
        ("CLICKHOUSE_USERNAME", "reader"),
        ("CLICKHOUSE_PASSWORD", "pw"),
    ])
    .expect("valid");
    assert!(ch.is_tls());
    assert_eq!(ch.database, "traces");
    assert_eq!(ch.username, "reader");
    assert_eq!(ch.to_string(), "reader@https://ch.cloud:8443/traces");
}

#[test]
fn missing_and_invalid_values_are_reported_together() {
    let e = ClickHouseSettings::from_vars(Vec::<(String, String)>::new()).expect_err("missing");
    let vars: Vec<&str> = e.problems.iter().map(|p| p.variable.as_str()).collect();
    assert_eq!(vars, ["CLICKHOUSE_ENDPOINT", "CLICKHOUSE_PASSWORD"]);
    assert!(e.to_string().contains("required"), "{e}");

    let e = ClickHouseSettings::from_vars([
        ("CLICKHOUSE_ENDPOINT", "tcp://ch:9000"),
        ("CLICKHOUSE_DATABASE", "otel; DROP TABLE x"),
        ("CLICKHOUSE_PASSWORD", "pw"),
    ])
    .expect_err("invalid");
    assert_eq!(e.problems.len(), 2, "{e}");
    assert_eq!(e.problems[0].variable, "CLICKHOUSE_ENDPOINT");
    assert_eq!(e.problems[0].value, "tcp://ch:9000");
    assert_eq!(e.problems[1].variable, "CLICKHOUSE_DATABASE");
}

#[test]
fn code_wins_and_password_is_never_shown() {
    let ch = ClickHouseSettings::builder()
        .with_endpoint("http://code:8123")
        .with_password("super-secret")
        .build_from(&EnvSource::from_vars([
            ("CLICKHOUSE_ENDPOINT", "http://env:8123"),
            ("CLICKHOUSE_PASSWORD", "env-secret"),
        ]))
        .expect("valid");
    assert_eq!(ch.endpoint.host_str(), Some("code"));
    assert_eq!(ch.password, "super-secret");
    let shown = format!("{ch:?} {ch}");
    assert!(!shown.contains("super-secret"), "{shown}");
}
