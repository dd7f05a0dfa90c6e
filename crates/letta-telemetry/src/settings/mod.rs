//! Telemetry settings: every `LETTA_TELEMETRY_*` variable of the reference
//! server plus the standard `OTEL_*` ones. Environment access lives here only
//! (in [`EnvSource`]).
//!
//! Precedence, highest first: code ([`Settings::builder`]), the most specific
//! variable (per-signal before generic, `LETTA_TELEMETRY_*` before its
//! aliases), the default. Every variable name is a documented constant in
//! [`vars`]. Names are case-insensitive; empty values count as unset.
//!
//! Every invalid value is reported at once in a [`SettingsError`]; variables
//! with a telemetry prefix (`LETTA_TELEMETRY_`, `LETTA_OTEL_`, `OTEL_`) that
//! match no setting produce a [`SettingWarning`] naming the closest valid name.
//! [`Settings::render`] prints the effective configuration with the
//! [`Source`] of each value and secrets masked.
//!
//! ```
//! use letta_telemetry::settings::{Settings, Source, Field};
//!
//! let settings = Settings::builder()
//!     .with_service_name("my-agent")
//!     .build_from_vars([
//!         ("OTEL_SERVICE_NAME", "ignored-because-code-wins"),
//!         ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"),
//!         ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
//!         ("letta_telemetry_datadog_agent_port", "8127"),
//!     ])?;
//! assert_eq!(settings.service_name, "my-agent");
//! assert_eq!(settings.source(Field::ServiceName), Source::Code);
//! assert_eq!(settings.datadog_agent_port, 8127);
//! assert_eq!(
//!     settings.traces_endpoint().as_deref(),
//!     Some("http://localhost:4318/v1/traces")
//! );
//!
//! // Every bad value is reported, each with its variable and expected form.
//! let err = Settings::from_vars([
//!     ("LETTA_TELEMETRY_DATADOG_AGENT_PORT", "0"),
//!     ("OTEL_EXPORTER_OTLP_PROTOCOL", "udp"),
//! ])
//! .unwrap_err();
//! assert_eq!(err.problems.len(), 2);
//! # Ok::<(), letta_telemetry::SettingsError>(())
//! ```

mod builder;
mod content_capture;
mod defaults;
mod env;
mod error;
mod limits;
mod otlp;
mod parse;
mod registry;
mod render;
mod resolve_sdk;
mod resolver;
mod sdk;
mod signal;
mod source;
mod values;
pub mod vars;
mod warning;

use std::path::PathBuf;
use std::time::Duration;

pub use builder::SettingsBuilder;
pub use content_capture::ContentCapture;
pub use env::EnvSource;
pub use error::{SettingProblem, SettingsError};
pub use limits::ExportLimits;
pub use otlp::{OtlpSettings, SignalOtlpSettings};
pub use registry::{Field, Group, SETTINGS, SettingSpec, UNMAPPED, VariableDoc, docs_table};
pub use sdk::{ExporterKind, LogBatchSettings, Propagator, SdkSettings, SpanLimitSettings};
pub use signal::Destination;
pub use source::Source;
pub use values::{Compression, InvalidValue, Protocol, SamplerSetting, Signal, Temporality};
pub use warning::{SettingWarning, WarningKind};

use source::Provenance;

/// The effective telemetry settings.
///
/// Build them with [`Settings::from_env`], [`Settings::from_vars`] or
/// [`Settings::builder`]. Fields are public for reading; a field assigned
/// after building is reported as set by code in [`Settings::render`].
///
/// ```
/// use letta_telemetry::settings::{Field, Settings, Source};
///
/// let settings = Settings::builder()
///     .with_environment("STAGING")
///     .build_from_vars([("OTEL_EXPORTER_OTLP_HEADERS", "api-key=secret")])?;
/// assert_eq!(settings.normalized_environment(), "dev");
/// assert_eq!(settings.source(Field::Environment), Source::Code);
/// let text = settings.render();
/// assert!(text.contains("otlp.headers"));
/// assert!(text.contains("api-key=***"));
/// assert!(!text.contains("secret"));
/// # Ok::<(), letta_telemetry::SettingsError>(())
/// ```
#[derive(Clone)]
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
    /// `LETTA_TELEMETRY_OTEL_PREFERRED_TEMPORALITY` / `LETTA_OTEL_PREFERRED_TEMPORALITY`
    /// / `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` (default DELTA).
    pub otel_preferred_temporality: Temporality,
    /// `LETTA_TELEMETRY_DISABLE_TRACING` / `LETTA_DISABLE_TRACING`.
    pub disable_tracing: bool,
    /// `LETTA_TELEMETRY_VERBOSE_TELEMETRY_LOGGING`.
    pub verbose_telemetry_logging: bool,
    /// `OTEL_SDK_DISABLED`: no telemetry pipeline at all.
    pub sdk_disabled: bool,
    /// `LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX`: regexes of `"<METHOD> <path>"`
    /// excluded from tracing (default
    /// [`DEFAULT_EXCLUDED_ROUTES`](crate::http::DEFAULT_EXCLUDED_ROUTES)).
    pub excluded_endpoints_regex: Vec<String>,
    /// `LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX`: regexes of `"<METHOD> <path>"`
    /// that get endpoint metrics (default
    /// [`DEFAULT_METRIC_ROUTES`](crate::http::DEFAULT_METRIC_ROUTES)).
    pub metrics_endpoints_regex: Vec<String>,
    /// OTLP exporter settings.
    pub otlp: OtlpSettings,
    /// Code, else `OTEL_SERVICE_NAME`, else `letta-server-<ENV_NAME lower-cased>`,
    /// else `service.name` of `OTEL_RESOURCE_ATTRIBUTES`, else `letta-server`.
    pub service_name: String,
    /// The server's version (`letta.version`, `service.version`); set it in
    /// code with [`SettingsBuilder::with_service_version`].
    pub service_version: String,
    /// `LETTA_ENVIRONMENT`, raw (see [`Settings::normalized_environment`]).
    pub environment: Option<String>,
    /// `ENV_NAME`, raw.
    pub env_name: Option<String>,
    /// `OTEL_RESOURCE_ATTRIBUTES`, parsed (percent-decoded).
    pub resource_attributes: Vec<(String, String)>,
    /// `OTEL_TRACES_SAMPLER` / `_ARG`.
    pub sampler: SamplerSetting,
    /// `LETTA_DIR` (default `$HOME/.letta`; a leading `~` is expanded).
    pub letta_dir: PathBuf,
    /// `LETTA_LOGGING_JSON_LOGGING`.
    pub json_logging: bool,
    /// `LETTA_DEBUG`.
    pub debug: bool,
    /// Whether log lines also go to the console (stderr); set in code only
    /// (default true). `Letta.log` is written either way.
    pub console_logs: bool,
    /// `OTEL_METRIC_EXPORT_INTERVAL` (default 60 s).
    pub metric_export_interval: Duration,
    /// Export limits.
    pub limits: ExportLimits,
    /// `LETTA_TELEMETRY_LEGACY_ATTRIBUTES` (default true): the reference's
    /// legacy attribute names (`http.method`, `http.url`, `http.status_code`,
    /// `deployment.environment`) are written beside the stable ones, for
    /// existing dashboards. Off, only the stable conventions are written
    /// (fewer attributes, less work per request). `OTEL_SEMCONV_STABILITY_OPT_IN`
    /// is read too: `http` turns them off, `http/dup` on.
    pub legacy_attributes: bool,
    /// `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` (alias
    /// `LETTA_TELEMETRY_GENAI_CAPTURE_MESSAGE_CONTENT`; default
    /// [`ContentCapture::NoContent`]): whether the content of model calls and
    /// tool executions is recorded, and where.
    pub genai_capture_message_content: ContentCapture,
    /// The standard SDK settings beyond the OTLP exporter (exporters,
    /// propagators, span limits, batch timeouts, `OTEL_LOG_LEVEL`).
    pub sdk: SdkSettings,
    warnings: Vec<SettingWarning>,
    provenance: Provenance,
}

impl Settings {
    /// A builder: values set in code win over the environment.
    pub fn builder() -> SettingsBuilder {
        SettingsBuilder::default()
    }

    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Self::builder().build()
    }

    /// Reads the settings from `(name, value)` pairs instead of the process
    /// environment (tests, embedding).
    pub fn from_vars<I, K, V>(vars: I) -> Result<Settings, SettingsError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self::builder().build_from(&EnvSource::from_vars(vars))
    }

    /// Directory of local telemetry files: `<LETTA_DIR>/logs`.
    pub fn logs_dir(&self) -> PathBuf {
        self.letta_dir.join("logs")
    }

    /// Whether spans are produced at all.
    pub fn tracing_enabled(&self) -> bool {
        !self.sdk_disabled && !self.disable_tracing
    }

    /// The `deployment.environment` of the resource: `LETTA_ENVIRONMENT`
    /// normalised (see [`Settings::normalized_environment`]) when set, else
    /// `deployment.environment` of `OTEL_RESOURCE_ATTRIBUTES` as written (the
    /// last one), else `unknown`.
    ///
    /// ```
    /// use letta_telemetry::settings::Settings;
    ///
    /// let s = Settings::from_vars([("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=qa")])?;
    /// assert_eq!(s.effective_environment(), "qa");
    /// let s = Settings::from_vars([
    ///     ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=qa"),
    ///     ("LETTA_ENVIRONMENT", "STAGING"),
    /// ])?;
    /// assert_eq!(s.effective_environment(), "dev");
    /// # Ok::<(), letta_telemetry::SettingsError>(())
    /// ```
    pub fn effective_environment(&self) -> String {
        if self.environment_is_set() {
            return self.normalized_environment();
        }
        self.resource_attributes
            .iter()
            .rev()
            .find(|(k, _)| k == "deployment.environment")
            .map_or_else(|| self.normalized_environment(), |(_, v)| v.clone())
    }

    /// Whether `LETTA_ENVIRONMENT` (or [`SettingsBuilder::with_environment`])
    /// sets a non-blank environment, which then wins over
    /// `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn environment_is_set(&self) -> bool {
        self.environment
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty())
    }

    /// `LETTA_ENVIRONMENT` normalised: `DEV`, `DEVELOPMENT` and `STAGING`
    /// become `dev`, anything else is lower-cased, unset or empty is
    /// `unknown`. The resource's `deployment.environment` is
    /// [`Settings::effective_environment`].
    pub fn normalized_environment(&self) -> String {
        normalize_environment(self.environment.as_deref().unwrap_or(""))
    }

    /// `DD_ENV` as the reference sets it: `LETTA_ENVIRONMENT` as given (not
    /// normalised), or `development` when there is none.
    pub fn datadog_environment(&self) -> String {
        self.environment
            .clone()
            .filter(|e| !e.is_empty())
            .unwrap_or_else(|| "development".into())
    }

    /// Warnings found while reading the settings (unknown or ignored
    /// variables).
    pub fn warnings(&self) -> &[SettingWarning] {
        &self.warnings
    }

    /// Logs every warning with `tracing::warn!`. [`init`](crate::init) already
    /// does this; call it only when not using `init`.
    pub fn log_warnings(&self) {
        for w in &self.warnings {
            tracing::warn!(target: "letta_telemetry::settings", variable = w.variable(), "{w}");
        }
    }

    /// Where the current value of `field` came from.
    pub fn source(&self, field: Field) -> Source {
        self.provenance
            .source(field, &render::shown_value(self, field))
    }

    /// The effective configuration, one setting per line with its source,
    /// secrets masked, followed by the warnings.
    pub fn render(&self) -> String {
        render::render(self)
    }

    fn record_sources(&mut self, source_of: impl Fn(Field) -> Source) {
        let mut provenance = Provenance::default();
        for &field in Field::ALL {
            provenance.record(field, source_of(field), render::shown_value(self, field));
        }
        self.provenance = provenance;
    }
}

/// `DEV`, `DEVELOPMENT`, `STAGING` → `dev`; else lower-cased; empty → `unknown`.
pub(crate) fn normalize_environment(raw: &str) -> String {
    let raw = raw.trim();
    if raw.is_empty() {
        return "unknown".into();
    }
    let lower = raw.to_lowercase();
    match lower.as_str() {
        "dev" | "development" | "staging" => "dev".into(),
        _ => lower,
    }
}
