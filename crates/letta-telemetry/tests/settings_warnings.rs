//! Unknown variables with a telemetry prefix: "did you mean …".

use letta_telemetry::settings::{SettingWarning, Settings};

fn warnings(vars: &[(&str, &str)]) -> Vec<SettingWarning> {
    Settings::from_vars(vars.iter().copied())
        .expect("valid settings")
        .warnings()
        .to_vec()
}

#[test]
fn misspelt_variables_get_the_closest_name() {
    let w = warnings(&[
        ("LETTA_TELEMETRY_ENABLE_DATADGO", "true"),
        ("OTEL_EXPORTER_OTLP_ENDPIONT", "http://c:4317"),
        ("letta_telemetry_disable_tracin", "1"),
        ("LETTA_OTEL_PREFERED_TEMPORALITY", "1"),
        ("OTEL_SERVICENAME", "svc"),
    ]);
    let got: Vec<(&str, &str)> = w
        .iter()
        .map(|w| match w {
            SettingWarning::Unknown {
                variable,
                suggestion,
            } => (variable.as_str(), *suggestion),
            other => panic!("unexpected warning {other:?}"),
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "LETTA_OTEL_PREFERED_TEMPORALITY",
                "LETTA_OTEL_PREFERRED_TEMPORALITY"
            ),
            (
                "LETTA_TELEMETRY_ENABLE_DATADGO",
                "LETTA_TELEMETRY_ENABLE_DATADOG"
            ),
            ("OTEL_EXPORTER_OTLP_ENDPIONT", "OTEL_EXPORTER_OTLP_ENDPOINT"),
            ("OTEL_SERVICENAME", "OTEL_SERVICE_NAME"),
            (
                "letta_telemetry_disable_tracin",
                "LETTA_TELEMETRY_DISABLE_TRACING"
            ),
        ]
    );
    assert_eq!(
        w[1].to_string(),
        "unknown telemetry variable LETTA_TELEMETRY_ENABLE_DATADGO is ignored; \
         did you mean LETTA_TELEMETRY_ENABLE_DATADOG?"
    );
}

#[test]
fn misspelt_variables_are_ignored_not_applied() {
    let s = Settings::from_vars([("LETTA_TELEMETRY_ENABLE_DATADGO", "true")]).expect("valid");
    assert!(!s.enable_datadog);
}

#[test]
fn known_and_unrelated_variables_get_no_warning() {
    let w = warnings(&[
        ("LETTA_TELEMETRY_ENABLE_DATADOG", "true"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"),
        ("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4317"),
        ("PATH", "/usr/bin"),
        ("LETTA_PG_URI", "postgres://x"),
        ("DD_ENV", "prod"),
    ]);
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn unsupported_standard_variables_say_so() {
    let w = warnings(&[("OTEL_PROPAGATORS", "b3")]);
    assert_eq!(w.len(), 1);
    assert!(
        matches!(&w[0], SettingWarning::Unsupported { variable, .. } if variable == "OTEL_PROPAGATORS")
    );
    assert!(w[0].to_string().contains("not supported"), "{}", w[0]);
}

#[test]
fn warnings_do_not_fail_the_settings_but_appear_in_render() {
    let s = Settings::from_vars([("OTEL_TRACES_SAMPLR", "always_on")]).expect("valid");
    assert_eq!(s.warnings().len(), 1);
    let text = s.render();
    assert!(text.contains("did you mean OTEL_TRACES_SAMPLER?"), "{text}");
    // Logging them does not panic without a subscriber.
    s.log_warnings();
}
