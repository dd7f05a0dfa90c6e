//! The typed values of the settings: each parses from and prints as the form
//! its environment variable takes.

use std::fmt;
use std::str::FromStr;

/// A value that does not have the expected form; the message is the form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}")]
#[non_exhaustive]
pub struct InvalidValue {
    /// The form that was expected, e.g. `one of grpc, http/protobuf, http/json`.
    pub expected: String,
}

impl InvalidValue {
    /// A value that should have had the form `expected`.
    pub fn new(expected: impl Into<String>) -> Self {
        Self {
            expected: expected.into(),
        }
    }
}

/// Metric temporality preference for counters and histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Temporality {
    /// `0` / `UNSPECIFIED`: the SDK default (cumulative).
    Unspecified,
    /// `1` / `DELTA` (the reference default).
    #[default]
    Delta,
    /// `2` / `CUMULATIVE`.
    Cumulative,
}

impl FromStr for Temporality {
    type Err = InvalidValue;

    /// Accepts `0`/`1`/`2`, the names `UNSPECIFIED`/`DELTA`/`CUMULATIVE` and the
    /// standard `lowmemory` (read as DELTA), case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "0" | "unspecified" => Ok(Self::Unspecified),
            "1" | "delta" | "lowmemory" => Ok(Self::Delta),
            "2" | "cumulative" => Ok(Self::Cumulative),
            _ => Err(InvalidValue::new(
                "0, 1, 2 or UNSPECIFIED, DELTA, CUMULATIVE (or lowmemory)",
            )),
        }
    }
}

impl fmt::Display for Temporality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Unspecified => "UNSPECIFIED",
            Self::Delta => "DELTA",
            Self::Cumulative => "CUMULATIVE",
        })
    }
}

/// OTLP transport protocol (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// `grpc` (port 4317).
    #[default]
    Grpc,
    /// `http/protobuf` (port 4318).
    HttpProtobuf,
    /// `http/json` (port 4318).
    HttpJson,
}

impl Protocol {
    /// Whether this is one of the HTTP protocols.
    pub fn is_http(self) -> bool {
        !matches!(self, Self::Grpc)
    }
}

impl FromStr for Protocol {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "grpc" => Ok(Self::Grpc),
            "http/protobuf" => Ok(Self::HttpProtobuf),
            "http/json" => Ok(Self::HttpJson),
            _ => Err(InvalidValue::new("one of grpc, http/protobuf, http/json")),
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Grpc => "grpc",
            Self::HttpProtobuf => "http/protobuf",
            Self::HttpJson => "http/json",
        })
    }
}

/// OTLP compression (`OTEL_EXPORTER_OTLP_COMPRESSION`; `none` means no
/// compression and is represented as `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// `gzip`.
    Gzip,
}

impl FromStr for Compression {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "gzip" => Ok(Self::Gzip),
            _ => Err(InvalidValue::new("gzip or none")),
        }
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("gzip")
    }
}

/// Trace sampler (`OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
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

/// Form of `OTEL_TRACES_SAMPLER`.
pub(crate) const SAMPLER_NAMES: &str = "one of always_on, always_off, traceidratio, \
     parentbased_always_on, parentbased_always_off, parentbased_traceidratio";

/// Form of `OTEL_TRACES_SAMPLER_ARG`.
pub(crate) const RATIO_FORM: &str = "a number in 0.0..=1.0";

impl SamplerSetting {
    /// The sampler named `name`, with `ratio` for the ratio samplers.
    pub fn from_name(name: &str, ratio: f64) -> Result<Self, InvalidValue> {
        match name.trim().to_ascii_lowercase().as_str() {
            "always_on" => Ok(Self::AlwaysOn),
            "always_off" => Ok(Self::AlwaysOff),
            "traceidratio" => Ok(Self::TraceIdRatio(ratio)),
            "parentbased_always_on" => Ok(Self::ParentBasedAlwaysOn),
            "parentbased_always_off" => Ok(Self::ParentBasedAlwaysOff),
            "parentbased_traceidratio" => Ok(Self::ParentBasedTraceIdRatio(ratio)),
            _ => Err(InvalidValue::new(SAMPLER_NAMES)),
        }
    }

    /// Whether the sampler takes `OTEL_TRACES_SAMPLER_ARG`.
    pub fn takes_ratio(name: &str) -> bool {
        name.trim().to_ascii_lowercase().ends_with("traceidratio")
    }

    /// The ratio, for the ratio samplers.
    pub fn ratio(&self) -> Option<f64> {
        match self {
            Self::TraceIdRatio(r) | Self::ParentBasedTraceIdRatio(r) => Some(*r),
            _ => None,
        }
    }

    /// The name, as `OTEL_TRACES_SAMPLER` spells it.
    pub fn name(&self) -> &'static str {
        match self {
            Self::AlwaysOn => "always_on",
            Self::AlwaysOff => "always_off",
            Self::TraceIdRatio(_) => "traceidratio",
            Self::ParentBasedAlwaysOn => "parentbased_always_on",
            Self::ParentBasedAlwaysOff => "parentbased_always_off",
            Self::ParentBasedTraceIdRatio(_) => "parentbased_traceidratio",
        }
    }
}

impl fmt::Display for SamplerSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ratio() {
            Some(r) => write!(f, "{}({r})", self.name()),
            None => f.write_str(self.name()),
        }
    }
}

/// A telemetry signal, for the per-signal OTLP settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Signal {
    /// Spans.
    Traces,
    /// Metrics.
    Metrics,
    /// Log records.
    Logs,
}

impl Signal {
    /// `traces`, `metrics` or `logs`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Traces => "traces",
            Self::Metrics => "metrics",
            Self::Logs => "logs",
        }
    }

    /// The OTLP/HTTP path of the signal: `v1/traces`, `v1/metrics`, `v1/logs`.
    pub fn http_path(self) -> &'static str {
        match self {
            Self::Traces => "v1/traces",
            Self::Metrics => "v1/metrics",
            Self::Logs => "v1/logs",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
