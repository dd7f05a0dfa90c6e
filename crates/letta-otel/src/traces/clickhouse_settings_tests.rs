//! ClickHouse reader settings: endpoint forms, defaults, required values.

use letta_telemetry::settings::EnvSource;

use super::ClickHouseSettings;

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
    assert_eq!(ch.endpoint.scheme(), "http");
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
    assert_eq!(ch.endpoint.scheme(), "https");
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
fn the_password_is_never_shown() {
    let ch = ClickHouseSettings::from_source(&EnvSource::from_vars([
        ("CLICKHOUSE_ENDPOINT", "http://code:8123"),
        ("CLICKHOUSE_PASSWORD", "super-secret"),
    ]))
    .expect("valid");
    assert_eq!(ch.endpoint.host_str(), Some("code"));
    assert_eq!(ch.password, "super-secret");
    let shown = format!("{ch:?} {ch}");
    assert!(!shown.contains("super-secret"), "{shown}");
}

const MARKER: &str = "hunter2-s3cr3t";

#[test]
fn clickhouse_endpoints_with_credentials_are_rejected_masked() {
    let from_env = ClickHouseSettings::from_vars([
        (
            "CLICKHOUSE_ENDPOINT",
            format!("https://default:{MARKER}@ch.example.com:8443"),
        ),
        ("CLICKHOUSE_PASSWORD", "p".to_owned()),
    ]);
    let user_only = ClickHouseSettings::from_vars([
        (
            "CLICKHOUSE_ENDPOINT",
            format!("http://{MARKER}@ch.example.com"),
        ),
        ("CLICKHOUSE_PASSWORD", "p".to_owned()),
    ]);
    let bare = ClickHouseSettings::from_vars([
        (
            "CLICKHOUSE_ENDPOINT",
            format!("admin:{MARKER}@ch.example.com"),
        ),
        ("CLICKHOUSE_PASSWORD", "p".to_owned()),
    ]);
    for result in [from_env, user_only, bare] {
        let e = match result {
            Ok(s) => panic!("credentials in the endpoint accepted: {s:?}"),
            Err(e) => e,
        };
        let text = e.to_string();
        let debug = format!("{e:?}");
        assert!(
            !text.contains(MARKER) && !debug.contains(MARKER),
            "{text}\n{debug}"
        );
        assert!(text.contains("CLICKHOUSE_USERNAME"), "{text}");
        assert!(text.contains("ch.example.com"), "{text}");
    }
}
