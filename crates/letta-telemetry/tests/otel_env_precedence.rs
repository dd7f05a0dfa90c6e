//! How the `OTEL_*` variables combine: a client certificate needs its key
//! (per signal or generic), per-signal values replace the generic ones for
//! their signal only, specific limits win over the general ones without a
//! warning, and concurrent exports above one are ignored with a reason. The
//! variables one by one are in `otel_env_contract.rs`.

use std::time::Duration;

use letta_telemetry::settings::{Compression, Settings, Signal, WarningKind};

const MS: fn(u64) -> Duration = Duration::from_millis;

#[test]
fn client_certificate_and_key_go_together_per_signal_or_generic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = dir.path().join("client.pem");
    let key = dir.path().join("client.key");
    std::fs::write(&cert, "c").expect("write");
    std::fs::write(&key, "k").expect("write");
    let (cert, key) = (cert.display().to_string(), key.display().to_string());

    // Both generic: every signal has the pair.
    let s = Settings::from_vars([
        ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", cert.as_str()),
        ("OTEL_EXPORTER_OTLP_CLIENT_KEY", key.as_str()),
    ])
    .expect("valid");
    for signal in [Signal::Traces, Signal::Metrics, Signal::Logs] {
        assert!(s.client_identity(signal).is_some(), "{signal}");
    }
    // A signal's own certificate with the generic key.
    let s = Settings::from_vars([
        ("OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE", cert.as_str()),
        ("OTEL_EXPORTER_OTLP_CLIENT_KEY", key.as_str()),
        ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", cert.as_str()),
    ])
    .expect("valid");
    assert!(s.client_identity(Signal::Logs).is_some());
    // Half a pair is refused, naming the variable that is set and the other.
    let err = Settings::from_vars([("OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", key.as_str())])
        .expect_err("a key without a certificate");
    let p = err
        .problem("OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY")
        .expect("names the key variable");
    assert!(
        p.expected
            .contains("OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE"),
        "{p}"
    );
}

#[test]
fn per_signal_values_replace_the_generic_ones_for_their_signal_only() {
    let s = Settings::from_vars([
        ("OTEL_EXPORTER_OTLP_HEADERS", "a=1,b=2"),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "c=3"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip"),
        ("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "none"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "4000"),
        ("OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "900"),
    ])
    .expect("valid");
    // Replaced, not merged, as in the SDK.
    assert_eq!(
        s.headers(Signal::Traces),
        [("c".to_string(), "3".to_string())]
    );
    assert_eq!(s.headers(Signal::Logs).len(), 2);
    assert_eq!(s.compression(Signal::Metrics), None);
    assert_eq!(s.compression(Signal::Traces), Some(Compression::Gzip));
    assert_eq!(s.timeout(Signal::Logs), MS(900));
    assert_eq!(s.timeout(Signal::Metrics), MS(4000));
    // The render shows each signal's own values, header values masked.
    let text = s.render();
    assert!(text.contains("otlp.traces.headers"), "{text}");
    assert!(text.contains("c=***"), "{text}");
    assert!(!text.contains("c=3"), "{text}");
}

#[test]
fn specific_limits_win_over_the_general_ones_without_a_warning() {
    let s = Settings::from_vars([
        ("OTEL_ATTRIBUTE_COUNT_LIMIT", "16"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "48"),
        ("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "100"),
        ("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "200"),
    ])
    .expect("valid");
    let l = s.sdk.span_limits;
    assert_eq!((l.attribute_count, l.event_attribute_count), (48, 16));
    assert_eq!(l.attribute_value_length, Some(200));
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
}

#[test]
fn concurrent_exports_above_one_are_ignored_with_a_reason() {
    let s = Settings::from_vars([("OTEL_BSP_MAX_CONCURRENT_EXPORTS", "4")]).expect("valid");
    assert_eq!(s.warnings().len(), 1);
    assert_eq!(s.warnings()[0].kind(), WarningKind::Ignored);
    assert!(
        Settings::from_vars([("OTEL_BSP_MAX_CONCURRENT_EXPORTS", "1")])
            .expect("valid")
            .warnings()
            .is_empty()
    );
    let err = Settings::from_vars([("OTEL_BSP_MAX_CONCURRENT_EXPORTS", "0")]).expect_err("0");
    assert!(err.problem("OTEL_BSP_MAX_CONCURRENT_EXPORTS").is_some());
}
