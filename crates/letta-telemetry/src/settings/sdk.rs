//! [`SdkSettings`]: the standard OpenTelemetry SDK variables beyond the OTLP
//! exporter — which exporter each signal uses, the propagators, the span
//! limits, the batch and export timeouts, the log batch processor and the
//! level of the SDK's own diagnostics.
//!
//! The Rust SDK reads some of these itself (the span count limits, the
//! `OTEL_BSP_*` and `OTEL_BLRP_*` batch settings); letta-telemetry reads every
//! one, validates it and passes it to the SDK explicitly, so the values come
//! from [`Settings::from_vars`](super::Settings::from_vars) as well as from the
//! process environment, and [`Settings::render`](super::Settings::render)
//! shows them.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use tracing::level_filters::LevelFilter;

use super::values::InvalidValue;

/// Where a signal goes (`OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`,
/// `OTEL_LOGS_EXPORTER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ExporterKind {
    /// `otlp` (the default): OTLP when an endpoint is set, else the local
    /// files under `<LETTA_DIR>/logs/`.
    #[default]
    Otlp,
    /// `console`: one readable line per span, metric point or log record on
    /// stdout (`logging`, the specification's old name, is read the same).
    Console,
    /// `none`: the signal is not exported. For traces this turns tracing off
    /// as `LETTA_TELEMETRY_DISABLE_TRACING` does, except that metrics stay on.
    None,
}

/// The form of the exporter variables.
pub(crate) const EXPORTER_FORM: &str = "one of otlp, console, none";

impl FromStr for ExporterKind {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "otlp" => Ok(Self::Otlp),
            "console" | "logging" => Ok(Self::Console),
            "none" => Ok(Self::None),
            _ => Err(InvalidValue::new(EXPORTER_FORM)),
        }
    }
}

impl fmt::Display for ExporterKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Otlp => "otlp",
            Self::Console => "console",
            Self::None => "none",
        })
    }
}

/// A context propagator of `OTEL_PROPAGATORS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Propagator {
    /// `tracecontext`: W3C `traceparent` / `tracestate`.
    TraceContext,
    /// `baggage`: W3C `baggage`.
    Baggage,
    /// `b3`: Zipkin's single `b3` header (needs the `b3` feature).
    B3,
    /// `b3multi`: Zipkin's `X-B3-*` headers (needs the `b3` feature).
    B3Multi,
}

/// The form of `OTEL_PROPAGATORS`.
pub(crate) const PROPAGATORS_FORM: &str =
    "a comma-separated list of tracecontext, baggage, b3, b3multi, or none";

impl Propagator {
    /// The name, as `OTEL_PROPAGATORS` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::TraceContext => "tracecontext",
            Self::Baggage => "baggage",
            Self::B3 => "b3",
            Self::B3Multi => "b3multi",
        }
    }
}

/// `OTEL_PROPAGATORS`: a comma-separated list, duplicates dropped; `none`
/// alone is the empty list.
pub(crate) fn parse_propagators(s: &str) -> Result<Vec<Propagator>, InvalidValue> {
    let names: Vec<String> = s
        .split(',')
        .map(|n| n.trim().to_ascii_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    if names.iter().any(|n| n == "none") {
        return if names.len() == 1 {
            Ok(Vec::new())
        } else {
            Err(InvalidValue::new(PROPAGATORS_FORM))
        };
    }
    let mut out = Vec::new();
    for name in names {
        let p = match name.as_str() {
            "tracecontext" => Propagator::TraceContext,
            "baggage" => Propagator::Baggage,
            "b3" => Propagator::B3,
            "b3multi" => Propagator::B3Multi,
            _ => return Err(InvalidValue::new(PROPAGATORS_FORM)),
        };
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// `OTEL_LOG_LEVEL`: the level of the SDK's own diagnostics.
pub(crate) fn parse_log_level(s: &str) -> Result<LevelFilter, InvalidValue> {
    match s.trim().to_ascii_lowercase().as_str() {
        "none" | "off" => Ok(LevelFilter::OFF),
        "error" => Ok(LevelFilter::ERROR),
        "warn" | "warning" => Ok(LevelFilter::WARN),
        "info" => Ok(LevelFilter::INFO),
        "debug" => Ok(LevelFilter::DEBUG),
        "trace" | "verbose" | "all" => Ok(LevelFilter::TRACE),
        _ => Err(InvalidValue::new(
            "one of none, error, warn, info, debug, trace",
        )),
    }
}

/// Span limits (`OTEL_SPAN_*_LIMIT`, `OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT`,
/// `OTEL_LINK_ATTRIBUTE_COUNT_LIMIT`, with `OTEL_ATTRIBUTE_COUNT_LIMIT` and
/// `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT` as the general fallbacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SpanLimitSettings {
    /// Most attributes on a span (default 128).
    pub attribute_count: u32,
    /// Most events on a span (default 128).
    pub event_count: u32,
    /// Most links on a span (default 128).
    pub link_count: u32,
    /// Most attributes on a span event (default 128).
    pub event_attribute_count: u32,
    /// Most attributes on a span link (default 128).
    pub link_attribute_count: u32,
    /// Longest string attribute value, in characters (default: no limit);
    /// longer values are cut when the span ends.
    pub attribute_value_length: Option<usize>,
}

impl Default for SpanLimitSettings {
    fn default() -> Self {
        Self {
            attribute_count: 128,
            event_count: 128,
            link_count: 128,
            event_attribute_count: 128,
            link_attribute_count: 128,
            attribute_value_length: None,
        }
    }
}

/// The batch log processor (`OTEL_BLRP_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogBatchSettings {
    /// Most log records waiting (default 2048, `OTEL_BLRP_MAX_QUEUE_SIZE`).
    pub max_queue_size: usize,
    /// Most log records in one export (default 512,
    /// `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`).
    pub max_export_batch_size: usize,
    /// Longest wait before a partial batch is exported (default 1 s,
    /// `OTEL_BLRP_SCHEDULE_DELAY`).
    pub schedule_delay: Duration,
    /// Longest export (default 30 s, `OTEL_BLRP_EXPORT_TIMEOUT`).
    pub export_timeout: Duration,
}

impl Default for LogBatchSettings {
    fn default() -> Self {
        Self {
            max_queue_size: 2048,
            max_export_batch_size: 512,
            schedule_delay: Duration::from_secs(1),
            export_timeout: Duration::from_secs(30),
        }
    }
}

/// The standard SDK settings beyond the OTLP exporter.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SdkSettings {
    /// `OTEL_TRACES_EXPORTER` (default `otlp`).
    pub traces_exporter: ExporterKind,
    /// `OTEL_METRICS_EXPORTER` (default `otlp`).
    pub metrics_exporter: ExporterKind,
    /// `OTEL_LOGS_EXPORTER` (default `otlp`).
    pub logs_exporter: ExporterKind,
    /// `OTEL_PROPAGATORS` (default `tracecontext,baggage`; empty is `none`).
    pub propagators: Vec<Propagator>,
    /// Span limits.
    pub span_limits: SpanLimitSettings,
    /// Longest span export (default 30 s, `OTEL_BSP_EXPORT_TIMEOUT`); the
    /// OTLP request timeout still applies inside it.
    pub span_export_timeout: Duration,
    /// Longest metric export (default 30 s, `OTEL_METRIC_EXPORT_TIMEOUT`).
    pub metric_export_timeout: Duration,
    /// The batch log processor of the OTLP log export.
    pub log_batch: LogBatchSettings,
    /// `OTEL_LOG_LEVEL`: the level of the SDK's and letta-telemetry's own
    /// diagnostics (`None`: the log level of the application).
    pub log_level: Option<LevelFilter>,
}

impl Default for SdkSettings {
    fn default() -> Self {
        Self {
            traces_exporter: ExporterKind::Otlp,
            metrics_exporter: ExporterKind::Otlp,
            logs_exporter: ExporterKind::Otlp,
            propagators: vec![Propagator::TraceContext, Propagator::Baggage],
            span_limits: SpanLimitSettings::default(),
            span_export_timeout: Duration::from_secs(30),
            metric_export_timeout: Duration::from_secs(30),
            log_batch: LogBatchSettings::default(),
            log_level: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn propagators_parse_dedupe_and_none() {
        assert_eq!(
            parse_propagators(" TraceContext, b3 ,tracecontext").expect("valid"),
            vec![Propagator::TraceContext, Propagator::B3]
        );
        assert_eq!(parse_propagators("none").expect("valid"), Vec::new());
        assert!(parse_propagators("none,b3").is_err());
        assert!(parse_propagators("xray").is_err());
    }

    #[test]
    fn exporter_kinds() {
        assert_eq!(
            "logging".parse::<ExporterKind>().expect("valid"),
            ExporterKind::Console
        );
        assert_eq!(
            " NONE ".parse::<ExporterKind>().expect("valid"),
            ExporterKind::None
        );
        assert!("zipkin".parse::<ExporterKind>().is_err());
    }

    #[test]
    fn log_levels() {
        assert_eq!(
            parse_log_level("Warning").expect("valid"),
            LevelFilter::WARN
        );
        assert_eq!(parse_log_level("none").expect("valid"), LevelFilter::OFF);
        assert!(parse_log_level("loud").is_err());
    }
}
