//! Each switch and Datadog setting: its default, a valid value parsed, an
//! invalid value rejected with a message naming the variable, the value and
//! the expected form. OTLP settings are in `settings_parse_otlp.rs`, identity,
//! sampling and limits in `settings_parse_identity.rs`.

use std::path::PathBuf;
use std::time::Duration;

use letta_telemetry::settings::{Protocol, SamplerSetting, Temporality};

mod settings_support;

use settings_support::{ok, rejected};

#[test]
fn defaults() {
    let s = ok(&[("HOME", "/home/u")]);
    assert!(!s.enable_datadog);
    assert_eq!(s.datadog_agent_host, "localhost");
    assert_eq!(s.datadog_agent_port, 8126);
    assert_eq!(s.datadog_service_name, "letta-server");
    assert!(!s.datadog_profiling_enabled);
    assert!(!s.datadog_profiling_memory_enabled);
    assert!(!s.datadog_profiling_heap_enabled);
    assert_eq!(s.datadog_git_repository_url, None);
    assert_eq!(s.datadog_git_commit_sha, None);
    assert_eq!(s.datadog_main_package, "letta");
    assert_eq!(s.otel_preferred_temporality, Temporality::Delta);
    assert!(!s.disable_tracing);
    assert!(!s.verbose_telemetry_logging);
    assert!(!s.sdk_disabled);
    assert!(s.tracing_enabled());
    assert_eq!(s.otlp.endpoint, None);
    assert_eq!(s.traces_endpoint(), None);
    assert!(!s.traces_to_otlp());
    assert_eq!(s.otlp.protocol, Protocol::Grpc);
    assert!(s.otlp.headers.is_empty());
    assert_eq!(s.otlp.timeout, Duration::from_secs(10));
    assert_eq!(s.otlp.compression, None);
    assert_eq!(s.otlp.certificate, None);
    assert_eq!(s.service_name, "letta-server");
    assert_eq!(s.environment, None);
    assert_eq!(s.normalized_environment(), "unknown");
    assert!(s.resource_attributes.is_empty());
    assert_eq!(s.sampler, SamplerSetting::ParentBasedAlwaysOn);
    assert_eq!(s.letta_dir, PathBuf::from("/home/u/.letta"));
    assert_eq!(s.logs_dir(), PathBuf::from("/home/u/.letta/logs"));
    assert!(!s.json_logging);
    assert!(!s.debug);
    assert_eq!(s.metric_export_interval, Duration::from_secs(60));
    assert_eq!(s.limits.max_request_bytes, 4 * 1024 * 1024);
    assert_eq!(s.limits.max_queue_spans, 8192);
    assert_eq!(s.limits.max_batch_spans, 512);
    assert_eq!(s.limits.shutdown_timeout, Duration::from_secs(5));
    assert!(s.warnings().is_empty());
}

#[test]
fn booleans_accept_every_spelling() {
    for (raw, want) in [
        ("true", true),
        ("TRUE", true),
        ("1", true),
        ("yes", true),
        ("On", true),
        (" true ", true),
        ("false", false),
        ("0", false),
        ("No", false),
        ("OFF", false),
    ] {
        let s = ok(&[("LETTA_TELEMETRY_ENABLE_DATADOG", raw)]);
        assert_eq!(s.enable_datadog, want, "{raw:?}");
    }
    rejected("LETTA_TELEMETRY_ENABLE_DATADOG", "maybe", "a boolean");
}

#[test]
fn every_boolean_setting() {
    let s = ok(&[
        ("LETTA_TELEMETRY_ENABLE_DATADOG", "true"),
        ("LETTA_TELEMETRY_DATADOG_PROFILING_ENABLED", "true"),
        ("LETTA_TELEMETRY_DATADOG_PROFILING_MEMORY_ENABLED", "true"),
        ("LETTA_TELEMETRY_DATADOG_PROFILING_HEAP_ENABLED", "true"),
        ("LETTA_TELEMETRY_DISABLE_TRACING", "true"),
        ("LETTA_TELEMETRY_VERBOSE_TELEMETRY_LOGGING", "true"),
        ("OTEL_SDK_DISABLED", "true"),
        ("LETTA_LOGGING_JSON_LOGGING", "true"),
        ("LETTA_DEBUG", "true"),
    ]);
    assert!(s.enable_datadog);
    assert!(s.datadog_profiling_enabled);
    assert!(s.datadog_profiling_memory_enabled);
    assert!(s.datadog_profiling_heap_enabled);
    assert!(s.disable_tracing);
    assert!(s.verbose_telemetry_logging);
    assert!(s.sdk_disabled);
    assert!(s.json_logging);
    assert!(s.debug);
    assert!(!s.tracing_enabled());
    for var in [
        "LETTA_TELEMETRY_DATADOG_PROFILING_ENABLED",
        "LETTA_TELEMETRY_DATADOG_PROFILING_MEMORY_ENABLED",
        "LETTA_TELEMETRY_DATADOG_PROFILING_HEAP_ENABLED",
        "LETTA_TELEMETRY_DISABLE_TRACING",
        "LETTA_TELEMETRY_VERBOSE_TELEMETRY_LOGGING",
        "OTEL_SDK_DISABLED",
        "LETTA_LOGGING_JSON_LOGGING",
        "LETTA_DEBUG",
    ] {
        rejected(var, "2", "true/false, 1/0, yes/no or on/off");
    }
}

#[test]
fn sdk_disabled_or_tracing_disabled_turns_tracing_off() {
    assert!(!ok(&[("OTEL_SDK_DISABLED", "true")]).tracing_enabled());
    assert!(!ok(&[("LETTA_TELEMETRY_DISABLE_TRACING", "1")]).tracing_enabled());
    let s = ok(&[
        ("LETTA_TELEMETRY_DISABLE_TRACING", "yes"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4317"),
    ]);
    assert!(!s.traces_to_otlp());
    assert!(!s.metrics_to_otlp());
}

#[test]
fn datadog_strings() {
    let s = ok(&[
        ("LETTA_TELEMETRY_DATADOG_AGENT_HOST", "dd-agent"),
        ("LETTA_TELEMETRY_DATADOG_SERVICE_NAME", "svc"),
        (
            "LETTA_TELEMETRY_DATADOG_GIT_REPOSITORY_URL",
            "https://github.com/letta-ai/letta",
        ),
        ("LETTA_TELEMETRY_DATADOG_GIT_COMMIT_SHA", "abc123"),
        ("LETTA_TELEMETRY_DATADOG_MAIN_PACKAGE", "mypkg"),
    ]);
    assert_eq!(s.datadog_agent_host, "dd-agent");
    assert_eq!(s.datadog_service_name, "svc");
    assert_eq!(
        s.datadog_git_repository_url.as_deref(),
        Some("https://github.com/letta-ai/letta")
    );
    assert_eq!(s.datadog_git_commit_sha.as_deref(), Some("abc123"));
    assert_eq!(s.datadog_main_package, "mypkg");
}

#[test]
fn datadog_port_range() {
    assert_eq!(
        ok(&[("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "1")]).datadog_agent_port,
        1
    );
    assert_eq!(
        ok(&[("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "65535")]).datadog_agent_port,
        65535
    );
    for bad in ["0", "65536", "-1", "http", "8126.5"] {
        rejected("LETTA_TELEMETRY_DATADOG_AGENT_PORT", bad, "1..=65535");
    }
}

#[test]
fn temporality_numbers_and_names() {
    for (raw, want) in [
        ("0", Temporality::Unspecified),
        ("1", Temporality::Delta),
        ("2", Temporality::Cumulative),
        ("UNSPECIFIED", Temporality::Unspecified),
        ("delta", Temporality::Delta),
        ("Cumulative", Temporality::Cumulative),
        ("lowmemory", Temporality::Delta),
    ] {
        let s = ok(&[("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY", raw)]);
        assert_eq!(s.otel_preferred_temporality, want, "{raw}");
    }
    rejected("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY", "3", "DELTA");
    rejected(
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "sometimes",
        "CUMULATIVE",
    );
}
