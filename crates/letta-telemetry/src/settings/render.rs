//! [`Settings::render`]: the effective configuration, with sources, secrets
//! masked.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use super::Settings;
use super::parse::{looks_secret, mask_url};
use super::source::Field;

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
    for &field in Field::ALL {
        let _ = writeln!(
            out,
            "  {:width$} = {}  ({})",
            field.key(),
            shown_value(s, field),
            s.source(field),
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
        // What `init` installs: traces and metrics need tracing; the OTLP log
        // exporter needs only the SDK (console and Letta.log are always on).
        let shown = |e: &str| format!("{} ({})", mask_url(e), s.protocol(signal));
        let target = match (signal, s.endpoint(signal)) {
            (super::Signal::Logs, Some(e)) if s.logs_to_otlp() => shown(&e),
            (super::Signal::Logs, Some(_)) => {
                format!("{local} (OTLP log export off: OTEL_SDK_DISABLED)")
            }
            (super::Signal::Logs, None) => local.clone(),
            _ if !s.tracing_enabled() => "off (tracing disabled)".to_string(),
            (_, Some(e)) => shown(&e),
            (_, None) => local.clone(),
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
