//! Where each setting came from: [`Field`] names a setting, [`Source`] says
//! whether its value is the default, came from a variable or from code.

use std::fmt;

/// Where the value of a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// The built-in default (possibly computed, like `$HOME/.letta`).
    Default,
    /// An environment variable, as spelled in the environment.
    Environment {
        /// The variable.
        variable: String,
    },
    /// Code: the builder, or a field assigned after the settings were built.
    Code,
}

impl Source {
    /// The variable, for [`Source::Environment`].
    pub fn variable(&self) -> Option<&str> {
        match self {
            Self::Environment { variable } => Some(variable),
            _ => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Default => f.write_str("default"),
            Self::Environment { variable } => write!(f, "environment: {variable}"),
            Self::Code => f.write_str("code"),
        }
    }
}

macro_rules! fields {
    ($( $variant:ident = $key:literal, )*) => {
        /// One setting, named as in [`Settings::render`](super::Settings::render)
        /// (the field path in [`Settings`](super::Settings)).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Field {
            $(
                #[doc = concat!("`", $key, "`.")]
                $variant,
            )*
        }

        impl Field {
            /// Every setting, in rendering order.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The field path, e.g. `otlp.endpoint`.
            pub fn key(self) -> &'static str {
                match self {
                    $(Field::$variant => $key,)*
                }
            }
        }
    };
}

fields! {
    EnableDatadog = "enable_datadog",
    DatadogAgentHost = "datadog_agent_host",
    DatadogAgentPort = "datadog_agent_port",
    DatadogServiceName = "datadog_service_name",
    DatadogProfilingEnabled = "datadog_profiling_enabled",
    DatadogProfilingMemoryEnabled = "datadog_profiling_memory_enabled",
    DatadogProfilingHeapEnabled = "datadog_profiling_heap_enabled",
    DatadogGitRepositoryUrl = "datadog_git_repository_url",
    DatadogGitCommitSha = "datadog_git_commit_sha",
    DatadogMainPackage = "datadog_main_package",
    OtelPreferredTemporality = "otel_preferred_temporality",
    DisableTracing = "disable_tracing",
    VerboseTelemetryLogging = "verbose_telemetry_logging",
    SdkDisabled = "sdk_disabled",
    ExcludedEndpointsRegex = "excluded_endpoints_regex",
    MetricsEndpointsRegex = "metrics_endpoints_regex",
    OtlpEndpoint = "otlp.endpoint",
    OtlpTracesEndpoint = "otlp.traces_endpoint",
    OtlpMetricsEndpoint = "otlp.metrics_endpoint",
    OtlpLogsEndpoint = "otlp.logs_endpoint",
    OtlpProtocol = "otlp.protocol",
    OtlpTracesProtocol = "otlp.traces_protocol",
    OtlpMetricsProtocol = "otlp.metrics_protocol",
    OtlpLogsProtocol = "otlp.logs_protocol",
    OtlpHeaders = "otlp.headers",
    OtlpTimeout = "otlp.timeout",
    OtlpCompression = "otlp.compression",
    OtlpCertificate = "otlp.certificate",
    OtlpClientCertificate = "otlp.client_certificate",
    OtlpClientKey = "otlp.client_key",
    OtlpInsecure = "otlp.insecure",
    OtlpTracesHeaders = "otlp.traces.headers",
    OtlpTracesTimeout = "otlp.traces.timeout",
    OtlpTracesCompression = "otlp.traces.compression",
    OtlpTracesCertificate = "otlp.traces.certificate",
    OtlpTracesClientCertificate = "otlp.traces.client_certificate",
    OtlpTracesClientKey = "otlp.traces.client_key",
    OtlpTracesInsecure = "otlp.traces.insecure",
    OtlpMetricsHeaders = "otlp.metrics.headers",
    OtlpMetricsTimeout = "otlp.metrics.timeout",
    OtlpMetricsCompression = "otlp.metrics.compression",
    OtlpMetricsCertificate = "otlp.metrics.certificate",
    OtlpMetricsClientCertificate = "otlp.metrics.client_certificate",
    OtlpMetricsClientKey = "otlp.metrics.client_key",
    OtlpMetricsInsecure = "otlp.metrics.insecure",
    OtlpLogsHeaders = "otlp.logs.headers",
    OtlpLogsTimeout = "otlp.logs.timeout",
    OtlpLogsCompression = "otlp.logs.compression",
    OtlpLogsCertificate = "otlp.logs.certificate",
    OtlpLogsClientCertificate = "otlp.logs.client_certificate",
    OtlpLogsClientKey = "otlp.logs.client_key",
    OtlpLogsInsecure = "otlp.logs.insecure",
    ServiceName = "service_name",
    ServiceVersion = "service_version",
    Environment = "environment",
    EnvName = "env_name",
    ResourceAttributes = "resource_attributes",
    Sampler = "sampler",
    LettaDir = "letta_dir",
    JsonLogging = "json_logging",
    Debug = "debug",
    MetricExportInterval = "metric_export_interval",
    MaxRequestBytes = "limits.max_request_bytes",
    MaxQueueSpans = "limits.max_queue_spans",
    MaxQueueBytes = "limits.max_queue_bytes",
    MaxBatchSpans = "limits.max_batch_spans",
    ScheduleDelay = "limits.schedule_delay",
    ShutdownTimeout = "limits.shutdown_timeout",
    FileMaxBytes = "limits.file_max_bytes",
    FileBackups = "limits.file_backups",
    LegacyAttributes = "legacy_attributes",
    TracesExporter = "sdk.traces_exporter",
    MetricsExporter = "sdk.metrics_exporter",
    LogsExporter = "sdk.logs_exporter",
    Propagators = "sdk.propagators",
    SpanAttributeCount = "sdk.span_limits.attribute_count",
    SpanEventCount = "sdk.span_limits.event_count",
    SpanLinkCount = "sdk.span_limits.link_count",
    SpanEventAttributeCount = "sdk.span_limits.event_attribute_count",
    SpanLinkAttributeCount = "sdk.span_limits.link_attribute_count",
    SpanAttributeValueLength = "sdk.span_limits.attribute_value_length",
    SpanExportTimeout = "sdk.span_export_timeout",
    MetricExportTimeout = "sdk.metric_export_timeout",
    LogBatchMaxQueueSize = "sdk.log_batch.max_queue_size",
    LogBatchMaxExportBatchSize = "sdk.log_batch.max_export_batch_size",
    LogBatchScheduleDelay = "sdk.log_batch.schedule_delay",
    LogBatchExportTimeout = "sdk.log_batch.export_timeout",
    SdkLogLevel = "sdk.log_level",
}

/// The source of every field and the value it had when the settings were
/// built, so a field changed afterwards is reported as set by code.
#[derive(Debug, Clone, Default)]
pub(crate) struct Provenance {
    entries: Vec<Option<(Source, String)>>,
}

impl Provenance {
    pub(crate) fn record(&mut self, field: Field, source: Source, shown: String) {
        let i = field as usize;
        if self.entries.len() <= i {
            self.entries.resize(Field::ALL.len().max(i + 1), None);
        }
        self.entries[i] = Some((source, shown));
    }

    /// The source of `field`, given how it shows now.
    pub(crate) fn source(&self, field: Field, shown_now: &str) -> Source {
        match self.entries.get(field as usize) {
            Some(Some((source, shown))) if shown == shown_now => source.clone(),
            Some(Some(_)) => Source::Code,
            _ => Source::Default,
        }
    }
}
