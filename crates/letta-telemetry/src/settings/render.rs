//! [`Settings::render`]: the effective configuration, with sources, secrets
//! masked.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use super::Settings;
use super::parse::looks_secret;
use super::registry::Field;
use crate::redact::mask_url;

const UNSET: &str = "<unset>";

fn opt(value: Option<&str>) -> String {
    value.map_or_else(|| UNSET.to_string(), str::to_string)
}

fn opt_display<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| UNSET.to_string(), |v| v.to_string())
}

fn millis(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

fn masked_headers(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(k, _)| format!("{k}=***"))
        .collect::<Vec<_>>()
        .join(",")
}

fn compression(c: Option<super::Compression>) -> String {
    c.map_or_else(|| "none".to_string(), |c| c.to_string())
}

/// The value of `field` as rendered: secrets masked.
pub(crate) fn shown_value(s: &Settings, field: Field) -> String {
    let shown = match field {
        Field::EnableDatadog => s.enable_datadog.to_string(),
        Field::DatadogAgentHost => s.datadog_agent_host.clone(),
        Field::DatadogAgentPort => s.datadog_agent_port.to_string(),
        Field::DatadogServiceName => s.datadog_service_name.clone(),
        Field::DatadogProfilingEnabled => s.datadog_profiling_enabled.to_string(),
        Field::DatadogProfilingMemoryEnabled => s.datadog_profiling_memory_enabled.to_string(),
        Field::DatadogProfilingHeapEnabled => s.datadog_profiling_heap_enabled.to_string(),
        Field::DatadogGitRepositoryUrl => opt(s
            .datadog_git_repository_url
            .as_deref()
            .map(mask_url)
            .as_deref()),
        Field::DatadogGitCommitSha => opt(s.datadog_git_commit_sha.as_deref()),
        Field::DatadogMainPackage => s.datadog_main_package.clone(),
        Field::OtelPreferredTemporality => s.otel_preferred_temporality.to_string(),
        Field::DisableTracing => s.disable_tracing.to_string(),
        Field::VerboseTelemetryLogging => s.verbose_telemetry_logging.to_string(),
        Field::SdkDisabled => s.sdk_disabled.to_string(),
        Field::ExcludedEndpointsRegex => s.excluded_endpoints_regex.join(","),
        Field::MetricsEndpointsRegex => s.metrics_endpoints_regex.join(","),
        Field::OtlpEndpoint => opt(s.otlp.endpoint.as_deref().map(mask_url).as_deref()),
        Field::OtlpTracesEndpoint => {
            opt(s.otlp.traces_endpoint.as_deref().map(mask_url).as_deref())
        }
        Field::OtlpMetricsEndpoint => {
            opt(s.otlp.metrics_endpoint.as_deref().map(mask_url).as_deref())
        }
        Field::OtlpLogsEndpoint => opt(s.otlp.logs_endpoint.as_deref().map(mask_url).as_deref()),
        Field::OtlpProtocol => s.otlp.protocol.to_string(),
        Field::OtlpTracesProtocol => opt_display(s.otlp.traces_protocol),
        Field::OtlpMetricsProtocol => opt_display(s.otlp.metrics_protocol),
        Field::OtlpLogsProtocol => opt_display(s.otlp.logs_protocol),
        Field::OtlpHeaders => s
            .otlp
            .headers
            .iter()
            .map(|(k, _)| format!("{k}=***"))
            .collect::<Vec<_>>()
            .join(","),
        Field::OtlpTimeout => millis(s.otlp.timeout),
        Field::OtlpCompression => opt_display(s.otlp.compression).replace(UNSET, "none"),
        Field::OtlpCertificate => opt(s.otlp.certificate.as_deref().map(path).as_deref()),
        Field::OtlpClientCertificate => {
            opt(s.otlp.client_certificate.as_deref().map(path).as_deref())
        }
        Field::OtlpClientKey => opt(s.otlp.client_key.as_deref().map(path).as_deref()),
        Field::OtlpInsecure => s.otlp.insecure.to_string(),
        Field::OtlpTracesHeaders => opt(s
            .otlp
            .traces
            .headers
            .as_deref()
            .map(masked_headers)
            .as_deref()),
        Field::OtlpTracesTimeout => opt(s.otlp.traces.timeout.map(millis).as_deref()),
        Field::OtlpTracesCompression => opt(s.otlp.traces.compression.map(compression).as_deref()),
        Field::OtlpTracesCertificate => {
            opt(s.otlp.traces.certificate.as_deref().map(path).as_deref())
        }
        Field::OtlpTracesClientCertificate => opt(s
            .otlp
            .traces
            .client_certificate
            .as_deref()
            .map(path)
            .as_deref()),
        Field::OtlpTracesClientKey => opt(s.otlp.traces.client_key.as_deref().map(path).as_deref()),
        Field::OtlpTracesInsecure => opt_display(s.otlp.traces.insecure),
        Field::OtlpMetricsHeaders => opt(s
            .otlp
            .metrics
            .headers
            .as_deref()
            .map(masked_headers)
            .as_deref()),
        Field::OtlpMetricsTimeout => opt(s.otlp.metrics.timeout.map(millis).as_deref()),
        Field::OtlpMetricsCompression => {
            opt(s.otlp.metrics.compression.map(compression).as_deref())
        }
        Field::OtlpMetricsCertificate => {
            opt(s.otlp.metrics.certificate.as_deref().map(path).as_deref())
        }
        Field::OtlpMetricsClientCertificate => opt(s
            .otlp
            .metrics
            .client_certificate
            .as_deref()
            .map(path)
            .as_deref()),
        Field::OtlpMetricsClientKey => {
            opt(s.otlp.metrics.client_key.as_deref().map(path).as_deref())
        }
        Field::OtlpMetricsInsecure => opt_display(s.otlp.metrics.insecure),
        Field::OtlpLogsHeaders => opt(s
            .otlp
            .logs
            .headers
            .as_deref()
            .map(masked_headers)
            .as_deref()),
        Field::OtlpLogsTimeout => opt(s.otlp.logs.timeout.map(millis).as_deref()),
        Field::OtlpLogsCompression => opt(s.otlp.logs.compression.map(compression).as_deref()),
        Field::OtlpLogsCertificate => opt(s.otlp.logs.certificate.as_deref().map(path).as_deref()),
        Field::OtlpLogsClientCertificate => opt(s
            .otlp
            .logs
            .client_certificate
            .as_deref()
            .map(path)
            .as_deref()),
        Field::OtlpLogsClientKey => opt(s.otlp.logs.client_key.as_deref().map(path).as_deref()),
        Field::OtlpLogsInsecure => opt_display(s.otlp.logs.insecure),
        Field::ServiceName => s.service_name.clone(),
        Field::ServiceVersion => s.service_version.clone(),
        Field::Environment => opt(s.environment.as_deref()),
        Field::EnvName => opt(s.env_name.as_deref()),
        Field::ResourceAttributes => s
            .resource_attributes
            .iter()
            .map(|(k, v)| {
                if looks_secret(k) {
                    format!("{k}=***")
                } else {
                    format!("{k}={v}")
                }
            })
            .collect::<Vec<_>>()
            .join(","),
        Field::Sampler => s.sampler.to_string(),
        Field::LettaDir => path(&s.letta_dir),
        Field::JsonLogging => s.json_logging.to_string(),
        Field::Debug => s.debug.to_string(),
        Field::MetricExportInterval => millis(s.metric_export_interval),
        Field::MaxRequestBytes => s.limits.max_request_bytes.to_string(),
        Field::MaxQueueSpans => s.limits.max_queue_spans.to_string(),
        Field::MaxQueueBytes => s.limits.max_queue_bytes.to_string(),
        Field::MaxBatchSpans => s.limits.max_batch_spans.to_string(),
        Field::ScheduleDelay => millis(s.limits.schedule_delay),
        Field::ShutdownTimeout => millis(s.limits.shutdown_timeout),
        Field::FileMaxBytes => s.limits.file_max_bytes.to_string(),
        Field::FileBackups => s.limits.file_backups.to_string(),
        Field::LegacyAttributes => s.legacy_attributes.to_string(),
        Field::GenaiCaptureMessageContent => s.genai_capture_message_content.to_string(),
        Field::TracesExporter => s.sdk.traces_exporter.to_string(),
        Field::MetricsExporter => s.sdk.metrics_exporter.to_string(),
        Field::LogsExporter => s.sdk.logs_exporter.to_string(),
        Field::Propagators => {
            if s.sdk.propagators.is_empty() {
                "none".into()
            } else {
                s.sdk
                    .propagators
                    .iter()
                    .map(|p| p.name())
                    .collect::<Vec<_>>()
                    .join(",")
            }
        }
        Field::SpanAttributeCount => s.sdk.span_limits.attribute_count.to_string(),
        Field::SpanEventCount => s.sdk.span_limits.event_count.to_string(),
        Field::SpanLinkCount => s.sdk.span_limits.link_count.to_string(),
        Field::SpanEventAttributeCount => s.sdk.span_limits.event_attribute_count.to_string(),
        Field::SpanLinkAttributeCount => s.sdk.span_limits.link_attribute_count.to_string(),
        Field::SpanAttributeValueLength => {
            opt_display(s.sdk.span_limits.attribute_value_length).replace(UNSET, "no limit")
        }
        Field::SpanExportTimeout => millis(s.sdk.span_export_timeout),
        Field::MetricExportTimeout => millis(s.sdk.metric_export_timeout),
        Field::LogBatchMaxQueueSize => s.sdk.log_batch.max_queue_size.to_string(),
        Field::LogBatchMaxExportBatchSize => s.sdk.log_batch.max_export_batch_size.to_string(),
        Field::LogBatchScheduleDelay => millis(s.sdk.log_batch.schedule_delay),
        Field::LogBatchExportTimeout => millis(s.sdk.log_batch.export_timeout),
        Field::SdkLogLevel => opt_display(s.sdk.log_level).to_lowercase(),
    };
    if shown.is_empty() {
        "<none>".into()
    } else if looks_secret(field.key()) && shown != UNSET {
        "***".into()
    } else {
        shown
    }
}

/// One line per setting (`key = value (source)`), then the effective
/// endpoints and the warnings.
pub(crate) fn render(s: &Settings) -> String {
    let width = Field::ALL.iter().map(|f| f.key().len()).max().unwrap_or(0);
    let mut out = String::from("letta-telemetry settings:\n");
    let mut hidden = 0;
    for &field in Field::ALL {
        // A signal's own OTLP settings are shown only when set: unset, the
        // generic value applies, and 21 `<unset>` lines would bury the rest.
        let key = field.key();
        let per_signal = ["otlp.traces.", "otlp.metrics.", "otlp.logs."]
            .iter()
            .any(|p| key.starts_with(p));
        if per_signal && shown_value(s, field) == UNSET && s.source(field) == super::Source::Default
        {
            hidden += 1;
            continue;
        }
        let _ = writeln!(
            out,
            "  {:width$} = {}  ({})",
            field.key(),
            shown_value(s, field),
            s.source(field),
        );
    }
    if hidden > 0 {
        let _ = writeln!(
            out,
            "  ({hidden} per-signal otlp.<signal>.* settings unset: the generic ones apply)"
        );
    }
    let _ = writeln!(out, "effective:");
    let _ = writeln!(out, "  tracing enabled = {}", s.tracing_enabled());
    let local = format!("local files under {}", s.logs_dir().display());
    for signal in [
        super::Signal::Traces,
        super::Signal::Metrics,
        super::Signal::Logs,
    ] {
        let target = match s.destination(signal) {
            super::Destination::Otlp { endpoint } => {
                format!("{} ({})", mask_url(&endpoint), s.protocol(signal))
            }
            super::Destination::LocalFiles => local.clone(),
            super::Destination::Console => "console (stdout)".to_string(),
            super::Destination::Off if signal == super::Signal::Logs => {
                format!("{local} (log export off)")
            }
            super::Destination::Off if !s.tracing_enabled() => "off (tracing disabled)".to_string(),
            super::Destination::Off => "off (exporter none)".to_string(),
        };
        let _ = writeln!(out, "  {signal} -> {target}");
    }
    let _ = writeln!(
        out,
        "  deployment.environment = {}",
        s.effective_environment()
    );
    if !s.warnings().is_empty() {
        let _ = writeln!(out, "warnings:");
        for w in s.warnings() {
            let _ = writeln!(out, "  {w}");
        }
    }
    out
}

impl std::fmt::Debug for Settings {
    /// Every setting by its key, secrets masked as in [`Settings::render`].
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for &field in Field::ALL {
            map.entry(&field.key(), &shown_value(self, field));
        }
        map.entry(&"warnings", &self.warnings());
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::{Field, SETTINGS, Settings};
    use super::shown_value;

    /// Every variable that can carry a secret, with one planted.
    const PLANTED: &[(&str, &str)] = &[
        ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr3t"),
        ("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "api-key=s3cr3t"),
        ("OTEL_EXPORTER_OTLP_METRICS_HEADERS", "api-key=s3cr3t"),
        ("OTEL_EXPORTER_OTLP_LOGS_HEADERS", "api-key=s3cr3t"),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "http://u:s3cr3t@collector:4317",
        ),
        (
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "http://u:s3cr3t@c:4317",
        ),
        (
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
            "http://u:s3cr3t@c:4317",
        ),
        ("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://u:s3cr3t@c:4317"),
        ("OTEL_RESOURCE_ATTRIBUTES", "team=agents,api_token=s3cr3t"),
        (
            "LETTA_TELEMETRY_DATADOG_GIT_REPOSITORY_URL",
            "https://u:s3cr3t@github.com/org/repo",
        ),
    ];

    #[test]
    fn settings_flagged_secret_are_the_ones_that_can_leak_and_are_masked() {
        let settings = Settings::from_vars(PLANTED.iter().copied()).expect("valid settings");
        for spec in SETTINGS {
            let shown = shown_value(&settings, spec.field);
            assert!(!shown.contains("s3cr3t"), "{} shows {shown}", spec.key);
        }
        assert!(!format!("{settings:?}").contains("s3cr3t"));
        assert!(!settings.render().contains("s3cr3t"));
        let planted: BTreeSet<Field> = SETTINGS
            .iter()
            .filter(|s| {
                s.variables
                    .iter()
                    .any(|v| PLANTED.iter().any(|(p, _)| p == v))
            })
            .map(|s| s.field)
            .collect();
        let flagged: BTreeSet<Field> = SETTINGS
            .iter()
            .filter(|s| s.secret)
            .map(|s| s.field)
            .collect();
        assert_eq!(
            planted, flagged,
            "the secret flag and the planted variables"
        );
        // The values are there, only masked.
        assert_eq!(settings.otlp.headers[0].1, "s3cr3t");
    }
}
