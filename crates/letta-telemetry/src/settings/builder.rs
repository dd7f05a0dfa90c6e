//! [`SettingsBuilder`]: settings from code, completed from the environment.

use super::Settings;
use super::content_capture::ContentCapture;
use super::env::EnvSource;
use super::error::{SettingProblem, SettingsError};
use super::limits::ExportLimits;
use super::otlp::OtlpSettings;
use super::parse;
use super::registry::Code;
use super::registry::Field;
use super::resolver::Resolver;
use super::source::Source;
use super::values::{InvalidValue, Protocol, Signal, Temporality};
use super::vars as v;
use super::warning;

/// Builds [`Settings`] from code and the environment; code wins.
///
/// Every `with_*` method sets one setting; what is not set in code is read
/// from the environment, then defaulted. Values from code are validated like
/// values from the environment (the problem then names the builder method).
#[derive(Clone, Default)]
#[must_use = "call build() to get the settings"]
pub struct SettingsBuilder {
    pub(super) code: Code,
}

impl std::fmt::Debug for SettingsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SettingsBuilder").finish_non_exhaustive()
    }
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

        let enable_datadog = r.boolean(Field::EnableDatadog, c.enable_datadog);
        let datadog_agent_host = r.string(Field::DatadogAgentHost, c.datadog_agent_host);
        let datadog_agent_port = r.value(
            Field::DatadogAgentPort,
            c.datadog_agent_port,
            parse::parse_port,
        );
        if datadog_agent_port == Some(0) {
            r.code_problem(
                Field::DatadogAgentPort.method(),
                "0",
                "an integer port in 1..=65535",
            );
        }
        let datadog_service_name = r.string(Field::DatadogServiceName, c.datadog_service_name);
        let datadog_profiling_enabled =
            r.boolean(Field::DatadogProfilingEnabled, c.datadog_profiling_enabled);
        let datadog_profiling_memory_enabled = r.boolean(
            Field::DatadogProfilingMemoryEnabled,
            c.datadog_profiling_memory_enabled,
        );
        let datadog_profiling_heap_enabled = r.boolean(
            Field::DatadogProfilingHeapEnabled,
            c.datadog_profiling_heap_enabled,
        );
        let datadog_git_repository_url =
            r.string(Field::DatadogGitRepositoryUrl, c.datadog_git_repository_url);
        let datadog_git_commit_sha = r.string(Field::DatadogGitCommitSha, c.datadog_git_commit_sha);
        let datadog_main_package = r.string(Field::DatadogMainPackage, c.datadog_main_package);
        let otel_preferred_temporality = r.value(
            Field::OtelPreferredTemporality,
            c.otel_preferred_temporality,
            str::parse::<Temporality>,
        );
        let disable_tracing = r.boolean(Field::DisableTracing, c.disable_tracing);
        let verbose_telemetry_logging =
            r.boolean(Field::VerboseTelemetryLogging, c.verbose_telemetry_logging);
        let sdk_disabled = r.boolean(Field::SdkDisabled, c.sdk_disabled);
        let excluded_endpoints_regex =
            r.regex_list(Field::ExcludedEndpointsRegex, c.excluded_endpoints_regex);
        let metrics_endpoints_regex =
            r.regex_list(Field::MetricsEndpointsRegex, c.metrics_endpoints_regex);

        // OTLP: protocols first, since they decide which endpoints are valid.
        let protocol = r
            .value(Field::OtlpProtocol, c.otlp_protocol, str::parse::<Protocol>)
            .unwrap_or(d.otlp.protocol);
        let traces_protocol = r.value(
            Field::OtlpTracesProtocol,
            c.otlp_traces_protocol,
            str::parse::<Protocol>,
        );
        let metrics_protocol = r.value(
            Field::OtlpMetricsProtocol,
            c.otlp_metrics_protocol,
            str::parse::<Protocol>,
        );
        let logs_protocol = r.value(
            Field::OtlpLogsProtocol,
            c.otlp_logs_protocol,
            str::parse::<Protocol>,
        );
        // Insecure before the endpoints: it decides what `host:port` means.
        let insecure = r.boolean(Field::OtlpInsecure, None).unwrap_or(false);
        let traces_own = r.signal_otlp(Signal::Traces);
        let metrics_own = r.signal_otlp(Signal::Metrics);
        let logs_own = r.signal_otlp(Signal::Logs);
        let endpoint = r.endpoint(Field::OtlpEndpoint, c.otlp_endpoint, protocol, insecure);
        let traces_endpoint = r.endpoint(
            Field::OtlpTracesEndpoint,
            c.otlp_traces_endpoint,
            traces_protocol.unwrap_or(protocol),
            traces_own.insecure.unwrap_or(insecure),
        );
        let metrics_endpoint = r.endpoint(
            Field::OtlpMetricsEndpoint,
            c.otlp_metrics_endpoint,
            metrics_protocol.unwrap_or(protocol),
            metrics_own.insecure.unwrap_or(insecure),
        );
        let logs_endpoint = r.endpoint(
            Field::OtlpLogsEndpoint,
            c.otlp_logs_endpoint,
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
                parse::mask_key_values,
                parse::parse_headers,
            ),
        }
        .unwrap_or_default();
        let timeout = r.duration(Field::OtlpTimeout, c.otlp_timeout);
        let compression = r
            .value(
                Field::OtlpCompression,
                c.otlp_compression,
                parse::parse_compression,
            )
            .flatten();
        let certificate = match c.otlp_certificate {
            Some(path) => {
                if let Err(e) = parse::check_certificate(&path) {
                    r.code_problem(
                        Field::OtlpCertificate.method(),
                        path.display().to_string(),
                        e.expected,
                    );
                }
                r.sources.push((Field::OtlpCertificate, Source::Code));
                Some(path)
            }
            None => r.env_value(
                Field::OtlpCertificate,
                str::to_owned,
                parse::parse_certificate,
            ),
        };

        let client_certificate = r.env_value(
            Field::OtlpClientCertificate,
            str::to_owned,
            parse::parse_certificate,
        );
        let client_key = r.env_value(
            Field::OtlpClientKey,
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
        let genai_capture_message_content = r.value(
            Field::GenaiCaptureMessageContent,
            c.genai_capture_message_content,
            str::parse::<ContentCapture>,
        );

        // Identity.
        let environment = r.string(Field::Environment, c.environment);
        let env_name = r.string(Field::EnvName, c.env_name);
        let resource_attributes = match c.resource_attributes {
            Some(a) => {
                r.sources.push((Field::ResourceAttributes, Source::Code));
                Some(a)
            }
            None => r.env_value(
                Field::ResourceAttributes,
                parse::mask_secret_key_values,
                parse::parse_key_values,
            ),
        }
        .unwrap_or_default();
        let service_name =
            r.service_name(c.service_name, env_name.as_deref(), &resource_attributes);
        let service_version = r.string(Field::ServiceVersion, c.service_version);

        let sampler = r.sampler(c.sampler);
        let letta_dir = r.letta_dir(c.letta_dir);
        let json_logging = r.boolean(Field::JsonLogging, c.json_logging);
        let debug = r.boolean(Field::Debug, c.debug);
        let metric_export_interval =
            r.duration(Field::MetricExportInterval, c.metric_export_interval);

        // Limits.
        let max_request_bytes = r.count(Field::MaxRequestBytes, c.max_request_bytes);
        let max_queue_spans = r.count(Field::MaxQueueSpans, c.max_queue_spans);
        let max_queue_bytes = r.count(Field::MaxQueueBytes, c.max_queue_bytes);
        let max_batch_spans = r.count(Field::MaxBatchSpans, c.max_batch_spans);
        let schedule_delay = r.duration(Field::ScheduleDelay, c.schedule_delay);
        let shutdown_timeout = r.duration(Field::ShutdownTimeout, c.shutdown_timeout);
        let file_max_bytes = match c.file_max_bytes {
            Some(0) => {
                r.code_problem(Field::FileMaxBytes.method(), "0", "a positive integer");
                None
            }
            Some(n) => {
                r.sources.push((Field::FileMaxBytes, Source::Code));
                Some(n)
            }
            None => r.env_value(Field::FileMaxBytes, str::to_owned, parse::parse_positive),
        };
        let file_backups = r.value(Field::FileBackups, c.file_backups, |s| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| InvalidValue::new("a non-negative integer"))
        });
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
            genai_capture_message_content: genai_capture_message_content
                .unwrap_or(d.genai_capture_message_content),
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
