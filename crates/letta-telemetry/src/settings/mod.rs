//! Telemetry settings: every `LETTA_TELEMETRY_*` variable of the reference
//! server plus the standard `OTEL_*` ones. Environment access lives here only.
//!
//! SKELETON: the field list below is the shared contract between modules.
//! The settings work fills in parsing, validation, sources and rendering.

use std::path::PathBuf;
use std::time::Duration;

/// Metric temporality preference for counters and histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Temporality {
    /// `0` / `UNSPECIFIED`: the SDK default (cumulative).
    Unspecified,
    /// `1` / `DELTA` (the reference default).
    #[default]
    Delta,
    /// `2` / `CUMULATIVE`.
    Cumulative,
}

/// OTLP transport protocol (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// `grpc` (port 4317).
    #[default]
    Grpc,
    /// `http/protobuf` (port 4318).
    HttpProtobuf,
    /// `http/json` (port 4318).
    HttpJson,
}

/// OTLP compression (`OTEL_EXPORTER_OTLP_COMPRESSION`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// `gzip`.
    Gzip,
}

/// Trace sampler (`OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum SamplerSetting {
    /// `always_on`.
    AlwaysOn,
    /// `always_off`.
    AlwaysOff,
    /// `traceidratio` with its ratio.
    TraceIdRatio(f64),
    /// `parentbased_always_on` (the default).
    #[default]
    ParentBasedAlwaysOn,
    /// `parentbased_always_off`.
    ParentBasedAlwaysOff,
    /// `parentbased_traceidratio` with its ratio.
    ParentBasedTraceIdRatio(f64),
}

/// OTLP exporter settings (standard `OTEL_EXPORTER_OTLP_*` variables).
#[derive(Debug, Clone, Default)]
pub struct OtlpSettings {
    /// Generic endpoint (`LETTA_OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`).
    pub endpoint: Option<String>,
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    pub traces_endpoint: Option<String>,
    /// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`.
    pub metrics_endpoint: Option<String>,
    /// `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`.
    pub logs_endpoint: Option<String>,
    /// Transport protocol.
    pub protocol: Protocol,
    /// Extra headers (values are secrets: never rendered).
    pub headers: Vec<(String, String)>,
    /// Per-export timeout (default 10 s).
    pub timeout: Duration,
    /// Compression, if any.
    pub compression: Option<Compression>,
    /// PEM file of a custom CA.
    pub certificate: Option<PathBuf>,
}

/// Limits of the export path.
#[derive(Debug, Clone)]
pub struct ExportLimits {
    /// Largest encoded export request, in bytes (default 4 MiB).
    pub max_request_bytes: usize,
    /// Most spans waiting in the queue (default 8192).
    pub max_queue_spans: usize,
    /// Most estimated bytes waiting in the queue (default 64 MiB).
    pub max_queue_bytes: usize,
    /// Most spans in one batch (default 512).
    pub max_batch_spans: usize,
    /// Longest wait before a partial batch is exported (default 1 s).
    pub schedule_delay: Duration,
    /// Deadline of shutdown (default 5 s).
    pub shutdown_timeout: Duration,
    /// Size at which a local telemetry file is rotated (default 100 MiB).
    pub file_max_bytes: u64,
    /// Rotated files kept (default 5).
    pub file_backups: usize,
}

impl Default for ExportLimits {
    fn default() -> Self {
        Self {
            max_request_bytes: 4 * 1024 * 1024,
            max_queue_spans: 8192,
            max_queue_bytes: 64 * 1024 * 1024,
            max_batch_spans: 512,
            schedule_delay: Duration::from_secs(1),
            shutdown_timeout: Duration::from_secs(5),
            file_max_bytes: 100 * 1024 * 1024,
            file_backups: 5,
        }
    }
}

/// The effective telemetry settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `LETTA_TELEMETRY_ENABLE_DATADOG`.
    pub enable_datadog: bool,
    /// `LETTA_TELEMETRY_DATADOG_AGENT_HOST` (default `localhost`).
    pub datadog_agent_host: String,
    /// `LETTA_TELEMETRY_DATADOG_AGENT_PORT` (default 8126).
    pub datadog_agent_port: u16,
    /// `LETTA_TELEMETRY_DATADOG_SERVICE_NAME` (default `letta-server`).
    pub datadog_service_name: String,
    /// `LETTA_TELEMETRY_DATADOG_PROFILING_ENABLED`.
    pub datadog_profiling_enabled: bool,
    /// `LETTA_TELEMETRY_DATADOG_PROFILING_MEMORY_ENABLED`.
    pub datadog_profiling_memory_enabled: bool,
    /// `LETTA_TELEMETRY_DATADOG_PROFILING_HEAP_ENABLED`.
    pub datadog_profiling_heap_enabled: bool,
    /// `LETTA_TELEMETRY_DATADOG_GIT_REPOSITORY_URL` / `DD_GIT_REPOSITORY_URL`.
    pub datadog_git_repository_url: Option<String>,
    /// `LETTA_TELEMETRY_DATADOG_GIT_COMMIT_SHA` / `DD_GIT_COMMIT_SHA`.
    pub datadog_git_commit_sha: Option<String>,
    /// `LETTA_TELEMETRY_DATADOG_MAIN_PACKAGE` / `DD_MAIN_PACKAGE` (default `letta`).
    pub datadog_main_package: String,
    /// `LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY` (default DELTA).
    pub otel_preferred_temporality: Temporality,
    /// `LETTA_TELEMETRY_DISABLE_TRACING` / `LETTA_DISABLE_TRACING`.
    pub disable_tracing: bool,
    /// `LETTA_TELEMETRY_VERBOSE_TELEMETRY_LOGGING`.
    pub verbose_telemetry_logging: bool,
    /// `OTEL_SDK_DISABLED`: no telemetry pipeline at all.
    pub sdk_disabled: bool,
    /// OTLP exporter settings.
    pub otlp: OtlpSettings,
    /// `OTEL_SERVICE_NAME`, else `letta-server-<ENV_NAME>`, else `letta-server`.
    pub service_name: String,
    /// The server's version (`letta.version`, `service.version`).
    pub service_version: String,
    /// `LETTA_ENVIRONMENT`, raw.
    pub environment: Option<String>,
    /// `ENV_NAME`, raw.
    pub env_name: Option<String>,
    /// `OTEL_RESOURCE_ATTRIBUTES`, parsed.
    pub resource_attributes: Vec<(String, String)>,
    /// `OTEL_TRACES_SAMPLER` / `_ARG`.
    pub sampler: SamplerSetting,
    /// `LETTA_DIR` (default `~/.letta`).
    pub letta_dir: PathBuf,
    /// `LETTA_LOGGING_JSON_LOGGING`.
    pub json_logging: bool,
    /// `LETTA_DEBUG`.
    pub debug: bool,
    /// Export limits.
    pub limits: ExportLimits,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            enable_datadog: false,
            datadog_agent_host: "localhost".into(),
            datadog_agent_port: 8126,
            datadog_service_name: "letta-server".into(),
            datadog_profiling_enabled: false,
            datadog_profiling_memory_enabled: false,
            datadog_profiling_heap_enabled: false,
            datadog_git_repository_url: None,
            datadog_git_commit_sha: None,
            datadog_main_package: "letta".into(),
            otel_preferred_temporality: Temporality::Delta,
            disable_tracing: false,
            verbose_telemetry_logging: false,
            sdk_disabled: false,
            otlp: OtlpSettings {
                timeout: Duration::from_secs(10),
                ..OtlpSettings::default()
            },
            service_name: "letta-server".into(),
            service_version: env!("CARGO_PKG_VERSION").into(),
            environment: None,
            env_name: None,
            resource_attributes: Vec::new(),
            sampler: SamplerSetting::default(),
            letta_dir: PathBuf::from(".letta"),
            json_logging: false,
            debug: false,
            limits: ExportLimits::default(),
        }
    }
}

/// Invalid settings: every problem found, each naming its variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid telemetry settings")]
pub struct SettingsError {}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Ok(Settings::default())
    }

    /// Directory of local telemetry files: `<LETTA_DIR>/logs`.
    pub fn logs_dir(&self) -> PathBuf {
        self.letta_dir.join("logs")
    }

    /// Whether spans are produced at all.
    pub fn tracing_enabled(&self) -> bool {
        !self.sdk_disabled && !self.disable_tracing
    }
}
