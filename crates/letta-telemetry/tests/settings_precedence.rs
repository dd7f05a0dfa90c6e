//! Aliases, case-insensitive names, and code over environment over default.

use std::time::Duration;

use letta_telemetry::settings::{
    EnvSource, Field, Protocol, SamplerSetting, SettingWarning, Settings, Source, Temporality,
};

fn ok(vars: &[(&str, &str)]) -> Settings {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(s) => s,
        Err(e) => panic!("settings should be valid: {e}"),
    }
}

fn env_source(variable: &str) -> Source {
    Source::Environment {
        variable: variable.to_string(),
    }
}

#[test]
fn datadog_aliases() {
    let s = ok(&[
        ("DD_GIT_REPOSITORY_URL", "https://example.com/repo"),
        ("DD_GIT_COMMIT_SHA", "deadbeef"),
        ("DD_MAIN_PACKAGE", "pkg"),
    ]);
    assert_eq!(
        s.datadog_git_repository_url.as_deref(),
        Some("https://example.com/repo")
    );
    assert_eq!(s.datadog_git_commit_sha.as_deref(), Some("deadbeef"));
    assert_eq!(s.datadog_main_package, "pkg");
    assert_eq!(
        s.source(Field::DatadogGitCommitSha),
        env_source("DD_GIT_COMMIT_SHA")
    );
}

#[test]
fn prefixed_name_wins_over_alias_with_a_warning() {
    let s = ok(&[
        ("DD_GIT_COMMIT_SHA", "from-alias"),
        ("LETTA_TELEMETRY_DATADOG_GIT_COMMIT_SHA", "from-prefixed"),
    ]);
    assert_eq!(s.datadog_git_commit_sha.as_deref(), Some("from-prefixed"));
    assert!(s.warnings().contains(&SettingWarning::Shadowed {
        variable: "DD_GIT_COMMIT_SHA".into(),
        used: "LETTA_TELEMETRY_DATADOG_GIT_COMMIT_SHA".into(),
    }));
}

#[test]
fn temporality_aliases_in_order() {
    let s = ok(&[("LETTA_OTEL_PREFERRED_TEMPORALITY", "2")]);
    assert_eq!(s.otel_preferred_temporality, Temporality::Cumulative);
    let s = ok(&[(
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        "cumulative",
    )]);
    assert_eq!(s.otel_preferred_temporality, Temporality::Cumulative);
    let s = ok(&[
        (
            "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
            "cumulative",
        ),
        ("LETTA_OTEL_PREFERRED_TEMPORALITY", "0"),
        ("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY", "DELTA"),
    ]);
    assert_eq!(s.otel_preferred_temporality, Temporality::Delta);
    assert_eq!(
        s.source(Field::OtelPreferredTemporality),
        env_source("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY")
    );
}

#[test]
fn disable_tracing_alias() {
    let s = ok(&[("LETTA_DISABLE_TRACING", "true")]);
    assert!(s.disable_tracing);
    assert!(!s.tracing_enabled());
}

#[test]
fn letta_endpoint_wins_over_standard_one() {
    let s = ok(&[
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://standard:4317"),
        ("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT", "http://letta:4317"),
    ]);
    assert_eq!(s.otlp.endpoint.as_deref(), Some("http://letta:4317"));
    assert_eq!(
        s.source(Field::OtlpEndpoint),
        env_source("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT")
    );
}

#[test]
fn prefix_is_case_insensitive() {
    let s = ok(&[
        ("letta_telemetry_enable_datadog", "true"),
        ("Letta_Telemetry_Datadog_Agent_Port", "9000"),
    ]);
    assert!(s.enable_datadog);
    assert_eq!(s.datadog_agent_port, 9000);
    // The source names the variable as it was spelled.
    assert_eq!(
        s.source(Field::DatadogAgentPort),
        env_source("Letta_Telemetry_Datadog_Agent_Port")
    );
    // No "unknown variable" warning for a known name in another case.
    assert!(s.warnings().is_empty(), "{:?}", s.warnings());
    // Problems name the variable as spelled, too.
    let e = Settings::from_vars([("letta_telemetry_datadog_agent_port", "x")])
        .expect_err("invalid port");
    assert_eq!(e.problems[0].variable, "letta_telemetry_datadog_agent_port");
}

#[test]
fn exact_case_wins_over_other_case() {
    let env = EnvSource::from_vars([
        ("letta_telemetry_datadog_agent_host", "lower"),
        ("LETTA_TELEMETRY_DATADOG_AGENT_HOST", "upper"),
    ]);
    let s = Settings::builder().build_from(&env).expect("valid");
    assert_eq!(s.datadog_agent_host, "upper");
}

#[test]
fn code_wins_over_environment() {
    let s = Settings::builder()
        .with_datadog_agent_port(9999u16)
        .with_service_name("from-code")
        .with_otlp_protocol(Protocol::HttpJson)
        .with_otlp_endpoint("http://code:4318")
        .with_otlp_timeout(Duration::from_secs(3))
        .with_sampler(SamplerSetting::TraceIdRatio(0.5))
        .with_environment("staging")
        .with_disable_tracing(false)
        .with_otlp_header("x-code", "1")
        .with_resource_attribute("k", "code")
        .build_from_vars([
            ("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "1234"),
            ("OTEL_SERVICE_NAME", "from-env"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://env:4317"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "100"),
            ("OTEL_TRACES_SAMPLER", "always_off"),
            ("LETTA_ENVIRONMENT", "prod"),
            ("LETTA_DISABLE_TRACING", "true"),
            ("OTEL_EXPORTER_OTLP_HEADERS", "x-env=2"),
            ("OTEL_RESOURCE_ATTRIBUTES", "k=env"),
        ])
        .expect("valid");
    assert_eq!(s.datadog_agent_port, 9999);
    assert_eq!(s.service_name, "from-code");
    assert_eq!(s.otlp.protocol, Protocol::HttpJson);
    assert_eq!(s.otlp.endpoint.as_deref(), Some("http://code:4318"));
    assert_eq!(
        s.traces_endpoint().as_deref(),
        Some("http://code:4318/v1/traces")
    );
    assert_eq!(s.otlp.timeout, Duration::from_secs(3));
    assert_eq!(s.sampler, SamplerSetting::TraceIdRatio(0.5));
    assert_eq!(s.normalized_environment(), "dev");
    assert!(!s.disable_tracing);
    assert_eq!(s.otlp.headers, vec![("x-code".into(), "1".into())]);
    assert_eq!(s.resource_attributes, vec![("k".into(), "code".into())]);
    for field in [
        Field::DatadogAgentPort,
        Field::ServiceName,
        Field::OtlpProtocol,
        Field::OtlpEndpoint,
        Field::OtlpTimeout,
        Field::Sampler,
        Field::Environment,
        Field::DisableTracing,
        Field::OtlpHeaders,
        Field::ResourceAttributes,
    ] {
        assert_eq!(s.source(field), Source::Code, "{}", field.key());
    }
    assert_eq!(s.source(Field::DatadogAgentHost), Source::Default);
}

#[test]
fn code_values_are_validated_and_name_the_builder_method() {
    let e = Settings::builder()
        .with_datadog_agent_port(0u16)
        .with_otlp_endpoint("ftp://x")
        .with_sampler(SamplerSetting::ParentBasedTraceIdRatio(2.0))
        .with_otlp_timeout(Duration::ZERO)
        .with_otlp_certificate("/definitely/not/here.pem")
        .with_otlp_header("bad header", "v")
        .build_from(&EnvSource::empty())
        .expect_err("invalid code values");
    let vars: Vec<&str> = e.problems.iter().map(|p| p.variable.as_str()).collect();
    assert_eq!(
        vars,
        [
            "Settings::builder().with_datadog_agent_port",
            "Settings::builder().with_otlp_endpoint",
            "Settings::builder().with_otlp_header",
            "Settings::builder().with_otlp_timeout",
            "Settings::builder().with_otlp_certificate",
            "Settings::builder().with_sampler",
        ],
        "{e}"
    );
}

#[test]
fn environment_wins_over_default_and_records_the_variable() {
    let s = ok(&[("LETTA_TELEMETRY_DATADOG_AGENT_HOST", "agent")]);
    assert_eq!(
        s.source(Field::DatadogAgentHost),
        env_source("LETTA_TELEMETRY_DATADOG_AGENT_HOST")
    );
    let s = ok(&[("ENV_NAME", "eu")]);
    assert_eq!(s.source(Field::ServiceName), env_source("ENV_NAME"));
    let s = Settings::builder()
        .with_env_name("EU")
        .build_from(&EnvSource::empty())
        .expect("valid");
    assert_eq!(s.service_name, "letta-server-eu");
    assert_eq!(s.source(Field::ServiceName), Source::Code);
    let s = ok(&[("OTEL_RESOURCE_ATTRIBUTES", "service.name=attr")]);
    assert_eq!(
        s.source(Field::ServiceName),
        env_source("OTEL_RESOURCE_ATTRIBUTES")
    );
}

#[test]
fn a_field_changed_after_build_is_reported_as_code() {
    let mut s = ok(&[("LETTA_TELEMETRY_DATADOG_AGENT_HOST", "agent")]);
    s.datadog_agent_host = "changed".into();
    s.debug = true;
    assert_eq!(s.source(Field::DatadogAgentHost), Source::Code);
    assert_eq!(s.source(Field::Debug), Source::Code);
    let mut d = Settings::default();
    assert_eq!(d.source(Field::Debug), Source::Default);
    d.debug = true;
    assert_eq!(d.source(Field::Debug), Source::Code);
}
