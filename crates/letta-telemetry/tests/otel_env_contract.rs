//! The `OTEL_*` contract, table-driven over the OpenTelemetry
//! specification's list of SDK environment variables (general, batch
//! processors, limits, exporter selection, metrics, and the OTLP exporter's
//! own, generic and per signal).
//!
//! Each row has a valid value, with the effect it must have on the
//! settings, and (for variables with a form) an invalid value, which must be
//! refused by an error that names the variable. Variables the Rust SDK does
//! not implement must get a "not supported" warning, never "unknown", and
//! every implemented one no warning at all.

use std::path::Path;
use std::time::Duration;

use letta_telemetry::settings::{
    Compression, Destination, ExporterKind, Propagator, SamplerSetting, Settings, Signal,
    WarningKind,
};
use tracing::level_filters::LevelFilter;

/// A row: the variable, a valid value and its effect, an invalid value.
struct Row {
    variable: &'static str,
    valid: String,
    effect: Box<dyn Fn(&Settings) -> bool>,
    invalid: Option<&'static str>,
}

fn row(
    variable: &'static str,
    valid: impl Into<String>,
    effect: impl Fn(&Settings) -> bool + 'static,
    invalid: Option<&'static str>,
) -> Row {
    Row {
        variable,
        valid: valid.into(),
        effect: Box::new(effect),
        invalid,
    }
}

const MS: fn(u64) -> Duration = Duration::from_millis;

/// The per-signal OTLP rows of `signal` (`TRACES`, `METRICS`, `LOGS`).
fn per_signal(signal: Signal, pem: &Path, rows: &mut Vec<Row>) {
    let name = |suffix: &str| -> &'static str {
        let var = format!(
            "OTEL_EXPORTER_OTLP_{}_{suffix}",
            signal.as_str().to_ascii_uppercase()
        );
        Box::leak(var.into_boxed_str())
    };
    let pem_text = pem.display().to_string();
    let pem_path = pem.to_path_buf();
    rows.push(row(
        name("HEADERS"),
        "x-tenant=a%20b",
        move |s| s.headers(signal) == [("x-tenant".to_string(), "a b".to_string())],
        Some("novalue"),
    ));
    rows.push(row(
        name("TIMEOUT"),
        "1234",
        move |s| s.timeout(signal) == MS(1234) && s.otlp.timeout == MS(10_000),
        Some("soon"),
    ));
    rows.push(row(
        name("COMPRESSION"),
        "gzip",
        move |s| s.compression(signal) == Some(Compression::Gzip),
        Some("zip"),
    ));
    let p = pem_path.clone();
    rows.push(row(
        name("CERTIFICATE"),
        pem_text.clone(),
        move |s| s.certificate(signal) == Some(p.as_path()),
        Some("/no/such/ca.pem"),
    ));
    rows.push(row(
        name("INSECURE"),
        "true",
        move |s| s.insecure(signal) && !s.otlp.insecure,
        Some("perhaps"),
    ));
    // A client certificate alone is an error naming it (it needs the key).
    rows.push(row(
        name("CLIENT_CERTIFICATE"),
        "",
        |_| true,
        Some("/no/such/cert.pem"),
    ));
    rows.push(row(
        name("CLIENT_KEY"),
        "",
        |_| true,
        Some("/no/such/key.pem"),
    ));
}

fn rows(pem: &Path) -> Vec<Row> {
    let pem_text = pem.display().to_string();
    let pem_path = pem.to_path_buf();
    let mut rows = vec![
        // General SDK configuration.
        row(
            "OTEL_SDK_DISABLED",
            "true",
            |s| s.sdk_disabled,
            Some("perhaps"),
        ),
        row(
            "OTEL_RESOURCE_ATTRIBUTES",
            "team=agents,region=eu",
            |s| {
                s.resource_attributes
                    .iter()
                    .any(|(k, v)| k == "team" && v == "agents")
            },
            Some("=nokey"),
        ),
        row(
            "OTEL_SERVICE_NAME",
            "svc",
            |s| s.service_name == "svc",
            None,
        ),
        row(
            "OTEL_LOG_LEVEL",
            "warn",
            |s| s.sdk.log_level == Some(LevelFilter::WARN),
            Some("loud"),
        ),
        row(
            "OTEL_PROPAGATORS",
            "b3multi,tracecontext",
            |s| s.sdk.propagators == [Propagator::B3Multi, Propagator::TraceContext],
            Some("xray"),
        ),
        row(
            "OTEL_TRACES_SAMPLER",
            "always_off",
            |s| s.sampler == SamplerSetting::AlwaysOff,
            Some("sometimes"),
        ),
        // Batch span processor.
        row(
            "OTEL_BSP_SCHEDULE_DELAY",
            "250",
            |s| s.limits.schedule_delay == MS(250),
            Some("-1"),
        ),
        row(
            "OTEL_BSP_EXPORT_TIMEOUT",
            "3000",
            |s| s.sdk.span_export_timeout == MS(3000),
            Some("3s"),
        ),
        row(
            "OTEL_BSP_MAX_QUEUE_SIZE",
            "4096",
            |s| s.limits.max_queue_spans == 4096,
            Some("0"),
        ),
        row(
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
            "128",
            |s| s.limits.max_batch_spans == 128,
            Some("100000"),
        ),
        // Batch log record processor.
        row(
            "OTEL_BLRP_SCHEDULE_DELAY",
            "500",
            |s| s.sdk.log_batch.schedule_delay == MS(500),
            Some("later"),
        ),
        row(
            "OTEL_BLRP_EXPORT_TIMEOUT",
            "2000",
            |s| s.sdk.log_batch.export_timeout == MS(2000),
            Some("0"),
        ),
        row(
            "OTEL_BLRP_MAX_QUEUE_SIZE",
            "100",
            // The default batch (512) shrinks to the smaller queue, as in the SDK.
            |s| {
                s.sdk.log_batch.max_queue_size == 100
                    && s.sdk.log_batch.max_export_batch_size == 100
            },
            Some("none"),
        ),
        row(
            "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
            "64",
            |s| s.sdk.log_batch.max_export_batch_size == 64,
            Some("5000"),
        ),
        // Attribute and span limits.
        row(
            "OTEL_ATTRIBUTE_COUNT_LIMIT",
            "32",
            |s| {
                let l = s.sdk.span_limits;
                l.attribute_count == 32
                    && l.event_attribute_count == 32
                    && l.link_attribute_count == 32
            },
            Some("-5"),
        ),
        row(
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            "256",
            |s| s.sdk.span_limits.attribute_value_length == Some(256),
            Some("0"),
        ),
        row(
            "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT",
            "64",
            |s| {
                s.sdk.span_limits.attribute_count == 64
                    && s.sdk.span_limits.event_attribute_count == 128
            },
            Some("many"),
        ),
        row(
            "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            "1024",
            |s| s.sdk.span_limits.attribute_value_length == Some(1024),
            Some("long"),
        ),
        row(
            "OTEL_SPAN_EVENT_COUNT_LIMIT",
            "10",
            |s| s.sdk.span_limits.event_count == 10,
            Some("ten"),
        ),
        row(
            "OTEL_SPAN_LINK_COUNT_LIMIT",
            "0",
            |s| s.sdk.span_limits.link_count == 0,
            Some("1.5"),
        ),
        row(
            "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT",
            "5",
            |s| s.sdk.span_limits.event_attribute_count == 5,
            Some("x"),
        ),
        row(
            "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT",
            "6",
            |s| s.sdk.span_limits.link_attribute_count == 6,
            Some("x"),
        ),
        // Exporter selection.
        row(
            "OTEL_TRACES_EXPORTER",
            "console",
            |s| {
                s.sdk.traces_exporter == ExporterKind::Console
                    && s.destination(Signal::Traces) == Destination::Console
            },
            Some("zipkin"),
        ),
        row(
            "OTEL_METRICS_EXPORTER",
            "none",
            |s| s.destination(Signal::Metrics) == Destination::Off && s.tracing_enabled(),
            Some("prometheus"),
        ),
        row(
            "OTEL_LOGS_EXPORTER",
            "otlp",
            |s| s.destination(Signal::Logs) == Destination::LocalFiles,
            Some("file"),
        ),
        // Periodic metric reader.
        row(
            "OTEL_METRIC_EXPORT_INTERVAL",
            "5000",
            |s| s.metric_export_interval == MS(5000),
            Some("often"),
        ),
        row(
            "OTEL_METRIC_EXPORT_TIMEOUT",
            "7000",
            |s| s.sdk.metric_export_timeout == MS(7000),
            Some("0"),
        ),
        // The OTLP exporter, generic.
        row(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://c:4317",
            |s| s.traces_endpoint().as_deref() == Some("http://c:4317"),
            Some("ftp://c:21"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://t:4317",
            |s| s.traces_endpoint().as_deref() == Some("http://t:4317"),
            Some("t"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            "http://m:4317",
            |s| s.metrics_endpoint().as_deref() == Some("http://m:4317"),
            Some("m"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
            "http://l:4317",
            |s| s.logs_endpoint().as_deref() == Some("http://l:4317"),
            Some("l"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_PROTOCOL",
            "http/json",
            |s| s.protocol(Signal::Metrics).to_string() == "http/json",
            Some("udp"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "http/protobuf",
            |s| s.protocol(Signal::Traces).to_string() == "http/protobuf",
            Some("tcp"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL",
            "http/protobuf",
            |s| s.protocol(Signal::Metrics).to_string() == "http/protobuf",
            Some("tcp"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL",
            "http/protobuf",
            |s| s.protocol(Signal::Logs).to_string() == "http/protobuf",
            Some("tcp"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_HEADERS",
            "api-key=k",
            |s| s.headers(Signal::Logs) == [("api-key".to_string(), "k".to_string())],
            Some("=v"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            "2500",
            |s| s.timeout(Signal::Traces) == MS(2500),
            Some("fast"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_COMPRESSION",
            "gzip",
            |s| s.compression(Signal::Metrics) == Some(Compression::Gzip),
            Some("lz4"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_CERTIFICATE",
            pem_text.clone(),
            move |s| s.certificate(Signal::Traces) == Some(pem_path.as_path()),
            Some("/no/such/ca.pem"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_INSECURE",
            "true",
            |s| s.otlp.insecure,
            Some("perhaps"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE",
            "",
            |_| true,
            Some("/no/such/cert.pem"),
        ),
        row(
            "OTEL_EXPORTER_OTLP_CLIENT_KEY",
            "",
            |_| true,
            Some("/no/such/key.pem"),
        ),
    ];
    for signal in [Signal::Traces, Signal::Metrics, Signal::Logs] {
        per_signal(signal, pem, &mut rows);
    }
    rows
}

/// Variables of the specification the Rust SDK does not implement.
const NOT_IMPLEMENTED: [&str; 3] = [
    "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT",
    "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
    "OTEL_METRICS_EXEMPLAR_FILTER",
];

#[test]
fn every_sdk_variable_has_its_effect_or_names_itself_in_the_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pem = dir.path().join("ca.pem");
    std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n").expect("write");
    let table = rows(&pem);
    assert!(table.len() >= 60, "{} rows", table.len());
    for r in &table {
        if !r.valid.is_empty() {
            let s = Settings::from_vars([(r.variable, r.valid.as_str())])
                .unwrap_or_else(|e| panic!("{}={}: {e}", r.variable, r.valid));
            assert!((r.effect)(&s), "{}={} had no effect", r.variable, r.valid);
            assert!(
                s.warnings().iter().all(|w| w.variable() != r.variable),
                "{} is read but warned: {:?}",
                r.variable,
                s.warnings()
            );
        }
        if let Some(bad) = r.invalid {
            let err = Settings::from_vars([(r.variable, bad)])
                .err()
                .unwrap_or_else(|| panic!("{}={bad} was accepted", r.variable));
            assert!(
                err.problems.iter().any(|p| p.variable == r.variable),
                "{}={bad}: the error does not name it: {err}",
                r.variable
            );
        }
    }
}

#[test]
fn variables_the_rust_sdk_lacks_are_unsupported_not_unknown() {
    for variable in NOT_IMPLEMENTED {
        let s = Settings::from_vars([(variable, "1")]).expect("valid");
        let w: Vec<_> = s
            .warnings()
            .iter()
            .filter(|w| w.variable() == variable)
            .collect();
        assert_eq!(w.len(), 1, "{variable}: {w:?}");
        assert_eq!(w[0].kind(), WarningKind::Unsupported, "{variable}");
    }
}
