//! The name of every environment variable the settings read.
//!
//! Names are matched case-insensitively (an exact upper-case match wins), as
//! the reference server documents its variables in lower case
//! (`letta_telemetry_enable_datadog`). Where several names feed one setting
//! they are listed in precedence order: the first one set wins.

/// Prefix of the reference server's telemetry settings.
pub const PREFIX: &str = "LETTA_TELEMETRY_";

/// Datadog APM on (bool, default false).
pub const ENABLE_DATADOG: &str = "LETTA_TELEMETRY_ENABLE_DATADOG";
/// Datadog agent host (default `localhost`).
pub const DATADOG_AGENT_HOST: &str = "LETTA_TELEMETRY_DATADOG_AGENT_HOST";
/// Datadog agent port (1..=65535, default 8126).
pub const DATADOG_AGENT_PORT: &str = "LETTA_TELEMETRY_DATADOG_AGENT_PORT";
/// Datadog service name (default `letta-server`).
pub const DATADOG_SERVICE_NAME: &str = "LETTA_TELEMETRY_DATADOG_SERVICE_NAME";
/// Datadog profiling on (bool, default false).
pub const DATADOG_PROFILING_ENABLED: &str = "LETTA_TELEMETRY_DATADOG_PROFILING_ENABLED";
/// Datadog memory profiling on (bool, default false).
pub const DATADOG_PROFILING_MEMORY_ENABLED: &str =
    "LETTA_TELEMETRY_DATADOG_PROFILING_MEMORY_ENABLED";
/// Datadog heap profiling on (bool, default false).
pub const DATADOG_PROFILING_HEAP_ENABLED: &str = "LETTA_TELEMETRY_DATADOG_PROFILING_HEAP_ENABLED";
/// Git repository URL for Datadog source code integration.
pub const DATADOG_GIT_REPOSITORY_URL: &str = "LETTA_TELEMETRY_DATADOG_GIT_REPOSITORY_URL";
/// Alias of [`DATADOG_GIT_REPOSITORY_URL`].
pub const DD_GIT_REPOSITORY_URL: &str = "DD_GIT_REPOSITORY_URL";
/// Git commit for Datadog source code integration.
pub const DATADOG_GIT_COMMIT_SHA: &str = "LETTA_TELEMETRY_DATADOG_GIT_COMMIT_SHA";
/// Alias of [`DATADOG_GIT_COMMIT_SHA`].
pub const DD_GIT_COMMIT_SHA: &str = "DD_GIT_COMMIT_SHA";
/// Which code is "ours" for Datadog (default `letta`).
pub const DATADOG_MAIN_PACKAGE: &str = "LETTA_TELEMETRY_DATADOG_MAIN_PACKAGE";
/// Alias of [`DATADOG_MAIN_PACKAGE`].
pub const DD_MAIN_PACKAGE: &str = "DD_MAIN_PACKAGE";
/// Metric temporality: `0`/`UNSPECIFIED`, `1`/`DELTA` (default), `2`/`CUMULATIVE`.
pub const OTEL_PREFERRED_TEMPORALITY: &str = "LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY";
/// Alias of [`OTEL_PREFERRED_TEMPORALITY`].
pub const LETTA_OTEL_PREFERRED_TEMPORALITY: &str = "LETTA_OTEL_PREFERRED_TEMPORALITY";
/// Standard form of [`OTEL_PREFERRED_TEMPORALITY`] (`delta`, `cumulative`,
/// `lowmemory`; `lowmemory` is read as DELTA, which is what it means for the
/// counters and histograms of the reference).
pub const OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: &str =
    "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
/// Turns tracing off (bool, default false).
pub const DISABLE_TRACING: &str = "LETTA_TELEMETRY_DISABLE_TRACING";
/// Alias of [`DISABLE_TRACING`].
pub const LETTA_DISABLE_TRACING: &str = "LETTA_DISABLE_TRACING";
/// Debug logs of the telemetry pipeline itself (bool, default false).
pub const VERBOSE_TELEMETRY_LOGGING: &str = "LETTA_TELEMETRY_VERBOSE_TELEMETRY_LOGGING";
/// Routes excluded from tracing: comma-separated regexes matched against
/// `"<METHOD> <path>"` (default `^GET /v1/health$`); replaces the default list.
pub const EXCLUDED_ENDPOINTS_REGEX: &str = "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX";
/// Routes with endpoint metrics: comma-separated regexes matched against
/// `"<METHOD> <path>"` (default: the three agent message routes); replaces the
/// default list.
pub const METRICS_ENDPOINTS_REGEX: &str = "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX";

/// The reference's legacy attribute names beside the stable ones (bool,
/// default true).
pub const LEGACY_ATTRIBUTES: &str = "LETTA_TELEMETRY_LEGACY_ATTRIBUTES";
/// The standard semantic-convention opt-in: `http` means stable HTTP names
/// only (legacy off), `http/dup` both (legacy on); a comma-separated list.
pub const OTEL_SEMCONV_STABILITY_OPT_IN: &str = "OTEL_SEMCONV_STABILITY_OPT_IN";

/// GenAI content capture: `true`/`false` or `NO_CONTENT`, `SPAN_ONLY`,
/// `EVENT_ONLY`, `SPAN_AND_EVENT` (default `NO_CONTENT`), the variable of the
/// OpenTelemetry GenAI instrumentations.
pub const OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: &str =
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
/// This project's alias of [`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`];
/// it wins when both are set.
pub const GENAI_CAPTURE_MESSAGE_CONTENT: &str = "LETTA_TELEMETRY_GENAI_CAPTURE_MESSAGE_CONTENT";

/// Largest encoded export request in bytes (default 4 MiB).
pub const MAX_REQUEST_BYTES: &str = "LETTA_TELEMETRY_MAX_REQUEST_BYTES";
/// Most estimated bytes waiting in the span queue (default 64 MiB).
pub const MAX_QUEUE_BYTES: &str = "LETTA_TELEMETRY_MAX_QUEUE_BYTES";
/// Shutdown deadline in milliseconds (default 5000).
pub const SHUTDOWN_TIMEOUT_MS: &str = "LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS";
/// Size in bytes at which a local telemetry file is rotated (default 100 MiB).
pub const FILE_MAX_BYTES: &str = "LETTA_TELEMETRY_FILE_MAX_BYTES";
/// Rotated local telemetry files kept (default 5).
pub const FILE_BACKUPS: &str = "LETTA_TELEMETRY_FILE_BACKUPS";

/// Letta's own OTLP endpoint variable (wins over [`OTEL_EXPORTER_OTLP_ENDPOINT`]).
pub const LETTA_OTEL_EXPORTER_OTLP_ENDPOINT: &str = "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT";
/// Generic OTLP endpoint: `http(s)://host:port` (4317 gRPC, 4318 HTTP).
pub const OTEL_EXPORTER_OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";
/// OTLP endpoint of traces, used as-is.
pub const OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
/// OTLP endpoint of metrics, used as-is.
pub const OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
/// OTLP endpoint of logs, used as-is.
pub const OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
/// OTLP protocol: `grpc` (default), `http/protobuf` or `http/json`.
pub const OTEL_EXPORTER_OTLP_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";
/// OTLP protocol of traces.
pub const OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
/// OTLP protocol of metrics.
pub const OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL";
/// OTLP protocol of logs.
pub const OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: &str = "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL";
/// OTLP headers: `key=value` pairs separated by commas, percent-encoded.
pub const OTEL_EXPORTER_OTLP_HEADERS: &str = "OTEL_EXPORTER_OTLP_HEADERS";
/// OTLP export timeout in milliseconds (default 10000).
pub const OTEL_EXPORTER_OTLP_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TIMEOUT";
/// OTLP compression: `gzip` or `none` (default).
pub const OTEL_EXPORTER_OTLP_COMPRESSION: &str = "OTEL_EXPORTER_OTLP_COMPRESSION";
/// PEM file of the CA that signs the collector's certificate (must exist).
pub const OTEL_EXPORTER_OTLP_CERTIFICATE: &str = "OTEL_EXPORTER_OTLP_CERTIFICATE";
/// PEM file of the client certificate for mTLS (must exist; set with the key).
pub const OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: &str = "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE";
/// PEM file of the client's private key for mTLS (must exist; set with the certificate).
pub const OTEL_EXPORTER_OTLP_CLIENT_KEY: &str = "OTEL_EXPORTER_OTLP_CLIENT_KEY";
/// A schemeless gRPC endpoint (`host:port`) is plaintext when true, TLS
/// otherwise (bool, default false), as in the SDK.
pub const OTEL_EXPORTER_OTLP_INSECURE: &str = "OTEL_EXPORTER_OTLP_INSECURE";
/// The traces OTLP headers (replace the generic ones for the signal).
pub const OTEL_EXPORTER_OTLP_TRACES_HEADERS: &str = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";
/// The traces OTLP export timeout in milliseconds.
pub const OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT";
/// The traces OTLP compression: `gzip` or `none`.
pub const OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: &str = "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION";
/// The traces OTLP CA PEM file.
pub const OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: &str = "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE";
/// The traces OTLP client certificate PEM file (mTLS).
pub const OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE";
/// The traces OTLP client key PEM file (mTLS).
pub const OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY: &str = "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY";
/// The traces OTLP plaintext for a schemeless gRPC endpoint (bool).
pub const OTEL_EXPORTER_OTLP_TRACES_INSECURE: &str = "OTEL_EXPORTER_OTLP_TRACES_INSECURE";
/// The metrics OTLP headers (replace the generic ones for the signal).
pub const OTEL_EXPORTER_OTLP_METRICS_HEADERS: &str = "OTEL_EXPORTER_OTLP_METRICS_HEADERS";
/// The metrics OTLP export timeout in milliseconds.
pub const OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT";
/// The metrics OTLP compression: `gzip` or `none`.
pub const OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: &str = "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION";
/// The metrics OTLP CA PEM file.
pub const OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: &str = "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE";
/// The metrics OTLP client certificate PEM file (mTLS).
pub const OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE";
/// The metrics OTLP client key PEM file (mTLS).
pub const OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY: &str = "OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY";
/// The metrics OTLP plaintext for a schemeless gRPC endpoint (bool).
pub const OTEL_EXPORTER_OTLP_METRICS_INSECURE: &str = "OTEL_EXPORTER_OTLP_METRICS_INSECURE";
/// The logs OTLP headers (replace the generic ones for the signal).
pub const OTEL_EXPORTER_OTLP_LOGS_HEADERS: &str = "OTEL_EXPORTER_OTLP_LOGS_HEADERS";
/// The logs OTLP export timeout in milliseconds.
pub const OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: &str = "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT";
/// The logs OTLP compression: `gzip` or `none`.
pub const OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: &str = "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION";
/// The logs OTLP CA PEM file.
pub const OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: &str = "OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE";
/// The logs OTLP client certificate PEM file (mTLS).
pub const OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE: &str =
    "OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE";
/// The logs OTLP client key PEM file (mTLS).
pub const OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY: &str = "OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY";
/// The logs OTLP plaintext for a schemeless gRPC endpoint (bool).
pub const OTEL_EXPORTER_OTLP_LOGS_INSECURE: &str = "OTEL_EXPORTER_OTLP_LOGS_INSECURE";

/// Exporter of traces: `otlp` (default), `console`, `none`.
pub const OTEL_TRACES_EXPORTER: &str = "OTEL_TRACES_EXPORTER";
/// Exporter of metrics: `otlp` (default), `console`, `none`.
pub const OTEL_METRICS_EXPORTER: &str = "OTEL_METRICS_EXPORTER";
/// Exporter of logs: `otlp` (default), `console`, `none`.
pub const OTEL_LOGS_EXPORTER: &str = "OTEL_LOGS_EXPORTER";
/// Propagators: comma-separated `tracecontext`, `baggage`, `b3`, `b3multi`,
/// or `none` (default `tracecontext,baggage`).
pub const OTEL_PROPAGATORS: &str = "OTEL_PROPAGATORS";
/// Level of the SDK's own diagnostics: `none`, `error`, `warn`, `info`,
/// `debug`, `trace`.
pub const OTEL_LOG_LEVEL: &str = "OTEL_LOG_LEVEL";
/// Most attributes per span (default 128; falls back to [`OTEL_ATTRIBUTE_COUNT_LIMIT`]).
pub const OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT";
/// Longest string attribute value of a span, in characters (default no
/// limit; falls back to [`OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`]).
pub const OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: &str = "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT";
/// Most events per span (default 128).
pub const OTEL_SPAN_EVENT_COUNT_LIMIT: &str = "OTEL_SPAN_EVENT_COUNT_LIMIT";
/// Most links per span (default 128).
pub const OTEL_SPAN_LINK_COUNT_LIMIT: &str = "OTEL_SPAN_LINK_COUNT_LIMIT";
/// Most attributes per span event (default 128).
pub const OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT";
/// Most attributes per span link (default 128).
pub const OTEL_LINK_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT";
/// General attribute count limit, for the span limits not set themselves.
pub const OTEL_ATTRIBUTE_COUNT_LIMIT: &str = "OTEL_ATTRIBUTE_COUNT_LIMIT";
/// General attribute value length limit, when the span one is not set.
pub const OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: &str = "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT";
/// Longest span export in milliseconds (default 30000).
pub const OTEL_BSP_EXPORT_TIMEOUT: &str = "OTEL_BSP_EXPORT_TIMEOUT";
/// Concurrent span exports (default 1; letta-telemetry exports one batch at a time).
pub const OTEL_BSP_MAX_CONCURRENT_EXPORTS: &str = "OTEL_BSP_MAX_CONCURRENT_EXPORTS";
/// Longest metric export in milliseconds (default 30000).
pub const OTEL_METRIC_EXPORT_TIMEOUT: &str = "OTEL_METRIC_EXPORT_TIMEOUT";
/// Most log records waiting for OTLP export (default 2048).
pub const OTEL_BLRP_MAX_QUEUE_SIZE: &str = "OTEL_BLRP_MAX_QUEUE_SIZE";
/// Most log records in one OTLP export (default 512).
pub const OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: &str = "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE";
/// Longest wait in milliseconds before a partial log batch is exported (default 1000).
pub const OTEL_BLRP_SCHEDULE_DELAY: &str = "OTEL_BLRP_SCHEDULE_DELAY";
/// Longest log export in milliseconds (default 30000).
pub const OTEL_BLRP_EXPORT_TIMEOUT: &str = "OTEL_BLRP_EXPORT_TIMEOUT";
/// Service name (wins over `service.name` in [`OTEL_RESOURCE_ATTRIBUTES`]).
pub const OTEL_SERVICE_NAME: &str = "OTEL_SERVICE_NAME";
/// Extra resource attributes: `key=value` pairs separated by commas.
pub const OTEL_RESOURCE_ATTRIBUTES: &str = "OTEL_RESOURCE_ATTRIBUTES";
/// Sampler: `always_on`, `always_off`, `traceidratio`, `parentbased_always_on`
/// (default), `parentbased_always_off`, `parentbased_traceidratio`.
pub const OTEL_TRACES_SAMPLER: &str = "OTEL_TRACES_SAMPLER";
/// Ratio of the ratio samplers, in `0.0..=1.0` (default 1.0).
pub const OTEL_TRACES_SAMPLER_ARG: &str = "OTEL_TRACES_SAMPLER_ARG";
/// No telemetry pipeline at all (bool, default false).
pub const OTEL_SDK_DISABLED: &str = "OTEL_SDK_DISABLED";
/// Most spans waiting in the queue (default 8192).
pub const OTEL_BSP_MAX_QUEUE_SIZE: &str = "OTEL_BSP_MAX_QUEUE_SIZE";
/// Most spans in one batch (default 512).
pub const OTEL_BSP_MAX_EXPORT_BATCH_SIZE: &str = "OTEL_BSP_MAX_EXPORT_BATCH_SIZE";
/// Longest wait in milliseconds before a partial batch is exported (default 1000).
pub const OTEL_BSP_SCHEDULE_DELAY: &str = "OTEL_BSP_SCHEDULE_DELAY";
/// Interval of the periodic metric reader in milliseconds (default 60000).
pub const OTEL_METRIC_EXPORT_INTERVAL: &str = "OTEL_METRIC_EXPORT_INTERVAL";

/// Environment name, normalised for `deployment.environment`.
pub const LETTA_ENVIRONMENT: &str = "LETTA_ENVIRONMENT";
/// When set, the service name is `letta-server-<ENV_NAME lower-cased>`.
pub const ENV_NAME: &str = "ENV_NAME";
/// Letta's home directory (default `$HOME/.letta`); logs go to `<LETTA_DIR>/logs`.
pub const LETTA_DIR: &str = "LETTA_DIR";
/// JSON log lines (bool, default false).
pub const LETTA_LOGGING_JSON_LOGGING: &str = "LETTA_LOGGING_JSON_LOGGING";
/// Debug log level (bool, default false).
pub const LETTA_DEBUG: &str = "LETTA_DEBUG";
/// The user's home directory, for the default of [`LETTA_DIR`].
pub const HOME: &str = "HOME";

/// Prefixes whose unknown variables get a "did you mean" warning.
pub(crate) const WATCHED_PREFIXES: &[&str] = &[PREFIX, "LETTA_OTEL_", "OTEL_"];

/// The hint of the variables of the queue limits that do not exist.
const QUEUE_LIMITS: &str = "ignored; the span queue holds at most OTEL_BSP_MAX_QUEUE_SIZE spans \
     and LETTA_TELEMETRY_MAX_QUEUE_BYTES bytes, batches at most OTEL_BSP_MAX_EXPORT_BATCH_SIZE \
     spans, sent every OTEL_BSP_SCHEDULE_DELAY ms";
/// The hint of the log record limits.
const LOG_RECORD_LIMITS: &str = "ignored; the Rust SDK has no log record limits: a record \
     carries the fields of its tracing event, and the line is bounded by the log writer";

/// Variables that letta-telemetry deliberately does not read (standard
/// OpenTelemetry ones the Rust SDK does not implement, and likely guesses at
/// a setting's name), with what happens and what to use instead: they get a
/// "not supported" warning rather than a "did you mean".
pub(crate) const UNSUPPORTED: &[(&str, &str)] = &[
    ("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", LOG_RECORD_LIMITS),
    (
        "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT",
        LOG_RECORD_LIMITS,
    ),
    (
        "OTEL_METRICS_EXEMPLAR_FILTER",
        "ignored; the Rust SDK records no exemplars",
    ),
    ("LETTA_TELEMETRY_MAX_QUEUE_SIZE", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_MAX_QUEUE_SPANS", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_MAX_BATCH_SPANS", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_MAX_EXPORT_BATCH_SIZE", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_SCHEDULE_DELAY", QUEUE_LIMITS),
];
