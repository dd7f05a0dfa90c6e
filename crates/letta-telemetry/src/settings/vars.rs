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

/// ClickHouse HTTP endpoint: `http(s)://host[:port]` or `host[:port]` (TLS).
pub const CLICKHOUSE_ENDPOINT: &str = "CLICKHOUSE_ENDPOINT";
/// ClickHouse database (default `otel`).
pub const CLICKHOUSE_DATABASE: &str = "CLICKHOUSE_DATABASE";
/// ClickHouse user (default `default`).
pub const CLICKHOUSE_USERNAME: &str = "CLICKHOUSE_USERNAME";
/// ClickHouse password (required to read traces).
pub const CLICKHOUSE_PASSWORD: &str = "CLICKHOUSE_PASSWORD";

/// Prefixes whose unknown variables get a "did you mean" warning.
pub(crate) const WATCHED_PREFIXES: &[&str] = &[PREFIX, "LETTA_OTEL_", "OTEL_"];

/// Every variable [`Settings`](super::Settings) reads that has a watched prefix
/// (the candidates of "did you mean").
pub(crate) const KNOWN: &[&str] = &[
    ENABLE_DATADOG,
    DATADOG_AGENT_HOST,
    DATADOG_AGENT_PORT,
    DATADOG_SERVICE_NAME,
    DATADOG_PROFILING_ENABLED,
    DATADOG_PROFILING_MEMORY_ENABLED,
    DATADOG_PROFILING_HEAP_ENABLED,
    DATADOG_GIT_REPOSITORY_URL,
    DATADOG_GIT_COMMIT_SHA,
    DATADOG_MAIN_PACKAGE,
    OTEL_PREFERRED_TEMPORALITY,
    LETTA_OTEL_PREFERRED_TEMPORALITY,
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
    DISABLE_TRACING,
    VERBOSE_TELEMETRY_LOGGING,
    EXCLUDED_ENDPOINTS_REGEX,
    METRICS_ENDPOINTS_REGEX,
    MAX_REQUEST_BYTES,
    MAX_QUEUE_BYTES,
    SHUTDOWN_TIMEOUT_MS,
    FILE_MAX_BYTES,
    FILE_BACKUPS,
    LETTA_OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_ENDPOINT,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
    OTEL_EXPORTER_OTLP_PROTOCOL,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL,
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL,
    OTEL_EXPORTER_OTLP_HEADERS,
    OTEL_EXPORTER_OTLP_TIMEOUT,
    OTEL_EXPORTER_OTLP_COMPRESSION,
    OTEL_EXPORTER_OTLP_CERTIFICATE,
    OTEL_SERVICE_NAME,
    OTEL_RESOURCE_ATTRIBUTES,
    OTEL_TRACES_SAMPLER,
    OTEL_TRACES_SAMPLER_ARG,
    OTEL_SDK_DISABLED,
    OTEL_BSP_MAX_QUEUE_SIZE,
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    OTEL_BSP_SCHEDULE_DELAY,
    OTEL_METRIC_EXPORT_INTERVAL,
];

/// Standard variables that letta-telemetry does not read but the
/// OpenTelemetry SDK itself does (the batch log processor's): no warning.
pub(crate) const READ_BY_SDK: &[&str] = &[
    "OTEL_BLRP_SCHEDULE_DELAY",
    "OTEL_BLRP_EXPORT_TIMEOUT",
    "OTEL_BLRP_MAX_QUEUE_SIZE",
    "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE",
];

/// The hint of a per-signal header variable.
const PER_SIGNAL_HEADERS: &str = "use OTEL_EXPORTER_OTLP_HEADERS, which applies to every signal \
     (letta-telemetry does not validate or show per-signal headers, though the OTLP exporter \
     library may still send them)";
/// The hint of the variables of the queue limits that do not exist.
const QUEUE_LIMITS: &str = "ignored; the span queue holds at most OTEL_BSP_MAX_QUEUE_SIZE spans \
     and LETTA_TELEMETRY_MAX_QUEUE_BYTES bytes, batches at most OTEL_BSP_MAX_EXPORT_BATCH_SIZE \
     spans, sent every OTEL_BSP_SCHEDULE_DELAY ms";
/// The hint of the client certificate variables.
const CLIENT_TLS: &str = "ignored; client certificates (mTLS) are not supported, terminate \
     mTLS in a local collector";

/// Variables that letta-telemetry deliberately does not read (standard
/// OpenTelemetry ones, and likely guesses at a setting's name), with what
/// happens and what to use instead: they get a "not supported" warning rather
/// than a "did you mean".
pub(crate) const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "OTEL_PROPAGATORS",
        "ignored; W3C trace-context and baggage are always installed",
    ),
    (
        "OTEL_TRACES_EXPORTER",
        "ignored; traces go to OTLP when an endpoint is set, else to local files",
    ),
    (
        "OTEL_METRICS_EXPORTER",
        "ignored; metrics go to OTLP when an endpoint is set, else to local files",
    ),
    (
        "OTEL_LOGS_EXPORTER",
        "ignored; logs go to OTLP when an endpoint is set, else to local files",
    ),
    (
        "OTEL_EXPORTER_OTLP_INSECURE",
        "use an http:// endpoint for plaintext and https:// for TLS",
    ),
    (
        "OTEL_LOG_LEVEL",
        "ignored; use LETTA_DEBUG or LETTA_TELEMETRY_VERBOSE_TELEMETRY_LOGGING",
    ),
    (
        "OTEL_BSP_EXPORT_TIMEOUT",
        "ignored; the export timeout is OTEL_EXPORTER_OTLP_TIMEOUT",
    ),
    (
        "OTEL_METRIC_EXPORT_TIMEOUT",
        "ignored; a metric export is bounded by OTEL_EXPORTER_OTLP_TIMEOUT",
    ),
    ("OTEL_EXPORTER_OTLP_CLIENT_KEY", CLIENT_TLS),
    ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", CLIENT_TLS),
    ("LETTA_TELEMETRY_MAX_QUEUE_SIZE", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_MAX_QUEUE_SPANS", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_MAX_BATCH_SPANS", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_MAX_EXPORT_BATCH_SIZE", QUEUE_LIMITS),
    ("LETTA_TELEMETRY_SCHEDULE_DELAY", QUEUE_LIMITS),
];

/// Per-signal OTLP settings letta-telemetry does not read, by the part of the
/// name after `OTEL_EXPORTER_OTLP_{TRACES,METRICS,LOGS}_`: the generic
/// variable applies to every signal.
pub(crate) const UNSUPPORTED_PER_SIGNAL: &[(&str, &str)] = &[
    ("HEADERS", PER_SIGNAL_HEADERS),
    (
        "TIMEOUT",
        "ignored; use OTEL_EXPORTER_OTLP_TIMEOUT, which applies to every signal",
    ),
    (
        "COMPRESSION",
        "use OTEL_EXPORTER_OTLP_COMPRESSION, which applies to every signal (letta-telemetry \
         does not validate or show a per-signal value, though the OTLP exporter library may \
         still apply it when the generic one is unset)",
    ),
    (
        "CERTIFICATE",
        "ignored; use OTEL_EXPORTER_OTLP_CERTIFICATE, which applies to every signal",
    ),
    (
        "INSECURE",
        "use an http:// endpoint for plaintext and https:// for TLS",
    ),
    ("CLIENT_KEY", CLIENT_TLS),
    ("CLIENT_CERTIFICATE", CLIENT_TLS),
];
