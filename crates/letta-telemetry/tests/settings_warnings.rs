//! Unknown variables with a telemetry prefix: "did you mean …".

use letta_telemetry::settings::{SettingWarning, Settings, WarningKind};

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
                suggestion: Some(suggestion),
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
    let w = warnings(&[("OTEL_METRICS_EXEMPLAR_FILTER", "always_on")]);
    assert_eq!(w.len(), 1);
    assert!(
        matches!(&w[0], SettingWarning::Unsupported { variable, .. } if variable == "OTEL_METRICS_EXEMPLAR_FILTER")
    );
    assert!(w[0].to_string().contains("not supported"), "{}", w[0]);
    assert!(w[0].to_string().contains("no exemplars"), "{}", w[0]);
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

fn unsupported_hint<'a>(w: &'a [SettingWarning], variable: &str) -> &'a str {
    match w.iter().find(|w| w.variable() == variable) {
        Some(SettingWarning::Unsupported { hint, .. }) => hint,
        other => panic!("{variable}: expected a not-supported warning, got {other:?}"),
    }
}

#[test]
fn per_signal_otlp_variables_are_read_not_misspelt() {
    let ca = std::env::temp_dir().join("letta-telemetry-warnings-ca.pem");
    std::fs::write(&ca, "pem").expect("write");
    let ca = ca.display().to_string();
    let w = warnings(&[
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "a=b"),
        ("OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "100"),
        ("OTEL_EXPORTER_OTLP_LOGS_COMPRESSION", "gzip"),
        ("otel_exporter_otlp_traces_certificate", &ca),
        ("OTEL_METRIC_EXPORT_TIMEOUT", "1000"),
        ("OTEL_EXPORTER_OTLP_LOGS_INSECURE", "true"),
    ]);
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn guesses_at_queue_limits_point_at_the_real_variables() {
    let w = warnings(&[("LETTA_TELEMETRY_MAX_QUEUE_SIZE", "100")]);
    let hint = unsupported_hint(&w, "LETTA_TELEMETRY_MAX_QUEUE_SIZE");
    assert!(hint.contains("OTEL_BSP_MAX_QUEUE_SIZE"), "{hint}");
    assert!(!w[0].to_string().contains("did you mean"), "{}", w[0]);
}

#[test]
fn far_off_names_get_no_suggestion() {
    let w = warnings(&[("LETTA_TELEMETRY_COLOUR_SCHEME", "dark")]);
    assert_eq!(
        w,
        [SettingWarning::Unknown {
            variable: "LETTA_TELEMETRY_COLOUR_SCHEME".into(),
            suggestion: None,
        }]
    );
    assert_eq!(
        w[0].to_string(),
        "unknown telemetry variable LETTA_TELEMETRY_COLOUR_SCHEME is ignored"
    );
}

#[test]
fn variables_the_sdk_reads_itself_get_no_warning() {
    // The SDK reads these itself; letta-telemetry reads them too and passes
    // them on, so they are known, never "did you mean OTEL_BSP_…".
    let w = warnings(&[
        ("OTEL_BLRP_SCHEDULE_DELAY", "500"),
        ("OTEL_BLRP_MAX_QUEUE_SIZE", "100"),
        ("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", "64"),
        ("OTEL_SPAN_EVENT_COUNT_LIMIT", "64"),
        ("OTEL_SPAN_LINK_COUNT_LIMIT", "64"),
        ("OTEL_BSP_EXPORT_TIMEOUT", "1000"),
    ]);
    assert!(w.is_empty(), "{w:?}");
}

#[test]
fn aliases_are_compared_by_meaning_not_text() {
    for (a, b) in [("false", "0"), ("TRUE", "yes"), ("off", " no ")] {
        let w = warnings(&[
            ("LETTA_TELEMETRY_DISABLE_TRACING", a),
            ("LETTA_DISABLE_TRACING", b),
        ]);
        assert!(w.is_empty(), "{a} vs {b}: {w:?}");
    }
    let w = warnings(&[
        ("LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY", "1"),
        ("LETTA_OTEL_PREFERRED_TEMPORALITY", "delta"),
        ("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "DELTA"),
    ]);
    assert!(w.is_empty(), "{w:?}");
    // Different meanings still warn, naming the winner.
    let w = warnings(&[
        ("LETTA_TELEMETRY_DISABLE_TRACING", "false"),
        ("LETTA_DISABLE_TRACING", "1"),
    ]);
    assert_eq!(
        w,
        [SettingWarning::Shadowed {
            variable: "LETTA_DISABLE_TRACING".into(),
            used: "LETTA_TELEMETRY_DISABLE_TRACING".into(),
        }]
    );
    // So does an alias whose value is invalid (it would not even parse).
    let w = warnings(&[
        ("LETTA_TELEMETRY_DISABLE_TRACING", "false"),
        ("LETTA_DISABLE_TRACING", "maybe"),
    ]);
    assert_eq!(w.len(), 1, "{w:?}");
}

#[test]
fn each_kind_has_its_own_fix() {
    let w = warnings(&[
        ("LETTA_TELEMETRY_ENABLE_DATADOGG", "true"),
        ("LETTA_TELEMETRY_COLOUR_SCHEME", "dark"),
        ("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "10"),
        ("LETTA_TELEMETRY_DISABLE_TRACING", "true"),
        ("LETTA_DISABLE_TRACING", "false"),
        ("OTEL_TRACES_SAMPLER_ARG", "0.5"),
    ]);
    let by_variable = |v: &str| match w.iter().find(|w| w.variable() == v) {
        Some(w) => (w.kind(), w.fix()),
        None => panic!("no warning for {v}: {w:?}"),
    };
    let (kind, typo) = by_variable("LETTA_TELEMETRY_ENABLE_DATADOGG");
    assert_eq!(kind, WarningKind::Unknown);
    assert!(
        typo.starts_with(
            "rename LETTA_TELEMETRY_ENABLE_DATADOGG to LETTA_TELEMETRY_ENABLE_DATADOG"
        ),
        "{typo}"
    );
    let (kind, unknown) = by_variable("LETTA_TELEMETRY_COLOUR_SCHEME");
    assert_eq!(kind, WarningKind::Unknown);
    assert!(unknown.contains("no setting has this name"), "{unknown}");
    let (kind, unsupported) = by_variable("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT");
    assert_eq!(kind, WarningKind::Unsupported);
    assert!(
        unsupported.contains("no log record limits"),
        "{unsupported}"
    );
    let (kind, shadowed) = by_variable("LETTA_DISABLE_TRACING");
    assert_eq!(kind, WarningKind::Shadowed);
    assert!(
        shadowed.contains("LETTA_TELEMETRY_DISABLE_TRACING takes precedence"),
        "{shadowed}"
    );
    let (kind, ignored) = by_variable("OTEL_TRACES_SAMPLER_ARG");
    assert_eq!(kind, WarningKind::Ignored);
    assert!(ignored.contains("not set to a ratio sampler"), "{ignored}");
    // Only the unknown kind talks about unknown variables.
    for fix in [&unsupported, &shadowed, &ignored] {
        assert!(!fix.contains("unknown variable"), "{fix}");
    }
}
