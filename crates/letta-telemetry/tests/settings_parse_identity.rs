//! Service identity, resource attributes, samplers, the environment, the
//! Letta directory, limits and route lists — parsed, or rejected with the
//! variable, the value and the expected form.

use std::path::PathBuf;
use std::time::Duration;

use letta_telemetry::settings::{SamplerSetting, Settings};

mod settings_support;

use settings_support::{err, ok, rejected};

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
