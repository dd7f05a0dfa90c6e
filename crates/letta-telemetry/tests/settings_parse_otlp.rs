//! Each OTLP setting: endpoints and their per-signal paths, protocols,
//! headers, timeout, compression and certificates — parsed, or rejected with
//! the variable, the value and the expected form.

use std::time::Duration;

use letta_telemetry::settings::{Compression, Protocol};

mod settings_support;

use settings_support::{err, ok, rejected};

#[test]
fn otlp_endpoint_forms() {
    let s = ok(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317")]);
    assert_eq!(s.otlp.endpoint.as_deref(), Some("http://collector:4317"));
    assert!(s.traces_to_otlp());
    assert!(s.metrics_to_otlp());
    // host:port is accepted for gRPC and means TLS, as in the SDK, unless
    // OTEL_EXPORTER_OTLP_INSECURE (or the signal's own) is true.
    let s = ok(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317")]);
    assert_eq!(s.otlp.endpoint.as_deref(), Some("https://collector:4317"));
    let s = ok(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317"),
        ("OTEL_EXPORTER_OTLP_INSECURE", "true"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "tc:4317"),
        ("OTEL_EXPORTER_OTLP_TRACES_INSECURE", "false"),
    ]);
    assert_eq!(s.otlp.endpoint.as_deref(), Some("http://collector:4317"));
    assert_eq!(s.traces_endpoint().as_deref(), Some("https://tc:4317"));
    let s = ok(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otlp.example.com")]);
    assert_eq!(s.otlp.endpoint.as_deref(), Some("https://otlp.example.com"));
    let s = ok(&[("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")]);
    assert_eq!(s.otlp.endpoint.as_deref(), Some("http://127.0.0.1:4317"));

    for bad in [
        "ftp://collector:21",
        "collector",
        "http://",
        "://x",
        "not a url",
    ] {
        rejected(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            bad,
            "http:// or https:// URL",
        );
    }
    // Without a scheme, HTTP protocols are rejected: the URL has a path.
    let e = err(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"),
    ]);
    let p = e
        .problem("OTEL_EXPORTER_OTLP_ENDPOINT")
        .expect("endpoint problem");
    assert!(p.expected.contains("http/protobuf"), "{p}");
}

#[test]
fn per_signal_endpoints_and_paths() {
    // gRPC: the generic endpoint is used as-is for every signal.
    let s = ok(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317")]);
    assert_eq!(s.traces_endpoint().as_deref(), Some("http://c:4317"));
    assert_eq!(s.metrics_endpoint().as_deref(), Some("http://c:4317"));
    assert_eq!(s.logs_endpoint().as_deref(), Some("http://c:4317"));

    // HTTP: the signal path is appended to the generic endpoint only.
    let s = ok(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/"),
        (
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
            "http://logs:9999/custom",
        ),
    ]);
    assert_eq!(
        s.traces_endpoint().as_deref(),
        Some("http://c:4318/v1/traces")
    );
    assert_eq!(
        s.metrics_endpoint().as_deref(),
        Some("http://c:4318/v1/metrics")
    );
    assert_eq!(
        s.logs_endpoint().as_deref(),
        Some("http://logs:9999/custom")
    );

    let s = ok(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://c/otlp"),
    ]);
    assert_eq!(
        s.traces_endpoint().as_deref(),
        Some("https://c/otlp/v1/traces")
    );

    // A per-signal endpoint alone: only that signal goes to OTLP.
    let s = ok(&[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:4317")]);
    assert_eq!(s.traces_endpoint().as_deref(), Some("http://t:4317"));
    assert_eq!(s.metrics_endpoint(), None);
    assert!(s.traces_to_otlp());
    assert!(!s.metrics_to_otlp());

    for var in [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ] {
        rejected(var, "tcp://x:1", "http:// or https:// URL");
    }
}

#[test]
fn protocols() {
    for (raw, want) in [
        ("grpc", Protocol::Grpc),
        ("http/protobuf", Protocol::HttpProtobuf),
        ("http/json", Protocol::HttpJson),
        ("HTTP/JSON", Protocol::HttpJson),
    ] {
        assert_eq!(
            ok(&[("OTEL_EXPORTER_OTLP_PROTOCOL", raw)]).otlp.protocol,
            want
        );
    }
    rejected(
        "OTEL_EXPORTER_OTLP_PROTOCOL",
        "udp",
        "one of grpc, http/protobuf, http/json",
    );
    let s = ok(&[
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
        ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"),
    ]);
    use letta_telemetry::settings::Signal;
    assert_eq!(s.protocol(Signal::Traces), Protocol::Grpc);
    assert_eq!(s.protocol(Signal::Metrics), Protocol::HttpProtobuf);
    assert_eq!(s.protocol(Signal::Logs), Protocol::Grpc);
    assert_eq!(
        s.metrics_endpoint().as_deref(),
        Some("http://c:4317/v1/metrics")
    );
    for var in [
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
        "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
        "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
    ] {
        rejected(var, "thrift", "one of grpc");
    }
}

#[test]
fn headers_are_percent_decoded() {
    let s = ok(&[(
        "OTEL_EXPORTER_OTLP_HEADERS",
        "api-key=abc%20def, x-tenant = t1 ,,authorization=Bearer%20x%3Dy",
    )]);
    assert_eq!(
        s.otlp.headers,
        vec![
            ("api-key".to_string(), "abc def".to_string()),
            ("x-tenant".to_string(), "t1".to_string()),
            ("authorization".to_string(), "Bearer x=y".to_string()),
        ]
    );
    // The value shown in the problem is masked: headers are secrets.
    let e = err(&[("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cret,broken")]);
    let p = &e.problems[0];
    assert_eq!(p.variable, "OTEL_EXPORTER_OTLP_HEADERS");
    assert_eq!(p.value, "api-key=***,***");
    assert!(p.expected.contains("key=value"), "{p}");
    assert!(!e.to_string().contains("s3cret"));
    let e = err(&[("OTEL_EXPORTER_OTLP_HEADERS", "bad header=v")]);
    assert!(e.problems[0].expected.contains("valid HTTP header"), "{e}");
    let e = err(&[("OTEL_EXPORTER_OTLP_HEADERS", "=v")]);
    assert!(e.problems[0].expected.contains("non-empty keys"), "{e}");
}

#[test]
fn timeout_in_milliseconds() {
    let s = ok(&[("OTEL_EXPORTER_OTLP_TIMEOUT", "2500")]);
    assert_eq!(s.otlp.timeout, Duration::from_millis(2500));
    for bad in ["0", "-5", "10s", "1.5"] {
        rejected("OTEL_EXPORTER_OTLP_TIMEOUT", bad, "milliseconds");
    }
}

#[test]
fn compression() {
    assert_eq!(
        ok(&[("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")])
            .otlp
            .compression,
        Some(Compression::Gzip)
    );
    assert_eq!(
        ok(&[("OTEL_EXPORTER_OTLP_COMPRESSION", "none")])
            .otlp
            .compression,
        None
    );
    rejected("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd", "gzip or none");
}

#[test]
fn certificate_must_exist() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pem = dir.path().join("ca.pem");
    std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n").expect("write");
    let pem_str = pem.to_str().expect("utf-8 path");
    let s = ok(&[("OTEL_EXPORTER_OTLP_CERTIFICATE", pem_str)]);
    assert_eq!(s.otlp.certificate.as_deref(), Some(pem.as_path()));
    let missing = dir.path().join("missing.pem");
    rejected(
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        missing.to_str().expect("utf-8 path"),
        "existing PEM file",
    );
    // A directory is not a file.
    rejected(
        "OTEL_EXPORTER_OTLP_CERTIFICATE",
        dir.path().to_str().expect("utf-8 path"),
        "existing PEM file",
    );
}
