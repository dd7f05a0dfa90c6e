//! Each setting: its default, a valid value parsed, an invalid value rejected
//! with a message naming the variable, the value and the expected form.

use std::path::PathBuf;
use std::time::Duration;

use letta_telemetry::settings::{
    Compression, Protocol, SamplerSetting, Settings, SettingsError, Temporality,
};

fn ok(vars: &[(&str, &str)]) -> Settings {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(s) => s,
        Err(e) => panic!("settings should be valid: {e}"),
    }
}

fn err(vars: &[(&str, &str)]) -> SettingsError {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(s) => panic!("settings should be invalid: {s:?}"),
        Err(e) => e,
    }
}

/// Asserts that `var=value` is rejected with a message that names the
/// variable, the value and contains `expected`.
fn rejected(var: &str, value: &str, expected: &str) {
    let e = err(&[(var, value)]);
    assert_eq!(e.problems.len(), 1, "{e}");
    let p = &e.problems[0];
    assert_eq!(p.variable, var);
    assert_eq!(p.value, value);
    assert!(
        p.expected.contains(expected),
        "expected form {:?} should contain {expected:?}",
        p.expected
    );
    let msg = e.to_string();
    assert!(msg.contains(var), "{msg}");
    assert!(msg.contains(value), "{msg}");
    assert!(msg.contains(expected), "{msg}");
}

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

#[test]
fn service_name_sources() {
    assert_eq!(ok(&[("OTEL_SERVICE_NAME", "svc")]).service_name, "svc");
    assert_eq!(
        ok(&[("ENV_NAME", "Prod-EU")]).service_name,
        "letta-server-prod-eu"
    );
    assert_eq!(
        ok(&[("ENV_NAME", "x"), ("OTEL_SERVICE_NAME", "svc")]).service_name,
        "svc"
    );
    assert_eq!(
        ok(&[("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs")]).service_name,
        "from-attrs"
    );
    assert_eq!(
        ok(&[
            ("OTEL_RESOURCE_ATTRIBUTES", "service.name=from-attrs"),
            ("OTEL_SERVICE_NAME", "svc"),
        ])
        .service_name,
        "svc"
    );
}

#[test]
fn resource_attributes() {
    let s = ok(&[(
        "OTEL_RESOURCE_ATTRIBUTES",
        "team=agents, region=eu%2Dwest ,note=a%2Cb",
    )]);
    assert_eq!(
        s.resource_attributes,
        vec![
            ("team".to_string(), "agents".to_string()),
            ("region".to_string(), "eu-west".to_string()),
            ("note".to_string(), "a,b".to_string()),
        ]
    );
    rejected("OTEL_RESOURCE_ATTRIBUTES", "team", "key=value");
}

#[test]
fn samplers() {
    for (name, arg, want) in [
        ("always_on", None, SamplerSetting::AlwaysOn),
        ("always_off", None, SamplerSetting::AlwaysOff),
        (
            "traceidratio",
            Some("0.25"),
            SamplerSetting::TraceIdRatio(0.25),
        ),
        ("traceidratio", None, SamplerSetting::TraceIdRatio(1.0)),
        (
            "parentbased_always_on",
            None,
            SamplerSetting::ParentBasedAlwaysOn,
        ),
        (
            "parentbased_always_off",
            None,
            SamplerSetting::ParentBasedAlwaysOff,
        ),
        (
            "parentbased_traceidratio",
            Some("0"),
            SamplerSetting::ParentBasedTraceIdRatio(0.0),
        ),
    ] {
        let mut vars = vec![("OTEL_TRACES_SAMPLER", name)];
        if let Some(arg) = arg {
            vars.push(("OTEL_TRACES_SAMPLER_ARG", arg));
        }
        assert_eq!(ok(&vars).sampler, want, "{name} {arg:?}");
    }
    rejected(
        "OTEL_TRACES_SAMPLER",
        "jaeger_remote",
        "parentbased_traceidratio",
    );
    let e = err(&[
        ("OTEL_TRACES_SAMPLER", "traceidratio"),
        ("OTEL_TRACES_SAMPLER_ARG", "1.5"),
    ]);
    assert_eq!(e.problems.len(), 1, "{e}");
    assert_eq!(e.problems[0].variable, "OTEL_TRACES_SAMPLER_ARG");
    assert_eq!(e.problems[0].value, "1.5");
    assert!(e.problems[0].expected.contains("0.0..=1.0"));
    // An argument for a sampler without one is ignored with a warning.
    let s = ok(&[
        ("OTEL_TRACES_SAMPLER", "always_on"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
    ]);
    assert_eq!(s.sampler, SamplerSetting::AlwaysOn);
    assert_eq!(s.warnings().len(), 1);
    assert_eq!(s.warnings()[0].variable(), "OTEL_TRACES_SAMPLER_ARG");
}

#[test]
fn environment_normalisation() {
    for (raw, want) in [
        ("DEV", "dev"),
        ("development", "dev"),
        ("Staging", "dev"),
        ("PROD", "prod"),
        ("Canary", "canary"),
    ] {
        let s = ok(&[("LETTA_ENVIRONMENT", raw)]);
        assert_eq!(s.environment.as_deref(), Some(raw));
        assert_eq!(s.normalized_environment(), want, "{raw}");
    }
    // Empty counts as unset.
    let s = ok(&[("LETTA_ENVIRONMENT", "")]);
    assert_eq!(s.normalized_environment(), "unknown");
}

#[test]
fn letta_dir() {
    let s = ok(&[("LETTA_DIR", "/data/letta"), ("HOME", "/home/u")]);
    assert_eq!(s.letta_dir, PathBuf::from("/data/letta"));
    assert_eq!(s.logs_dir(), PathBuf::from("/data/letta/logs"));
    let s = ok(&[("LETTA_DIR", "~/custom"), ("HOME", "/home/u")]);
    assert_eq!(s.letta_dir, PathBuf::from("/home/u/custom"));
    let s = ok(&[]);
    assert_eq!(s.letta_dir, PathBuf::from(".letta"));
}

#[test]
fn limits_and_intervals() {
    let s = ok(&[
        ("LETTA_TELEMETRY_MAX_REQUEST_BYTES", "1048576"),
        ("LETTA_TELEMETRY_MAX_QUEUE_BYTES", "2048"),
        ("LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS", "750"),
        ("LETTA_TELEMETRY_FILE_MAX_BYTES", "4096"),
        ("LETTA_TELEMETRY_FILE_BACKUPS", "0"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "100"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "10"),
        ("OTEL_BSP_SCHEDULE_DELAY", "200"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "5000"),
    ]);
    assert_eq!(s.limits.max_request_bytes, 1_048_576);
    assert_eq!(s.limits.max_queue_bytes, 2048);
    assert_eq!(s.limits.shutdown_timeout, Duration::from_millis(750));
    assert_eq!(s.limits.file_max_bytes, 4096);
    assert_eq!(s.limits.file_backups, 0);
    assert_eq!(s.limits.max_queue_spans, 100);
    assert_eq!(s.limits.max_batch_spans, 10);
    assert_eq!(s.limits.schedule_delay, Duration::from_millis(200));
    assert_eq!(s.metric_export_interval, Duration::from_secs(5));
    rejected(
        "LETTA_TELEMETRY_MAX_REQUEST_BYTES",
        "0",
        "a positive integer",
    );
    rejected("OTEL_BSP_MAX_QUEUE_SIZE", "lots", "a positive integer");
    rejected(
        "LETTA_TELEMETRY_FILE_BACKUPS",
        "-1",
        "a non-negative integer",
    );
    rejected("OTEL_METRIC_EXPORT_INTERVAL", "1m", "milliseconds");
    // A batch larger than the queue is a configuration error.
    rejected(
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE",
        "10000",
        "at most the queue size",
    );
}

#[test]
fn empty_values_count_as_unset() {
    let s = ok(&[
        ("LETTA_TELEMETRY_DATADOG_AGENT_PORT", ""),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "  "),
    ]);
    assert_eq!(s.datadog_agent_port, 8126);
    assert_eq!(s.otlp.endpoint, None);
}

#[test]
fn endpoint_regex_lists() {
    let s = ok(&[]);
    assert_eq!(s.excluded_endpoints_regex, ["^GET /v1/health$"]);
    assert_eq!(
        s.metrics_endpoints_regex,
        letta_telemetry::http::DEFAULT_METRIC_ROUTES
    );

    let s = ok(&[
        (
            "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX",
            " ^GET /v1/health$ , ^GET /v1/agents$ ,",
        ),
        (
            "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX",
            "^POST /v1/agents$",
        ),
    ]);
    assert_eq!(
        s.excluded_endpoints_regex,
        ["^GET /v1/health$", "^GET /v1/agents$"]
    );
    assert_eq!(s.metrics_endpoints_regex, ["^POST /v1/agents$"]);
    let text = s.render();
    assert!(
        text.contains("^GET /v1/health$,^GET /v1/agents$  (environment: LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX)"),
        "{text}"
    );

    rejected(
        "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX",
        "^GET /v1/health$,^POST /v1/(agents",
        "\"^POST /v1/(agents\" is not a valid regex (unclosed group)",
    );
    rejected(
        "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX",
        "[",
        "comma-separated regular expressions",
    );

    // From code: validated too, the problem names the builder method.
    let e = match Settings::builder()
        .with_excluded_endpoints_regex(vec!["(".to_owned()])
        .build_from_vars([("HOME", "/h")])
    {
        Ok(s) => panic!("an invalid regex from code is accepted: {s:?}"),
        Err(e) => e,
    };
    assert!(
        e.problem("Settings::builder().with_excluded_endpoints_regex")
            .is_some(),
        "{e}"
    );
}
