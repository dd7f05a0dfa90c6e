//! `Settings::render`: the effective configuration with sources, secrets masked.

use letta_telemetry::settings::{Field, Settings};

fn line<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(&format!("{key} ")))
        .unwrap_or_else(|| panic!("no line for {key} in\n{text}"))
}

#[test]
fn shows_every_setting_with_its_source() {
    let s = Settings::builder()
        .with_service_name("from-code")
        .build_from_vars([
            ("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "9000"),
            ("DD_GIT_COMMIT_SHA", "abc"),
        ])
        .expect("valid");
    let text = s.render();
    // Every setting has its line, except a signal's own OTLP settings, which
    // are shown only when set (a line counts the others).
    let per_signal = |k: &str| {
        ["otlp.traces.", "otlp.metrics.", "otlp.logs."]
            .iter()
            .any(|p| k.starts_with(p))
    };
    for field in Field::ALL.iter().filter(|f| !per_signal(f.key())) {
        line(&text, field.key());
    }
    assert!(!text.contains("otlp.traces.timeout"), "{text}");
    assert!(
        text.contains("(21 per-signal otlp.<signal>.* settings unset"),
        "{text}"
    );
    let s2 = Settings::from_vars([("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "100")]).expect("valid");
    assert!(
        line(&s2.render(), "otlp.traces.timeout")
            .contains("= 100ms  (environment: OTEL_EXPORTER_OTLP_TRACES_TIMEOUT)")
    );
    assert!(line(&text, "service_name").contains("= from-code  (code)"));
    assert!(
        line(&text, "datadog_agent_port")
            .contains("= 9000  (environment: LETTA_TELEMETRY_DATADOG_AGENT_PORT)")
    );
    assert!(line(&text, "datadog_git_commit_sha").contains("(environment: DD_GIT_COMMIT_SHA)"));
    assert!(line(&text, "datadog_agent_host").contains("= localhost  (default)"));
    assert!(text.contains("traces -> local files under"), "{text}");
}

#[test]
fn masks_secrets() {
    let s = Settings::builder()
        .with_datadog_git_repository_url("https://user:gh-token-123@github.com/org/repo")
        .build_from_vars([
            (
                "OTEL_EXPORTER_OTLP_HEADERS",
                "authorization=Bearer%20sekrit-1,x-tenant=tenant-2",
            ),
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "https://u:pw-3@collector:4317",
            ),
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "team=agents,api.key=sekrit-4,db.password=sekrit-5",
            ),
        ])
        .expect("valid");
    let text = s.render();
    for secret in [
        "sekrit-1",
        "tenant-2",
        "pw-3",
        "sekrit-4",
        "sekrit-5",
        "gh-token-123",
    ] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
    assert!(line(&text, "otlp.headers").contains("authorization=***,x-tenant=***"));
    assert!(line(&text, "resource_attributes").contains("team=agents"));
    assert!(line(&text, "resource_attributes").contains("api.key=***"));
    assert!(line(&text, "otlp.endpoint").contains("https://u:***@collector:4317"));
    // Debug output masks the header values too.
    let debug = format!("{s:?}");
    assert!(!debug.contains("sekrit-1"), "{debug}");
}

#[test]
fn shows_the_effective_export_targets() {
    let s = Settings::from_vars([
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"),
        ("LETTA_ENVIRONMENT", "STAGING"),
    ])
    .expect("valid");
    let text = s.render();
    assert!(
        text.contains("traces -> http://c:4318/v1/traces (http/protobuf)"),
        "{text}"
    );
    assert!(text.contains("deployment.environment = dev"), "{text}");
}

fn settings(vars: &[(&str, &str)]) -> Settings {
    match Settings::from_vars(vars.iter().copied()) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn logs_target_reflects_what_init_installs() {
    let endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317");
    // OTEL_SDK_DISABLED: no OTLP log exporter is installed, logs stay local.
    let s = settings(&[endpoint, ("OTEL_SDK_DISABLED", "true")]);
    assert!(!s.logs_to_otlp());
    let text = s.render();
    assert!(!text.contains("logs -> http://c:4317"), "{text}");
    assert!(
        text.contains("logs -> local files under") && text.contains("OTEL_SDK_DISABLED"),
        "{text}"
    );
    assert!(text.contains("traces -> off (tracing disabled)"), "{text}");
    // Disabling tracing alone keeps exporting logs (as init does).
    let s = settings(&[endpoint, ("LETTA_TELEMETRY_DISABLE_TRACING", "true")]);
    assert!(s.logs_to_otlp());
    let text = s.render();
    assert!(text.contains("logs -> http://c:4317 (grpc)"), "{text}");
    assert!(text.contains("metrics -> off (tracing disabled)"), "{text}");
    // The per-signal logs protocol and endpoint are what is shown.
    let s = settings(&[
        endpoint,
        ("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "http/json"),
        ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://l:4318/v1/logs"),
    ]);
    let text = s.render();
    assert!(
        text.contains("logs -> http://l:4318/v1/logs (http/json)"),
        "{text}"
    );
    assert!(text.contains("traces -> http://c:4317 (grpc)"), "{text}");
}

#[test]
fn environment_shown_is_the_one_of_the_resource() {
    let host = letta_telemetry::HostIdentity::default();
    for (vars, want) in [
        (
            vec![("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=qa")],
            "qa",
        ),
        (
            vec![
                ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=qa"),
                ("LETTA_ENVIRONMENT", "STAGING"),
            ],
            "dev",
        ),
        (vec![("OTEL_RESOURCE_ATTRIBUTES", "team=a")], "unknown"),
    ] {
        let s = settings(&vars);
        assert_eq!(s.effective_environment(), want, "{vars:?}");
        let text = s.render();
        assert!(
            text.contains(&format!("deployment.environment = {want}\n")),
            "{text}"
        );
        let resource = letta_telemetry::build_resource_with(&s, &host);
        let value = resource
            .get(&opentelemetry::Key::from_static_str(
                "deployment.environment",
            ))
            .map(|v| v.to_string());
        assert_eq!(value.as_deref(), Some(want), "{vars:?}");
    }
}
