//! Log configuration: formats, levels and Datadog tags, from the settings or
//! from code.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::filter::Targets;

use crate::settings::Settings;

/// Target prefix whose debug lines `verbose_telemetry_logging` turns on.
pub const TELEMETRY_TARGET: &str = "letta_telemetry";

/// Targets of the diagnostics `OTEL_LOG_LEVEL` sets the level of: the
/// OpenTelemetry crates (`opentelemetry`, `opentelemetry_sdk`,
/// `opentelemetry-otlp`, … by prefix) and this crate.
const SDK_TARGETS: [&str; 2] = ["opentelemetry", TELEMETRY_TARGET];

/// Targets of Datadog's exporter crates, silenced unless verbose.
const DATADOG_INTERNAL_TARGETS: [&str; 2] = ["libdd_trace_utils", "libdd_data_pipeline"];

/// Name of the log file under `<LETTA_DIR>/logs/`.
pub const LOG_FILE_NAME: &str = "Letta.log";

/// Size at which `Letta.log` is rotated (10 MB, as the reference).
pub const LOG_FILE_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Rotated copies of `Letta.log` that are kept (`Letta.log.1` .. `.3`).
pub const LOG_FILE_BACKUPS: usize = 3;

/// Lines buffered between a request thread and the writer thread; past it,
/// lines are dropped and counted rather than blocking the caller.
pub const DEFAULT_BUFFERED_LINES: usize = 16 * 1024;

/// The layout of a log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogFormat {
    /// One JSON object per line with the reference's fields.
    Json,
    /// `time - logger - LEVEL - message`.
    Standard,
    /// `logger - LEVEL - message` (no time).
    Console,
    /// `time - logger - LEVEL - [dd.env=... dd.service=... dd.version=...
    /// dd.trace_id=... dd.span_id=...] - message`.
    Datadog,
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Json => "json",
            LogFormat::Standard => "standard",
            LogFormat::Console => "console",
            LogFormat::Datadog => "datadog",
        })
    }
}

/// A log format name that is not one of `json`, `standard`, `console`,
/// `datadog`.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown log format {0:?}: expected json, standard, console or datadog")]
#[non_exhaustive]
pub struct UnknownLogFormat(pub String);

impl FromStr for LogFormat {
    type Err = UnknownLogFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(LogFormat::Json),
            "standard" | "text" => Ok(LogFormat::Standard),
            "console" => Ok(LogFormat::Console),
            "datadog" => Ok(LogFormat::Datadog),
            _ => Err(UnknownLogFormat(s.to_owned())),
        }
    }
}

/// The unified service tags written on every line when Datadog is on
/// (`dd.service`, `dd.env`, `dd.version`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatadogLogTags {
    /// `dd.service`.
    pub service: String,
    /// `dd.env`.
    pub env: String,
    /// `dd.version`.
    pub version: String,
}

impl DatadogLogTags {
    /// The tags the settings give Datadog: `datadog_service_name`, the
    /// environment (or `development`) and the server version.
    pub fn from_settings(settings: &Settings) -> Self {
        DatadogLogTags {
            service: settings.datadog_service_name.clone(),
            env: settings.datadog_environment(),
            version: settings.service_version.clone(),
        }
    }
}

/// Where and how `Letta.log` is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFileConfig {
    /// The file (`<LETTA_DIR>/logs/Letta.log`).
    pub path: PathBuf,
    /// Rotation size in bytes.
    pub max_bytes: u64,
    /// Rotated copies kept.
    pub backups: usize,
}

/// How logs are written. Build it [from the settings](Self::from_settings)
/// or in code, then [`layer`](Self::layer) gives a `tracing_subscriber`
/// layer to compose with others.
#[derive(Debug, Clone)]
pub struct LogConfig {
    pub(crate) console_format: LogFormat,
    pub(crate) file_format: LogFormat,
    pub(crate) level: LevelFilter,
    pub(crate) verbose_telemetry: bool,
    pub(crate) sdk_level: Option<LevelFilter>,
    pub(crate) datadog: Option<DatadogLogTags>,
    pub(crate) dd_trace_id_128: bool,
    pub(crate) file: Option<LogFileConfig>,
    pub(crate) buffered_lines: usize,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            console_format: LogFormat::Console,
            file_format: LogFormat::Standard,
            level: LevelFilter::INFO,
            verbose_telemetry: false,
            sdk_level: None,
            datadog: None,
            dd_trace_id_128: false,
            file: None,
            buffered_lines: DEFAULT_BUFFERED_LINES,
        }
    }
}

impl LogConfig {
    /// As the reference: JSON everywhere with `json_logging`; else the
    /// Datadog text format with Datadog on; else `console` on stderr and
    /// `standard` in the file. DEBUG with `debug`, else INFO; debug lines of
    /// `letta_telemetry*` with `verbose_telemetry_logging`.
    pub fn from_settings(settings: &Settings) -> Self {
        let datadog = settings
            .enable_datadog
            .then(|| DatadogLogTags::from_settings(settings));
        let (console_format, file_format) = if settings.json_logging {
            (LogFormat::Json, LogFormat::Json)
        } else if datadog.is_some() {
            (LogFormat::Datadog, LogFormat::Datadog)
        } else {
            (LogFormat::Console, LogFormat::Standard)
        };
        LogConfig {
            console_format,
            file_format,
            level: if settings.debug {
                LevelFilter::DEBUG
            } else {
                LevelFilter::INFO
            },
            verbose_telemetry: settings.verbose_telemetry_logging,
            sdk_level: settings.sdk.log_level,
            datadog,
            dd_trace_id_128: false,
            file: Some(LogFileConfig {
                path: settings.logs_dir().join(LOG_FILE_NAME),
                max_bytes: LOG_FILE_MAX_BYTES,
                backups: LOG_FILE_BACKUPS,
            }),
            buffered_lines: DEFAULT_BUFFERED_LINES,
        }
    }

    /// The same format on the console and in the file.
    #[must_use]
    pub fn with_format(mut self, format: LogFormat) -> Self {
        self.console_format = format;
        self.file_format = format;
        self
    }

    /// The console format.
    #[must_use]
    pub fn with_console_format(mut self, format: LogFormat) -> Self {
        self.console_format = format;
        self
    }

    /// The file format.
    #[must_use]
    pub fn with_file_format(mut self, format: LogFormat) -> Self {
        self.file_format = format;
        self
    }

    /// The most verbose level written.
    #[must_use]
    pub fn with_level(mut self, level: LevelFilter) -> Self {
        self.level = level;
        self
    }

    /// Debug lines of the telemetry pipeline itself (`letta_telemetry*`).
    #[must_use]
    pub fn with_verbose_telemetry(mut self, on: bool) -> Self {
        self.verbose_telemetry = on;
        self
    }

    /// The level of the OpenTelemetry SDK's and letta-telemetry's own
    /// diagnostics (`OTEL_LOG_LEVEL`; `None`: the level of everything else).
    #[must_use]
    pub fn with_sdk_level(mut self, level: Option<LevelFilter>) -> Self {
        self.sdk_level = level;
        self
    }

    /// Datadog unified service tags on every line (`None`: Datadog off).
    #[must_use]
    pub fn with_datadog(mut self, tags: Option<DatadogLogTags>) -> Self {
        self.datadog = tags;
        self
    }

    /// `dd.trace_id` with all 128 bits instead of the low 64 (the default,
    /// which is what Datadog's log-trace correlation matches).
    #[must_use]
    pub fn with_full_dd_trace_id(mut self, on: bool) -> Self {
        self.dd_trace_id_128 = on;
        self
    }

    /// The rotating log file (`None`: no file).
    #[must_use]
    pub fn with_file(mut self, file: Option<LogFileConfig>) -> Self {
        self.file = file;
        self
    }

    /// Lines buffered before the writer thread drops them.
    #[must_use]
    pub fn with_buffered_lines(mut self, lines: usize) -> Self {
        self.buffered_lines = lines.max(1);
        self
    }

    /// The console format in use.
    pub fn console_format(&self) -> LogFormat {
        self.console_format
    }

    /// The file format in use.
    pub fn file_format(&self) -> LogFormat {
        self.file_format
    }

    /// The file settings, if a file is written.
    pub fn file(&self) -> Option<&LogFileConfig> {
        self.file.as_ref()
    }

    /// The level filter: the configured level everywhere, `OTEL_LOG_LEVEL`
    /// for the SDK's and this crate's own targets, DEBUG for
    /// `letta_telemetry*` when verbose. Datadog's exporter crates (`libdd_*`)
    /// log an error for every batch the agent does not take; they are quiet
    /// unless verbose, since the Datadog module reports outages itself.
    pub fn filter(&self) -> Targets {
        let mut targets = Targets::new().with_default(self.level);
        if let Some(level) = self.sdk_level {
            for target in SDK_TARGETS {
                targets = targets.with_target(target, level);
            }
        }
        if self.verbose_telemetry {
            targets = targets.with_target(TELEMETRY_TARGET, LevelFilter::DEBUG.max(self.level));
        } else {
            for target in DATADOG_INTERNAL_TARGETS {
                targets = targets.with_target(target, LevelFilter::OFF);
            }
        }
        targets
    }
}
