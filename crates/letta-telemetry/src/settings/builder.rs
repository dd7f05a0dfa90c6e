//! [`SettingsBuilder`]: settings from code, completed from the environment.

use std::path::PathBuf;
use std::time::Duration;

use super::Settings;
use super::env::EnvSource;
use super::error::{SettingProblem, SettingsError};
use super::limits::ExportLimits;
use super::otlp::OtlpSettings;
use super::parse;
use super::resolver::Resolver;
use super::source::{Field, Source};
use super::values::{Compression, InvalidValue, Protocol, SamplerSetting, Signal, Temporality};
use super::vars as v;
use super::warning;

macro_rules! code_values {
    ($( $(#[$doc:meta])* $method:ident => $field:ident: $kind:ident $ty:ty, )*) => {
        /// Values set in code.
        #[derive(Clone, Default)]
        struct Code {
            $( $field: Option<$ty>, )*
            headers: Option<Vec<(String, String)>>,
            resource_attributes: Option<Vec<(String, String)>>,
        }

        impl SettingsBuilder {
            $( code_values!(@method $(#[$doc])* $method $field $kind $ty); )*
        }
    };
    (@method $(#[$doc:meta])* $method:ident $field:ident into $ty:ty) => {
        $(#[$doc])*
        pub fn $method(mut self, value: impl Into<$ty>) -> Self {
            self.code.$field = Some(value.into());
            self
        }
    };
    (@method $(#[$doc:meta])* $method:ident $field:ident value $ty:ty) => {
        $(#[$doc])*
        pub fn $method(mut self, value: $ty) -> Self {
            self.code.$field = Some(value);
            self
        }
    };
}

/// Builds [`Settings`] from code and the environment; code wins.
///
/// Every `with_*` method sets one setting; what is not set in code is read
/// from the environment, then defaulted. Values from code are validated like
/// values from the environment (the problem then names the builder method).
#[derive(Clone, Default)]
#[must_use = "call build() to get the settings"]
pub struct SettingsBuilder {
    code: Code,
}

impl std::fmt::Debug for SettingsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsBuilder").finish_non_exhaustive()
    }
}

code_values! {
    /// Datadog APM on.
    with_enable_datadog => enable_datadog: value bool,
    /// Datadog agent host.
    with_datadog_agent_host => datadog_agent_host: into String,
    /// Datadog agent port (1..=65535).
    with_datadog_agent_port => datadog_agent_port: value u16,
    /// Datadog service name.
    with_datadog_service_name => datadog_service_name: into String,
    /// Datadog profiling on.
    with_datadog_profiling_enabled => datadog_profiling_enabled: value bool,
    /// Datadog memory profiling on.
    with_datadog_profiling_memory_enabled => datadog_profiling_memory_enabled: value bool,
    /// Datadog heap profiling on.
    with_datadog_profiling_heap_enabled => datadog_profiling_heap_enabled: value bool,
    /// Git repository URL for Datadog.
    with_datadog_git_repository_url => datadog_git_repository_url: into String,
    /// Git commit for Datadog.
    with_datadog_git_commit_sha => datadog_git_commit_sha: into String,
    /// Which code is "ours" for Datadog.
    with_datadog_main_package => datadog_main_package: into String,
    /// Metric temporality.
    with_otel_preferred_temporality => otel_preferred_temporality: value Temporality,
    /// Turns tracing off.
    with_disable_tracing => disable_tracing: value bool,
    /// Debug logs of the telemetry pipeline.
    with_verbose_telemetry_logging => verbose_telemetry_logging: value bool,
    /// No telemetry pipeline at all.
    with_sdk_disabled => sdk_disabled: value bool,
    /// Regexes of `"<METHOD> <path>"` excluded from tracing (each must compile;
    /// replaces the default list).
    with_excluded_endpoints_regex => excluded_endpoints_regex: into Vec<String>,
    /// Regexes of `"<METHOD> <path>"` that get endpoint metrics (each must
    /// compile; replaces the default list).
    with_metrics_endpoints_regex => metrics_endpoints_regex: into Vec<String>,
    /// Generic OTLP endpoint (validated like `OTEL_EXPORTER_OTLP_ENDPOINT`).
    with_otlp_endpoint => otlp_endpoint: into String,
    /// OTLP endpoint of traces, used as-is.
    with_otlp_traces_endpoint => otlp_traces_endpoint: into String,
    /// OTLP endpoint of metrics, used as-is.
    with_otlp_metrics_endpoint => otlp_metrics_endpoint: into String,
    /// OTLP endpoint of logs, used as-is.
    with_otlp_logs_endpoint => otlp_logs_endpoint: into String,
    /// OTLP protocol.
    with_otlp_protocol => otlp_protocol: value Protocol,
    /// OTLP protocol of traces.
    with_otlp_traces_protocol => otlp_traces_protocol: value Protocol,
    /// OTLP protocol of metrics.
    with_otlp_metrics_protocol => otlp_metrics_protocol: value Protocol,
    /// OTLP protocol of logs.
    with_otlp_logs_protocol => otlp_logs_protocol: value Protocol,
    /// OTLP export timeout (positive).
    with_otlp_timeout => otlp_timeout: value Duration,
    /// OTLP compression (`None` for none).
    with_otlp_compression => otlp_compression: value Option<Compression>,
    /// PEM file of the collector's CA (must exist).
    with_otlp_certificate => otlp_certificate: into PathBuf,
    /// Service name.
    with_service_name => service_name: into String,
    /// The server's version.
    with_service_version => service_version: into String,
    /// Environment name (raw; normalised for `deployment.environment`).
    with_environment => environment: into String,
    /// `ENV_NAME` (raw).
    with_env_name => env_name: into String,
    /// Trace sampler (ratios in 0.0..=1.0).
    with_sampler => sampler: value SamplerSetting,
    /// Letta's home directory.
    with_letta_dir => letta_dir: into PathBuf,
    /// JSON log lines.
    with_json_logging => json_logging: value bool,
    /// Debug log level.
    with_debug => debug: value bool,
    /// Interval of the periodic metric reader (positive).
    with_metric_export_interval => metric_export_interval: value Duration,
    /// Largest encoded export request in bytes (positive).
    with_max_request_bytes => max_request_bytes: value usize,
    /// Most spans waiting in the queue (positive).
    with_max_queue_spans => max_queue_spans: value usize,
    /// Most estimated bytes waiting in the queue (positive).
    with_max_queue_bytes => max_queue_bytes: value usize,
    /// Most spans in one batch (positive, at most the queue size).
    with_max_batch_spans => max_batch_spans: value usize,
    /// Longest wait before a partial batch is exported (positive).
    with_schedule_delay => schedule_delay: value Duration,
    /// Deadline of shutdown (positive).
    with_shutdown_timeout => shutdown_timeout: value Duration,
    /// Size at which a local telemetry file is rotated (positive).
    with_file_max_bytes => file_max_bytes: value u64,
    /// Rotated local telemetry files kept.
    with_file_backups => file_backups: value usize,
    /// The reference's legacy attribute names beside the stable ones.
    with_legacy_attributes => legacy_attributes: value bool,
}

impl SettingsBuilder {
    /// Adds an OTLP header (the value is a secret: never rendered). Headers
    /// set in code replace `OTEL_EXPORTER_OTLP_HEADERS`.
    pub fn with_otlp_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.code
            .headers
            .get_or_insert_with(Vec::new)
            .push((name.into(), value.into()));
        self
    }

    /// Adds a resource attribute. Attributes set in code replace
    /// `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn with_resource_attribute(
        mut self,
        key: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.code
            .resource_attributes
            .get_or_insert_with(Vec::new)
            .push((key.into(), value.into()));
        self
    }

    /// Completes the settings from the process environment.
    pub fn build(self) -> Result<Settings, SettingsError> {
        self.build_from(&EnvSource::from_process())
    }

    /// Completes the settings from `(name, value)` pairs.
    pub fn build_from_vars<I, K, V>(self, vars: I) -> Result<Settings, SettingsError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        self.build_from(&EnvSource::from_vars(vars))
    }

    /// Completes the settings from `env`; every invalid value is reported.
    pub fn build_from(self, env: &EnvSource) -> Result<Settings, SettingsError> {
        let mut r = Resolver {
            env,
            problems: Vec::new(),
            warnings: Vec::new(),
            sources: Vec::new(),
        };
        let c = self.code;
        let d = Settings::default();
        let dl = ExportLimits::default();

        let enable_datadog =
            r.boolean(Field::EnableDatadog, c.enable_datadog, &[v::ENABLE_DATADOG]);
        let datadog_agent_host = r.string(
            Field::DatadogAgentHost,
            c.datadog_agent_host,
            &[v::DATADOG_AGENT_HOST],
        );
        let datadog_agent_port = r.value(
            Field::DatadogAgentPort,
            c.datadog_agent_port,
            &[v::DATADOG_AGENT_PORT],
            parse::parse_port,
        );
        if datadog_agent_port == Some(0) {
            r.code_problem(
                "with_datadog_agent_port",
                "0",
                "an integer port in 1..=65535",
            );
        }
        let datadog_service_name = r.string(
            Field::DatadogServiceName,
            c.datadog_service_name,
            &[v::DATADOG_SERVICE_NAME],
        );
        let datadog_profiling_enabled = r.boolean(
            Field::DatadogProfilingEnabled,
            c.datadog_profiling_enabled,
            &[v::DATADOG_PROFILING_ENABLED],
        );
        let datadog_profiling_memory_enabled = r.boolean(
            Field::DatadogProfilingMemoryEnabled,
            c.datadog_profiling_memory_enabled,
            &[v::DATADOG_PROFILING_MEMORY_ENABLED],
        );
        let datadog_profiling_heap_enabled = r.boolean(
            Field::DatadogProfilingHeapEnabled,
            c.datadog_profiling_heap_enabled,
            &[v::DATADOG_PROFILING_HEAP_ENABLED],
        );
        let datadog_git_repository_url = r.string(
            Field::DatadogGitRepositoryUrl,
            c.datadog_git_repository_url,
            &[v::DATADOG_GIT_REPOSITORY_URL, v::DD_GIT_REPOSITORY_URL],
        );
        let datadog_git_commit_sha = r.string(
            Field::DatadogGitCommitSha,
            c.datadog_git_commit_sha,
            &[v::DATADOG_GIT_COMMIT_SHA, v::DD_GIT_COMMIT_SHA],
        );
        let datadog_main_package = r.string(
            Field::DatadogMainPackage,
            c.datadog_main_package,
            &[v::DATADOG_MAIN_PACKAGE, v::DD_MAIN_PACKAGE],
        );
        let otel_preferred_temporality = r.value(
            Field::OtelPreferredTemporality,
            c.otel_preferred_temporality,
            &[
                v::OTEL_PREFERRED_TEMPORALITY,
                v::LETTA_OTEL_PREFERRED_TEMPORALITY,
                v::OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
            ],
            str::parse::<Temporality>,
        );
        let disable_tracing = r.boolean(
            Field::DisableTracing,
            c.disable_tracing,
            &[v::DISABLE_TRACING, v::LETTA_DISABLE_TRACING],
        );
        let verbose_telemetry_logging = r.boolean(
            Field::VerboseTelemetryLogging,
            c.verbose_telemetry_logging,
            &[v::VERBOSE_TELEMETRY_LOGGING],
        );
        let sdk_disabled = r.boolean(Field::SdkDisabled, c.sdk_disabled, &[v::OTEL_SDK_DISABLED]);
        let excluded_endpoints_regex = r.regex_list(
            Field::ExcludedEndpointsRegex,
            c.excluded_endpoints_regex,
            "with_excluded_endpoints_regex",
            &[v::EXCLUDED_ENDPOINTS_REGEX],
        );
        let metrics_endpoints_regex = r.regex_list(
            Field::MetricsEndpointsRegex,
            c.metrics_endpoints_regex,
            "with_metrics_endpoints_regex",
            &[v::METRICS_ENDPOINTS_REGEX],
        );

        // OTLP: protocols first, since they decide which endpoints are valid.
        let protocol = r
            .value(
                Field::OtlpProtocol,
                c.otlp_protocol,
                &[v::OTEL_EXPORTER_OTLP_PROTOCOL],
                str::parse::<Protocol>,
            )
            .unwrap_or(d.otlp.protocol);
        let traces_protocol = r.value(
            Field::OtlpTracesProtocol,
            c.otlp_traces_protocol,
            &[v::OTEL_EXPORTER_OTLP_TRACES_PROTOCOL],
            str::parse::<Protocol>,
        );
        let metrics_protocol = r.value(
            Field::OtlpMetricsProtocol,
            c.otlp_metrics_protocol,
            &[v::OTEL_EXPORTER_OTLP_METRICS_PROTOCOL],
            str::parse::<Protocol>,
        );
        let logs_protocol = r.value(
            Field::OtlpLogsProtocol,
            c.otlp_logs_protocol,
            &[v::OTEL_EXPORTER_OTLP_LOGS_PROTOCOL],
            str::parse::<Protocol>,
        );
        // Insecure before the endpoints: it decides what `host:port` means.
        let insecure = r
            .boolean(Field::OtlpInsecure, None, &[v::OTEL_EXPORTER_OTLP_INSECURE])
            .unwrap_or(false);
        let traces_own = r.signal_otlp(Signal::Traces);
        let metrics_own = r.signal_otlp(Signal::Metrics);
        let logs_own = r.signal_otlp(Signal::Logs);
        let endpoint = r.endpoint(
            Field::OtlpEndpoint,
            c.otlp_endpoint,
            "with_otlp_endpoint",
            &[
                v::LETTA_OTEL_EXPORTER_OTLP_ENDPOINT,
                v::OTEL_EXPORTER_OTLP_ENDPOINT,
            ],
            protocol,
            insecure,
        );
        let traces_endpoint = r.endpoint(
            Field::OtlpTracesEndpoint,
            c.otlp_traces_endpoint,
            "with_otlp_traces_endpoint",
            &[v::OTEL_EXPORTER_OTLP_TRACES_ENDPOINT],
            traces_protocol.unwrap_or(protocol),
            traces_own.insecure.unwrap_or(insecure),
        );
        let metrics_endpoint = r.endpoint(
            Field::OtlpMetricsEndpoint,
            c.otlp_metrics_endpoint,
            "with_otlp_metrics_endpoint",
            &[v::OTEL_EXPORTER_OTLP_METRICS_ENDPOINT],
            metrics_protocol.unwrap_or(protocol),
            metrics_own.insecure.unwrap_or(insecure),
        );
        let logs_endpoint = r.endpoint(
            Field::OtlpLogsEndpoint,
            c.otlp_logs_endpoint,
            "with_otlp_logs_endpoint",
            &[v::OTEL_EXPORTER_OTLP_LOGS_ENDPOINT],
            logs_protocol.unwrap_or(protocol),
            logs_own.insecure.unwrap_or(insecure),
        );
        let headers = match c.headers {
            Some(h) => {
                if let Err(e) = parse::check_headers(&h) {
                    let shown = h.iter().map(|(k, _)| format!("{k}=***"));
                    r.code_problem(
                        "with_otlp_header",
                        shown.collect::<Vec<_>>().join(","),
                        e.expected,
                    );
                }
                r.sources.push((Field::OtlpHeaders, Source::Code));
                Some(h)
            }
            None => r.env_value(
                Field::OtlpHeaders,
                &[v::OTEL_EXPORTER_OTLP_HEADERS],
                parse::mask_key_values,
                parse::parse_headers,
            ),
        }
        .unwrap_or_default();
        let timeout = r.duration(
            Field::OtlpTimeout,
            c.otlp_timeout,
            "with_otlp_timeout",
            &[v::OTEL_EXPORTER_OTLP_TIMEOUT],
        );
        let compression = r
            .value(
                Field::OtlpCompression,
                c.otlp_compression,
                &[v::OTEL_EXPORTER_OTLP_COMPRESSION],
                parse::parse_compression,
            )
            .flatten();
        let certificate = match c.otlp_certificate {
            Some(path) => {
                if let Err(e) = parse::check_certificate(&path) {
                    r.code_problem(
                        "with_otlp_certificate",
                        path.display().to_string(),
                        e.expected,
                    );
                }
                r.sources.push((Field::OtlpCertificate, Source::Code));
                Some(path)
            }
            None => r.env_value(
                Field::OtlpCertificate,
                &[v::OTEL_EXPORTER_OTLP_CERTIFICATE],
                str::to_owned,
                parse::parse_certificate,
            ),
        };

        let client_certificate = r.env_value(
            Field::OtlpClientCertificate,
            &[v::OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE],
            str::to_owned,
            parse::parse_certificate,
        );
        let client_key = r.env_value(
            Field::OtlpClientKey,
            &[v::OTEL_EXPORTER_OTLP_CLIENT_KEY],
            str::to_owned,
            parse::parse_certificate,
        );
        r.check_client_pair(
            (&client_certificate, &client_key),
            [
                (Signal::Traces, &traces_own),
                (Signal::Metrics, &metrics_own),
                (Signal::Logs, &logs_own),
            ],
        );
        let sdk = r.sdk();
        let legacy_attributes = r.legacy_attributes(c.legacy_attributes);

        // Identity.
        let environment = r.string(Field::Environment, c.environment, &[v::LETTA_ENVIRONMENT]);
        let env_name = r.string(Field::EnvName, c.env_name, &[v::ENV_NAME]);
        let resource_attributes = match c.resource_attributes {
            Some(a) => {
                r.sources.push((Field::ResourceAttributes, Source::Code));
                Some(a)
            }
            None => r.env_value(
                Field::ResourceAttributes,
                &[v::OTEL_RESOURCE_ATTRIBUTES],
                parse::mask_secret_key_values,
                parse::parse_key_values,
            ),
        }
        .unwrap_or_default();
        let service_name =
            r.service_name(c.service_name, env_name.as_deref(), &resource_attributes);
        let service_version = r.code_only(Field::ServiceVersion, c.service_version);

        let sampler = r.sampler(c.sampler);
        let letta_dir = r.letta_dir(c.letta_dir);
        let json_logging = r.boolean(
            Field::JsonLogging,
            c.json_logging,
            &[v::LETTA_LOGGING_JSON_LOGGING],
        );
        let debug = r.boolean(Field::Debug, c.debug, &[v::LETTA_DEBUG]);
        let metric_export_interval = r.duration(
            Field::MetricExportInterval,
            c.metric_export_interval,
            "with_metric_export_interval",
            &[v::OTEL_METRIC_EXPORT_INTERVAL],
        );

        // Limits.
        let max_request_bytes = r.count(
            Field::MaxRequestBytes,
            c.max_request_bytes,
            "with_max_request_bytes",
            &[v::MAX_REQUEST_BYTES],
        );
        let max_queue_spans = r.count(
            Field::MaxQueueSpans,
            c.max_queue_spans,
            "with_max_queue_spans",
            &[v::OTEL_BSP_MAX_QUEUE_SIZE],
        );
        let max_queue_bytes = r.count(
            Field::MaxQueueBytes,
            c.max_queue_bytes,
            "with_max_queue_bytes",
            &[v::MAX_QUEUE_BYTES],
        );
        let max_batch_spans = r.count(
            Field::MaxBatchSpans,
            c.max_batch_spans,
            "with_max_batch_spans",
            &[v::OTEL_BSP_MAX_EXPORT_BATCH_SIZE],
        );
        let schedule_delay = r.duration(
            Field::ScheduleDelay,
            c.schedule_delay,
            "with_schedule_delay",
            &[v::OTEL_BSP_SCHEDULE_DELAY],
        );
        let shutdown_timeout = r.duration(
            Field::ShutdownTimeout,
            c.shutdown_timeout,
            "with_shutdown_timeout",
            &[v::SHUTDOWN_TIMEOUT_MS],
        );
        let file_max_bytes = match c.file_max_bytes {
            Some(0) => {
                r.code_problem("with_file_max_bytes", "0", "a positive integer");
                None
            }
            Some(n) => {
                r.sources.push((Field::FileMaxBytes, Source::Code));
                Some(n)
            }
            None => r.env_value(
                Field::FileMaxBytes,
                &[v::FILE_MAX_BYTES],
                str::to_owned,
                parse::parse_positive,
            ),
        };
        let file_backups = r.value(
            Field::FileBackups,
            c.file_backups,
            &[v::FILE_BACKUPS],
            |s| {
                s.trim()
                    .parse::<usize>()
                    .map_err(|_| InvalidValue::new("a non-negative integer"))
            },
        );
        let limits = ExportLimits {
            max_request_bytes: max_request_bytes.unwrap_or(dl.max_request_bytes),
            max_queue_spans: max_queue_spans.unwrap_or(dl.max_queue_spans),
            max_queue_bytes: max_queue_bytes.unwrap_or(dl.max_queue_bytes),
            max_batch_spans: max_batch_spans.unwrap_or(dl.max_batch_spans),
            schedule_delay: schedule_delay.unwrap_or(dl.schedule_delay),
            shutdown_timeout: shutdown_timeout.unwrap_or(dl.shutdown_timeout),
            file_max_bytes: file_max_bytes.unwrap_or(dl.file_max_bytes),
            file_backups: file_backups.unwrap_or(dl.file_backups),
        };
        if limits.max_batch_spans > limits.max_queue_spans {
            let variable = match r.source_of(Field::MaxBatchSpans) {
                Some(Source::Environment { variable }) => variable,
                Some(Source::Code) => "Settings::builder().with_max_batch_spans".into(),
                _ => v::OTEL_BSP_MAX_EXPORT_BATCH_SIZE.into(),
            };
            r.problems.push(SettingProblem::new(
                variable,
                limits.max_batch_spans.to_string(),
                format!(
                    "a batch size at most the queue size ({})",
                    limits.max_queue_spans
                ),
            ));
        }

        let mut warnings = warning::unknown_variables(env);
        warnings.append(&mut r.warnings);
        if !r.problems.is_empty() {
            return Err(SettingsError::new(r.problems));
        }

        let mut settings = Settings {
            enable_datadog: enable_datadog.unwrap_or(d.enable_datadog),
            datadog_agent_host: datadog_agent_host.unwrap_or(d.datadog_agent_host),
            datadog_agent_port: datadog_agent_port.unwrap_or(d.datadog_agent_port),
            datadog_service_name: datadog_service_name.unwrap_or(d.datadog_service_name),
            datadog_profiling_enabled: datadog_profiling_enabled
                .unwrap_or(d.datadog_profiling_enabled),
            datadog_profiling_memory_enabled: datadog_profiling_memory_enabled
                .unwrap_or(d.datadog_profiling_memory_enabled),
            datadog_profiling_heap_enabled: datadog_profiling_heap_enabled
                .unwrap_or(d.datadog_profiling_heap_enabled),
            datadog_git_repository_url,
            datadog_git_commit_sha,
            datadog_main_package: datadog_main_package.unwrap_or(d.datadog_main_package),
            otel_preferred_temporality: otel_preferred_temporality
                .unwrap_or(d.otel_preferred_temporality),
            disable_tracing: disable_tracing.unwrap_or(d.disable_tracing),
            verbose_telemetry_logging: verbose_telemetry_logging
                .unwrap_or(d.verbose_telemetry_logging),
            sdk_disabled: sdk_disabled.unwrap_or(d.sdk_disabled),
            excluded_endpoints_regex: excluded_endpoints_regex
                .unwrap_or(d.excluded_endpoints_regex),
            metrics_endpoints_regex: metrics_endpoints_regex.unwrap_or(d.metrics_endpoints_regex),
            otlp: OtlpSettings {
                endpoint,
                traces_endpoint,
                metrics_endpoint,
                logs_endpoint,
                protocol,
                traces_protocol,
                metrics_protocol,
                logs_protocol,
                headers,
                timeout: timeout.unwrap_or(d.otlp.timeout),
                compression,
                certificate,
                client_certificate,
                client_key,
                insecure,
                traces: traces_own,
                metrics: metrics_own,
                logs: logs_own,
            },
            service_name: service_name.unwrap_or(d.service_name),
            service_version: service_version.unwrap_or(d.service_version),
            environment,
            env_name,
            resource_attributes,
            sampler: sampler.unwrap_or(d.sampler),
            letta_dir,
            json_logging: json_logging.unwrap_or(d.json_logging),
            debug: debug.unwrap_or(d.debug),
            console_logs: d.console_logs,
            metric_export_interval: metric_export_interval.unwrap_or(d.metric_export_interval),
            limits,
            legacy_attributes,
            sdk,
            warnings,
            provenance: Default::default(),
        };
        let sources = r.sources;
        settings.record_sources(|field| {
            sources
                .iter()
                .rev()
                .find(|(f, _)| *f == field)
                .map(|(_, s)| s.clone())
                .unwrap_or(Source::Default)
        });
        Ok(settings)
    }
}
