//! The table: every setting, in rendering order. See the module above for
//! what each column feeds.

use std::path::PathBuf;
use std::time::Duration;

use super::{Group, SettingSpec};
use crate::settings::builder::SettingsBuilder;
use crate::settings::content_capture::ContentCapture;
use crate::settings::values::{Compression, Protocol, SamplerSetting, Temporality};
use crate::settings::vars as v;

settings! {
    EnableDatadog "enable_datadog" [v::ENABLE_DATADOG] Switches {
        form: "boolean", default: "`false`", doc: "Datadog APM on",
        code: with_enable_datadog => enable_datadog: value bool }
    DatadogAgentHost "datadog_agent_host" [v::DATADOG_AGENT_HOST] Switches {
        form: "string", default: "`localhost`", doc: "Datadog agent host",
        code: with_datadog_agent_host => datadog_agent_host: into String }
    DatadogAgentPort "datadog_agent_port" [v::DATADOG_AGENT_PORT] Switches {
        form: "port", default: "`8126`", doc: "Datadog agent port",
        code: with_datadog_agent_port => datadog_agent_port: value u16 }
    DatadogServiceName "datadog_service_name" [v::DATADOG_SERVICE_NAME] Switches {
        form: "string", default: "`letta-server`",
        doc: "Datadog service (`DD_SERVICE`); independent of `service.name`",
        code: with_datadog_service_name => datadog_service_name: into String }
    DatadogProfilingEnabled "datadog_profiling_enabled" [v::DATADOG_PROFILING_ENABLED] Switches {
        form: "boolean", default: "`false`", doc: "continuous profiling",
        code: with_datadog_profiling_enabled => datadog_profiling_enabled: value bool }
    DatadogProfilingMemoryEnabled "datadog_profiling_memory_enabled"
        [v::DATADOG_PROFILING_MEMORY_ENABLED] Switches {
        form: "boolean", default: "`false`", doc: "memory profiling",
        code: with_datadog_profiling_memory_enabled => datadog_profiling_memory_enabled: value bool }
    DatadogProfilingHeapEnabled "datadog_profiling_heap_enabled"
        [v::DATADOG_PROFILING_HEAP_ENABLED] Switches {
        form: "boolean", default: "`false`", doc: "heap profiling",
        code: with_datadog_profiling_heap_enabled => datadog_profiling_heap_enabled: value bool }
    DatadogGitRepositoryUrl "datadog_git_repository_url"
        [v::DATADOG_GIT_REPOSITORY_URL, v::DD_GIT_REPOSITORY_URL] Switches {
        form: "string", default: "unset: the URL captured at build time",
        doc: "`git.repository_url` (credentials stripped)", secret: true,
        code: with_datadog_git_repository_url => datadog_git_repository_url: into String }
    DatadogGitCommitSha "datadog_git_commit_sha"
        [v::DATADOG_GIT_COMMIT_SHA, v::DD_GIT_COMMIT_SHA] Switches {
        form: "string", default: "unset: `git rev-parse HEAD` at build time",
        doc: "`git.commit.sha`",
        code: with_datadog_git_commit_sha => datadog_git_commit_sha: into String }
    DatadogMainPackage "datadog_main_package" [v::DATADOG_MAIN_PACKAGE, v::DD_MAIN_PACKAGE] Switches {
        form: "string", default: "`letta`", doc: "which code is \"ours\" for Datadog",
        code: with_datadog_main_package => datadog_main_package: into String }
    OtelPreferredTemporality "otel_preferred_temporality" [v::OTEL_PREFERRED_TEMPORALITY,
        v::LETTA_OTEL_PREFERRED_TEMPORALITY, v::OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE]
        Switches {
        form: "`0`/`UNSPECIFIED`, `1`/`DELTA`, `2`/`CUMULATIVE`, `lowmemory` (read as DELTA); any case",
        default: "`DELTA`",
        doc: "metric temporality; UNSPECIFIED is the SDK's default (cumulative)",
        code: with_otel_preferred_temporality => otel_preferred_temporality: value Temporality }
    DisableTracing "disable_tracing" [v::DISABLE_TRACING, v::LETTA_DISABLE_TRACING] Switches {
        form: "boolean", default: "`false`",
        doc: "no spans and no metrics (metrics start with tracing, as in the reference)",
        code: with_disable_tracing => disable_tracing: value bool }
    VerboseTelemetryLogging "verbose_telemetry_logging" [v::VERBOSE_TELEMETRY_LOGGING] Switches {
        form: "boolean", default: "`false`", doc: "debug logs of the telemetry pipeline itself",
        code: with_verbose_telemetry_logging => verbose_telemetry_logging: value bool }
    SdkDisabled "sdk_disabled" [v::OTEL_SDK_DISABLED] Switches {
        form: "boolean", default: "`false`",
        doc: "no spans, no metrics and no OTLP log export; console and file logs stay",
        code: with_sdk_disabled => sdk_disabled: value bool }
    ExcludedEndpointsRegex "excluded_endpoints_regex" [v::EXCLUDED_ENDPOINTS_REGEX] Switches {
        form: "regex list", default: "`^GET /v1/health$`",
        doc: "requests excluded from tracing, matched against `\"<METHOD> <path>\"`",
        code: with_excluded_endpoints_regex => excluded_endpoints_regex: into Vec<String> }
    MetricsEndpointsRegex "metrics_endpoints_regex" [v::METRICS_ENDPOINTS_REGEX] Switches {
        form: "regex list",
        default: "`^POST /v1/agents/(?P<agent_id>[^/]+)/messages$`, the same with `/messages/stream$` and `/messages/async$`",
        doc: "requests that get endpoint metrics, matched against `\"<METHOD> <path>\"`",
        code: with_metrics_endpoints_regex => metrics_endpoints_regex: into Vec<String> }
    OtlpEndpoint "otlp.endpoint" [v::LETTA_OTEL_EXPORTER_OTLP_ENDPOINT, v::OTEL_EXPORTER_OTLP_ENDPOINT] Otlp {
        form: "endpoint (see [Endpoints](#endpoints))", default: "unset: local files",
        doc: "generic endpoint of all signals", secret: true,
        code: with_otlp_endpoint => otlp_endpoint: into String }
    OtlpTracesEndpoint "otlp.traces_endpoint" [v::OTEL_EXPORTER_OTLP_TRACES_ENDPOINT] Otlp {
        form: "endpoint", default: "unset", doc: "traces endpoint, used as-is", secret: true,
        code: with_otlp_traces_endpoint => otlp_traces_endpoint: into String }
    OtlpMetricsEndpoint "otlp.metrics_endpoint" [v::OTEL_EXPORTER_OTLP_METRICS_ENDPOINT] Otlp {
        form: "endpoint", default: "unset", doc: "metrics endpoint, used as-is", secret: true,
        code: with_otlp_metrics_endpoint => otlp_metrics_endpoint: into String }
    OtlpLogsEndpoint "otlp.logs_endpoint" [v::OTEL_EXPORTER_OTLP_LOGS_ENDPOINT] Otlp {
        form: "endpoint", default: "unset", doc: "logs endpoint, used as-is", secret: true,
        code: with_otlp_logs_endpoint => otlp_logs_endpoint: into String }
    OtlpProtocol "otlp.protocol" [v::OTEL_EXPORTER_OTLP_PROTOCOL] Otlp {
        form: "`grpc`, `http/protobuf`, `http/json`; any case", default: "`grpc`",
        doc: "transport", code: with_otlp_protocol => otlp_protocol: value Protocol }
    OtlpTracesProtocol "otlp.traces_protocol" [v::OTEL_EXPORTER_OTLP_TRACES_PROTOCOL] Otlp {
        form: "as `OTEL_EXPORTER_OTLP_PROTOCOL`", default: "the generic protocol",
        doc: "transport of traces",
        code: with_otlp_traces_protocol => otlp_traces_protocol: value Protocol }
    OtlpMetricsProtocol "otlp.metrics_protocol" [v::OTEL_EXPORTER_OTLP_METRICS_PROTOCOL] Otlp {
        form: "as `OTEL_EXPORTER_OTLP_PROTOCOL`", default: "the generic protocol",
        doc: "transport of metrics",
        code: with_otlp_metrics_protocol => otlp_metrics_protocol: value Protocol }
    OtlpLogsProtocol "otlp.logs_protocol" [v::OTEL_EXPORTER_OTLP_LOGS_PROTOCOL] Otlp {
        form: "as `OTEL_EXPORTER_OTLP_PROTOCOL`", default: "the generic protocol",
        doc: "transport of logs",
        code: with_otlp_logs_protocol => otlp_logs_protocol: value Protocol }
    OtlpHeaders "otlp.headers" [v::OTEL_EXPORTER_OTLP_HEADERS] Otlp {
        form: "key=value list; each a valid HTTP header name and value", default: "none",
        doc: "headers of every export request; values are secrets, never printed (in code: `with_otlp_header`)",
        secret: true }
    OtlpTimeout "otlp.timeout" [v::OTEL_EXPORTER_OTLP_TIMEOUT] Otlp {
        form: "milliseconds", default: "`10000`", doc: "timeout of one export",
        code: with_otlp_timeout => otlp_timeout: value Duration }
    OtlpCompression "otlp.compression" [v::OTEL_EXPORTER_OTLP_COMPRESSION] Otlp {
        form: "`gzip` or `none`; any case", default: "`none`", doc: "request compression",
        code: with_otlp_compression => otlp_compression: value Option<Compression> }
    OtlpCertificate "otlp.certificate" [v::OTEL_EXPORTER_OTLP_CERTIFICATE] Otlp {
        form: "path of an existing file (checked when the settings are built)", default: "none",
        doc: "PEM of the CA that signs the collector's certificate",
        code: with_otlp_certificate => otlp_certificate: into PathBuf }
    OtlpClientCertificate "otlp.client_certificate" [v::OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE] Otlp {
        form: "path of an existing file; set with the key", default: "none",
        doc: "client certificate (PEM) for mutual TLS" }
    OtlpClientKey "otlp.client_key" [v::OTEL_EXPORTER_OTLP_CLIENT_KEY] Otlp {
        form: "path of an existing file; set with the certificate", default: "none",
        doc: "client private key (PEM) for mutual TLS" }
    OtlpInsecure "otlp.insecure" [v::OTEL_EXPORTER_OTLP_INSECURE] Otlp {
        form: "boolean", default: "`false`",
        doc: "a gRPC endpoint written without a scheme (`host:port`) is plaintext when true, TLS otherwise, as in the SDK" }
    OtlpTracesHeaders "otlp.traces.headers" [v::OTEL_EXPORTER_OTLP_TRACES_HEADERS] Otlp {
        form: "key=value list", default: "the generic headers", doc: "the traces headers; replace the generic ones, not merged", secret: true }
    OtlpTracesTimeout "otlp.traces.timeout" [v::OTEL_EXPORTER_OTLP_TRACES_TIMEOUT] Otlp {
        form: "milliseconds", default: "the generic timeout", doc: "timeout of one traces export" }
    OtlpTracesCompression "otlp.traces.compression" [v::OTEL_EXPORTER_OTLP_TRACES_COMPRESSION] Otlp {
        form: "`gzip` or `none`; any case", default: "the generic compression", doc: "compression of traces requests" }
    OtlpTracesCertificate "otlp.traces.certificate" [v::OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE] Otlp {
        form: "path of an existing file", default: "the generic CA", doc: "CA (PEM) of the traces collector" }
    OtlpTracesClientCertificate "otlp.traces.client_certificate" [v::OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE] Otlp {
        form: "path of an existing file; set with the key", default: "the generic one", doc: "client certificate (PEM) for traces" }
    OtlpTracesClientKey "otlp.traces.client_key" [v::OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY] Otlp {
        form: "path of an existing file; set with the certificate", default: "the generic one", doc: "client private key (PEM) for traces" }
    OtlpTracesInsecure "otlp.traces.insecure" [v::OTEL_EXPORTER_OTLP_TRACES_INSECURE] Otlp {
        form: "boolean", default: "the generic value", doc: "plaintext for a schemeless gRPC traces endpoint" }
    OtlpMetricsHeaders "otlp.metrics.headers" [v::OTEL_EXPORTER_OTLP_METRICS_HEADERS] Otlp {
        form: "key=value list", default: "the generic headers", doc: "the metrics headers; replace the generic ones, not merged", secret: true }
    OtlpMetricsTimeout "otlp.metrics.timeout" [v::OTEL_EXPORTER_OTLP_METRICS_TIMEOUT] Otlp {
        form: "milliseconds", default: "the generic timeout", doc: "timeout of one metrics export" }
    OtlpMetricsCompression "otlp.metrics.compression" [v::OTEL_EXPORTER_OTLP_METRICS_COMPRESSION] Otlp {
        form: "`gzip` or `none`; any case", default: "the generic compression", doc: "compression of metrics requests" }
    OtlpMetricsCertificate "otlp.metrics.certificate" [v::OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE] Otlp {
        form: "path of an existing file", default: "the generic CA", doc: "CA (PEM) of the metrics collector" }
    OtlpMetricsClientCertificate "otlp.metrics.client_certificate" [v::OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE] Otlp {
        form: "path of an existing file; set with the key", default: "the generic one", doc: "client certificate (PEM) for metrics" }
    OtlpMetricsClientKey "otlp.metrics.client_key" [v::OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY] Otlp {
        form: "path of an existing file; set with the certificate", default: "the generic one", doc: "client private key (PEM) for metrics" }
    OtlpMetricsInsecure "otlp.metrics.insecure" [v::OTEL_EXPORTER_OTLP_METRICS_INSECURE] Otlp {
        form: "boolean", default: "the generic value", doc: "plaintext for a schemeless gRPC metrics endpoint" }
    OtlpLogsHeaders "otlp.logs.headers" [v::OTEL_EXPORTER_OTLP_LOGS_HEADERS] Otlp {
        form: "key=value list", default: "the generic headers", doc: "the logs headers; replace the generic ones, not merged", secret: true }
    OtlpLogsTimeout "otlp.logs.timeout" [v::OTEL_EXPORTER_OTLP_LOGS_TIMEOUT] Otlp {
        form: "milliseconds", default: "the generic timeout", doc: "timeout of one logs export" }
    OtlpLogsCompression "otlp.logs.compression" [v::OTEL_EXPORTER_OTLP_LOGS_COMPRESSION] Otlp {
        form: "`gzip` or `none`; any case", default: "the generic compression", doc: "compression of logs requests" }
    OtlpLogsCertificate "otlp.logs.certificate" [v::OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE] Otlp {
        form: "path of an existing file", default: "the generic CA", doc: "CA (PEM) of the logs collector" }
    OtlpLogsClientCertificate "otlp.logs.client_certificate" [v::OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE] Otlp {
        form: "path of an existing file; set with the key", default: "the generic one", doc: "client certificate (PEM) for logs" }
    OtlpLogsClientKey "otlp.logs.client_key" [v::OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY] Otlp {
        form: "path of an existing file; set with the certificate", default: "the generic one", doc: "client private key (PEM) for logs" }
    OtlpLogsInsecure "otlp.logs.insecure" [v::OTEL_EXPORTER_OTLP_LOGS_INSECURE] Otlp {
        form: "boolean", default: "the generic value", doc: "plaintext for a schemeless gRPC logs endpoint" }
    ServiceName "service_name" [v::OTEL_SERVICE_NAME] Identity {
        form: "string", default: "see [Resource](#resource-attributes)", doc: "`service.name`",
        code: with_service_name => service_name: into String }
    ServiceVersion "service_version" [] Identity {
        form: "string", default: "the `letta-telemetry` crate version",
        doc: "`service.version` and `letta.version`; set in code only",
        code: with_service_version => service_version: into String }
    Environment "environment" [v::LETTA_ENVIRONMENT] Identity {
        form: "string", default: "unset (`unknown`)", doc: "`deployment.environment`, normalised",
        code: with_environment => environment: into String }
    EnvName "env_name" [v::ENV_NAME] Identity {
        form: "string", default: "unset",
        doc: "`service.name` becomes `letta-server-<ENV_NAME lower-cased>` (below `OTEL_SERVICE_NAME`)",
        code: with_env_name => env_name: into String }
    ResourceAttributes "resource_attributes" [v::OTEL_RESOURCE_ATTRIBUTES] Identity {
        form: "key=value list", default: "none",
        doc: "extra resource attributes; values of secret-named keys are never printed (in code: `with_resource_attribute`)",
        secret: true }
    Sampler "sampler" [v::OTEL_TRACES_SAMPLER] Otlp {
        form: "`always_on`, `always_off`, `traceidratio`, `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`; any case; the ratio in `OTEL_TRACES_SAMPLER_ARG`",
        default: "`parentbased_always_on`, ratio `1.0`",
        doc: "sampler; `OTEL_TRACES_SAMPLER_ARG` (a ratio) applies to the two `*traceidratio` samplers only, with any other sampler, or none, it is ignored with a warning",
        also: [v::OTEL_TRACES_SAMPLER_ARG],
        code: with_sampler => sampler: value SamplerSetting }
    LettaDir "letta_dir" [v::LETTA_DIR] Switches {
        form: "path; a leading `~` or `~/` is expanded with `HOME`",
        default: "`$HOME/.letta` (`.letta` without `HOME`)",
        doc: "local files go under `<LETTA_DIR>/logs/`", also: [v::HOME],
        code: with_letta_dir => letta_dir: into PathBuf }
    JsonLogging "json_logging" [v::LETTA_LOGGING_JSON_LOGGING] Switches {
        form: "boolean", default: "`false`", doc: "JSON log lines",
        code: with_json_logging => json_logging: value bool }
    Debug "debug" [v::LETTA_DEBUG] Switches {
        form: "boolean", default: "`false`", doc: "debug log level",
        code: with_debug => debug: value bool }
    MetricExportInterval "metric_export_interval" [v::OTEL_METRIC_EXPORT_INTERVAL] Otlp {
        form: "milliseconds", default: "`60000`", doc: "interval of the periodic metric reader",
        code: with_metric_export_interval => metric_export_interval: value Duration }
    MaxRequestBytes "limits.max_request_bytes" [v::MAX_REQUEST_BYTES] Limits {
        form: "positive integer", default: "`4194304` (4 MiB)",
        doc: "largest encoded export request; larger batches are split (the exporter raises values below 8192 to 8192)",
        code: with_max_request_bytes => max_request_bytes: value usize }
    MaxQueueSpans "limits.max_queue_spans" [v::OTEL_BSP_MAX_QUEUE_SIZE] Limits {
        form: "positive integer", default: "`8192`",
        doc: "most spans waiting in the queue; more are dropped and counted",
        code: with_max_queue_spans => max_queue_spans: value usize }
    MaxQueueBytes "limits.max_queue_bytes" [v::MAX_QUEUE_BYTES] Limits {
        form: "positive integer", default: "`67108864` (64 MiB)",
        doc: "most estimated bytes waiting in the queue",
        code: with_max_queue_bytes => max_queue_bytes: value usize }
    MaxBatchSpans "limits.max_batch_spans" [v::OTEL_BSP_MAX_EXPORT_BATCH_SIZE] Limits {
        form: "positive integer, at most the queue size", default: "`512`",
        doc: "most spans in one batch",
        code: with_max_batch_spans => max_batch_spans: value usize }
    ScheduleDelay "limits.schedule_delay" [v::OTEL_BSP_SCHEDULE_DELAY] Limits {
        form: "milliseconds", default: "`1000`",
        doc: "longest wait before a partial batch is exported",
        code: with_schedule_delay => schedule_delay: value Duration }
    ShutdownTimeout "limits.shutdown_timeout" [v::SHUTDOWN_TIMEOUT_MS] Limits {
        form: "milliseconds", default: "`5000`",
        doc: "deadline of flush and shutdown (`TelemetryGuard`)",
        code: with_shutdown_timeout => shutdown_timeout: value Duration }
    FileMaxBytes "limits.file_max_bytes" [v::FILE_MAX_BYTES] Limits {
        form: "positive integer", default: "`104857600` (100 MiB)",
        doc: "size at which `traces.json` / `metrics.json` are rotated",
        code: with_file_max_bytes => file_max_bytes: value u64 }
    FileBackups "limits.file_backups" [v::FILE_BACKUPS] Limits {
        form: "non-negative integer (`0` allowed)", default: "`5`", doc: "rotated copies kept",
        code: with_file_backups => file_backups: value usize }
    LegacyAttributes "legacy_attributes" [v::LEGACY_ATTRIBUTES] Switches {
        form: "boolean", default: "`true`",
        doc: "the reference's legacy names `http.method`, `http.url`, `http.status_code` (server and client spans) and `deployment.environment` (resource) beside the stable ones; `false` writes the stable conventions only. `OTEL_SEMCONV_STABILITY_OPT_IN` is read when this is unset: `http` means false, `http/dup` true, other lists leave the default",
        also: [v::OTEL_SEMCONV_STABILITY_OPT_IN],
        code: with_legacy_attributes => legacy_attributes: value bool }
    GenaiCaptureMessageContent "genai_capture_message_content"
        [v::GENAI_CAPTURE_MESSAGE_CONTENT, v::OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT] Switches {
        form: "`true`/`false`, or `NO_CONTENT`, `SPAN_ONLY`, `EVENT_ONLY`, `SPAN_AND_EVENT`; any case",
        default: "`NO_CONTENT`",
        doc: "content of model calls and tools (messages, system instructions, tool definitions, arguments and results) on the spans (`SPAN_ONLY`, also `true`), in the `gen_ai.client.inference.operation.details` event (`EVENT_ONLY`) or both; redacted and cut at the `#[trace_method]` limits",
        code: with_genai_capture_message_content => genai_capture_message_content: value ContentCapture }
    TracesExporter "sdk.traces_exporter" [v::OTEL_TRACES_EXPORTER] Sdk {
        form: "`otlp`, `console` (or its old name `logging`), `none`", default: "`otlp`",
        doc: "`otlp`: OTLP when an endpoint is set, else the local files; `console`: one readable line per span on stdout; `none`: no spans (metrics stay on)" }
    MetricsExporter "sdk.metrics_exporter" [v::OTEL_METRICS_EXPORTER] Sdk {
        form: "`otlp`, `console` (or `logging`), `none`", default: "`otlp`",
        doc: "as `OTEL_TRACES_EXPORTER`, for metric points" }
    LogsExporter "sdk.logs_exporter" [v::OTEL_LOGS_EXPORTER] Sdk {
        form: "`otlp`, `console` (or `logging`), `none`", default: "`otlp`",
        doc: "as `OTEL_TRACES_EXPORTER`, for log records; with `none` the console and `Letta.log` are still written" }
    Propagators "sdk.propagators" [v::OTEL_PROPAGATORS] Sdk {
        form: "comma list of `tracecontext`, `baggage`, `b3`, `b3multi`, or `none`",
        default: "`tracecontext,baggage`",
        doc: "the global text-map propagator, in order; with Datadog on, Datadog's crate installs its own (Datadog and W3C) and reads this variable itself" }
    SpanAttributeCount "sdk.span_limits.attribute_count"
        [v::OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, v::OTEL_ATTRIBUTE_COUNT_LIMIT] Sdk {
        form: "non-negative integer", default: "`128`",
        doc: "attributes per span; the first ones are kept" }
    SpanEventCount "sdk.span_limits.event_count" [v::OTEL_SPAN_EVENT_COUNT_LIMIT] Sdk {
        form: "non-negative integer", default: "`128`", doc: "events per span" }
    SpanLinkCount "sdk.span_limits.link_count" [v::OTEL_SPAN_LINK_COUNT_LIMIT] Sdk {
        form: "non-negative integer", default: "`128`", doc: "links per span" }
    SpanEventAttributeCount "sdk.span_limits.event_attribute_count"
        [v::OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT, v::OTEL_ATTRIBUTE_COUNT_LIMIT] Sdk {
        form: "non-negative integer", default: "`128`", doc: "attributes per span event" }
    SpanLinkAttributeCount "sdk.span_limits.link_attribute_count"
        [v::OTEL_LINK_ATTRIBUTE_COUNT_LIMIT, v::OTEL_ATTRIBUTE_COUNT_LIMIT] Sdk {
        form: "non-negative integer", default: "`128`", doc: "attributes per span link" }
    SpanAttributeValueLength "sdk.span_limits.attribute_value_length"
        [v::OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, v::OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT] Sdk {
        form: "positive integer", default: "no limit",
        doc: "longest string attribute value in characters (arrays of strings included); the Rust SDK lacks this limit, so the span processor cuts values when the span ends" }
    SpanExportTimeout "sdk.span_export_timeout" [v::OTEL_BSP_EXPORT_TIMEOUT] Sdk {
        form: "milliseconds", default: "`30000`",
        doc: "longest span export; the OTLP timeout still applies inside it" }
    MetricExportTimeout "sdk.metric_export_timeout" [v::OTEL_METRIC_EXPORT_TIMEOUT] Sdk {
        form: "milliseconds", default: "`30000`",
        doc: "longest metric export (the SDK's periodic reader leaves this bound to the exporter; letta-telemetry applies it)" }
    LogBatchMaxQueueSize "sdk.log_batch.max_queue_size" [v::OTEL_BLRP_MAX_QUEUE_SIZE] Sdk {
        form: "positive integer", default: "`2048`", doc: "log records waiting for export" }
    LogBatchMaxExportBatchSize "sdk.log_batch.max_export_batch_size"
        [v::OTEL_BLRP_MAX_EXPORT_BATCH_SIZE] Sdk {
        form: "positive integer, at most the queue size",
        default: "`512` (shrunk to a smaller queue, as in the SDK)", doc: "log records per export" }
    LogBatchScheduleDelay "sdk.log_batch.schedule_delay" [v::OTEL_BLRP_SCHEDULE_DELAY] Sdk {
        form: "milliseconds", default: "`1000`",
        doc: "longest wait before a partial log batch is exported" }
    LogBatchExportTimeout "sdk.log_batch.export_timeout" [v::OTEL_BLRP_EXPORT_TIMEOUT] Sdk {
        form: "milliseconds", default: "`30000`", doc: "longest log export" }
    SdkLogLevel "sdk.log_level" [v::OTEL_LOG_LEVEL] Sdk {
        form: "`none`, `error`, `warn`, `info`, `debug`, `trace`", default: "the application's level",
        doc: "level of the SDK's own diagnostics (targets `opentelemetry*`) and of `letta_telemetry*`" }
}
