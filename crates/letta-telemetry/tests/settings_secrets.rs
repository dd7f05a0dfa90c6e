//! Secrets in invalid values never reach an error: user info and
//! secret-looking query parameters are masked on every path (environment and
//! code; the ClickHouse settings of the CLI have their own test).

use letta_telemetry::redact::mask_url;
use letta_telemetry::settings::{Settings, SettingsError};

const MARKER: &str = "hunter2-s3cr3t";

/// The error's Display and Debug hold no trace of the marker; returns Display.
fn assert_masked(error: &SettingsError) -> String {
    let display = error.to_string();
    let debug = format!("{error:?}");
    assert!(!display.contains(MARKER), "secret in Display:\n{display}");
    assert!(!debug.contains(MARKER), "secret in Debug:\n{debug}");
    for p in &error.problems {
        assert!(!p.value.contains(MARKER), "secret in {p:?}");
    }
    display
}

fn env_error(vars: &[(&str, &str)]) -> SettingsError {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(_) => panic!("{vars:?} should be invalid"),
        Err(e) => e,
    }
}

#[test]
fn invalid_otlp_endpoints_from_the_environment_are_masked() {
    let cases = [
        // Wrong scheme, password in the user info (the reported case).
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("ftp://u:{MARKER}@host:4317"),
        ),
        // A lone user name is often a token.
        (
            "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("ftp://{MARKER}@host:4317"),
        ),
        // Not a URL at all (a space in the host).
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            format!("http://u:{MARKER}@ho st:4317"),
        ),
        // gRPC host:port form with credentials.
        (
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            format!("u:{MARKER}@host:4317"),
        ),
        // A secret-looking query parameter, and a fragment (rejected).
        (
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
            format!("https://host:4317/?api_key={MARKER}#x"),
        ),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("https://host:4317/?x=1&token={MARKER}#f"),
        ),
    ];
    for (variable, value) in &cases {
        let e = env_error(&[(variable, value.as_str())]);
        let text = assert_masked(&e);
        let p = e
            .problem(variable)
            .unwrap_or_else(|| panic!("{variable}: {text}"));
        assert!(p.value.contains("***"), "{p:?}");
        assert!(p.expected.contains("http://"), "{p:?}");
    }
    // The host and the rest stay visible, so the value can still be fixed.
    let e = env_error(&[(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        &format!("ftp://u:{MARKER}@host:4317"),
    )]);
    let p = e.problem("OTEL_EXPORTER_OTLP_ENDPOINT");
    assert_eq!(p.map(|p| p.value.as_str()), Some("ftp://u:***@host:4317"));
}

#[test]
fn invalid_otlp_endpoints_from_code_are_masked() {
    let result = Settings::builder()
        .with_otlp_endpoint(format!("ftp://u:{MARKER}@host:4317"))
        .with_otlp_traces_endpoint(format!("https://{MARKER}@host:4317#frag"))
        .build_from_vars(Vec::<(String, String)>::new());
    let e = match result {
        Ok(_) => panic!("invalid endpoints accepted"),
        Err(e) => e,
    };
    assert_eq!(e.problems.len(), 2, "{e}");
    let text = assert_masked(&e);
    assert!(
        text.contains("Settings::builder().with_otlp_endpoint"),
        "{text}"
    );
    assert!(text.contains("https://***@host:4317#frag"), "{text}");
}

#[test]
fn other_echoed_values_are_masked_too() {
    // Resource attributes: the value of a secret-looking key.
    let e = env_error(&[(
        "OTEL_RESOURCE_ATTRIBUTES",
        &format!("team=agents,api.key={MARKER},broken"),
    )]);
    let text = assert_masked(&e);
    assert!(text.contains("team=agents,api.key=***,broken"), "{text}");
    // Headers: every value.
    let e = env_error(&[(
        "OTEL_EXPORTER_OTLP_HEADERS",
        &format!("authorization=Bearer%20{MARKER},oops"),
    )]);
    assert_masked(&e);
}

#[test]
fn render_masks_user_info_and_query_secrets() {
    let s = match Settings::from_vars([
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("https://{MARKER}@collector:4318/?token={MARKER}&tenant=a"),
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf".to_owned()),
    ]) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    let text = s.render();
    assert!(!text.contains(MARKER), "{text}");
    assert!(
        text.contains("https://***@collector:4318/?token=***&tenant=a"),
        "{text}"
    );
    let debug = format!("{s:?}");
    assert!(!debug.contains(MARKER), "{debug}");
}

#[test]
fn mask_url_forms() {
    for (raw, masked) in [
        ("http://c:4317", "http://c:4317"),
        ("https://u:p@c:4317/x", "https://u:***@c:4317/x"),
        ("https://tok@c", "https://***@c"),
        ("u:p@c:4317", "u:***@c:4317"),
        ("http://c/path@v2", "http://***@v2"),
        ("http://c/?sig=abc&a=1", "http://c/?sig=***&a=1"),
        (
            "http://c/?a=1#access_token=x",
            "http://c/?a=1#access_token=***",
        ),
        ("http://c/?password=%20x", "http://c/?password=***"),
    ] {
        assert_eq!(mask_url(raw), masked, "{raw}");
    }
}
