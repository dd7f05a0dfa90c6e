//! The resource: service, versions, host, environment, device id, merged
//! with OTEL_RESOURCE_ATTRIBUTES.

use letta_telemetry::settings::Settings;
use letta_telemetry::{HostIdentity, build_resource, build_resource_with};
use opentelemetry::{Key, Value};
use opentelemetry_sdk::Resource;

fn settings(vars: &[(&str, &str)]) -> Settings {
    Settings::from_vars(vars.iter().copied()).expect("valid settings")
}

fn host() -> HostIdentity {
    HostIdentity::new(Some("box-1".into()), Some(0x0242_ac11_0002))
}

fn get(r: &Resource, key: &'static str) -> Option<String> {
    r.get(&Key::from_static_str(key)).map(|v| v.to_string())
}

#[test]
fn reference_attributes() {
    let s = Settings::builder()
        .with_service_version("1.2.3")
        .build_from_vars([("LETTA_ENVIRONMENT", "DEVELOPMENT"), ("ENV_NAME", "EU")])
        .expect("valid");
    let r = build_resource_with(&s, &host());
    assert_eq!(get(&r, "service.name").as_deref(), Some("letta-server-eu"));
    assert_eq!(get(&r, "service.version").as_deref(), Some("1.2.3"));
    assert_eq!(get(&r, "letta.version").as_deref(), Some("1.2.3"));
    assert_eq!(get(&r, "host.name").as_deref(), Some("box-1"));
    assert_eq!(get(&r, "deployment.environment").as_deref(), Some("dev"));
    assert_eq!(
        r.get(&Key::from_static_str("device.id")),
        Some(Value::I64(0x0242_ac11_0002))
    );
    assert!(get(&r, "telemetry.sdk.name").is_some());
}

#[test]
fn environment_normalisation() {
    for (raw, want) in [
        ("DEV", "dev"),
        ("development", "dev"),
        ("STAGING", "dev"),
        ("Prod", "prod"),
        ("QA", "qa"),
    ] {
        let r = build_resource_with(&settings(&[("LETTA_ENVIRONMENT", raw)]), &host());
        assert_eq!(
            get(&r, "deployment.environment").as_deref(),
            Some(want),
            "{raw}"
        );
    }
    let r = build_resource_with(&settings(&[]), &host());
    assert_eq!(
        get(&r, "deployment.environment").as_deref(),
        Some("unknown")
    );
}

#[test]
fn device_id_only_outside_prod() {
    let prod = build_resource_with(&settings(&[("LETTA_ENVIRONMENT", "PROD")]), &host());
    assert_eq!(get(&prod, "device.id"), None);
    let dev = build_resource_with(&settings(&[("LETTA_ENVIRONMENT", "dev")]), &host());
    assert!(get(&dev, "device.id").is_some());
    let unset = build_resource_with(&settings(&[]), &host());
    assert!(get(&unset, "device.id").is_some());
    // prod named in OTEL_RESOURCE_ATTRIBUTES counts too.
    let attrs = build_resource_with(
        &settings(&[("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod")]),
        &host(),
    );
    assert_eq!(
        get(&attrs, "deployment.environment").as_deref(),
        Some("prod")
    );
    assert_eq!(get(&attrs, "device.id"), None);
    // Nothing detected: nothing added, nothing fails.
    let none = build_resource_with(&settings(&[]), &HostIdentity::default());
    assert_eq!(get(&none, "device.id"), None);
    assert_eq!(get(&none, "host.name"), None);
}

#[test]
fn detected_identity_is_stable() {
    let a = HostIdentity::detect();
    let b = HostIdentity::detect();
    assert_eq!(a, b);
    let r = build_resource(&settings(&[("LETTA_ENVIRONMENT", "dev")]));
    assert_eq!(get(&r, "host.name"), a.host_name);
    assert_eq!(
        r.get(&Key::from_static_str("device.id")),
        a.device_id.map(Value::I64)
    );
}

#[test]
fn merge_with_otel_resource_attributes() {
    // Extra attributes are added; detected and default values lose to them.
    let r = build_resource_with(
        &settings(&[(
            "OTEL_RESOURCE_ATTRIBUTES",
            "team=agents,host.name=override,deployment.environment=qa,service.name=attr-svc",
        )]),
        &host(),
    );
    assert_eq!(get(&r, "team").as_deref(), Some("agents"));
    assert_eq!(get(&r, "host.name").as_deref(), Some("override"));
    assert_eq!(get(&r, "deployment.environment").as_deref(), Some("qa"));
    assert_eq!(get(&r, "service.name").as_deref(), Some("attr-svc"));

    // Explicit settings win: OTEL_SERVICE_NAME and LETTA_ENVIRONMENT.
    let r = build_resource_with(
        &settings(&[
            (
                "OTEL_RESOURCE_ATTRIBUTES",
                "deployment.environment=qa,service.name=attr-svc",
            ),
            ("OTEL_SERVICE_NAME", "named"),
            ("LETTA_ENVIRONMENT", "staging"),
        ]),
        &host(),
    );
    assert_eq!(get(&r, "service.name").as_deref(), Some("named"));
    assert_eq!(get(&r, "deployment.environment").as_deref(), Some("dev"));

    // Versions: a default version loses to the attributes, one set in code wins.
    let attrs = [("OTEL_RESOURCE_ATTRIBUTES", "service.version=9.9.9")];
    let r = build_resource_with(&settings(&attrs), &host());
    assert_eq!(get(&r, "service.version").as_deref(), Some("9.9.9"));
    let s = Settings::builder()
        .with_service_version("1.0.0")
        .build_from_vars(attrs)
        .expect("valid");
    let r = build_resource_with(&s, &host());
    assert_eq!(get(&r, "service.version").as_deref(), Some("1.0.0"));
}

#[test]
fn git_source_links_from_settings_with_credentials_removed() {
    let s = settings(&[
        (
            "LETTA_TELEMETRY_DATADOG_GIT_REPOSITORY_URL",
            "https://user:s3cr3t@github.com/org/repo",
        ),
        (
            "DD_GIT_COMMIT_SHA",
            "0123456789abcdef0123456789abcdef01234567",
        ),
    ]);
    let r = build_resource_with(&s, &host());
    assert_eq!(
        get(&r, "git.repository_url").as_deref(),
        Some("https://github.com/org/repo")
    );
    assert_eq!(
        get(&r, "git.commit.sha").as_deref(),
        Some("0123456789abcdef0123456789abcdef01234567")
    );
}
