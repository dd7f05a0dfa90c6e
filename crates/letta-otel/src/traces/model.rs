//! The span model shared by every trace source (OTLP-JSON files, ClickHouse).
//!
//! Every source turns its rows into [`Span`]s; `traces list`, `show` and
//! `stats` render from these alone. Keep this file stable: other modules
//! (`clickhouse.rs`) build these types directly.

use std::collections::BTreeMap;
use std::fmt;

/// One finished span, independent of where it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// Trace id, 32 lowercase hex digits.
    pub trace_id: String,
    /// Span id, 16 lowercase hex digits.
    pub span_id: String,
    /// Parent span id (16 lowercase hex digits); `None` for a root span.
    pub parent_span_id: Option<String>,
    /// Span name, e.g. `POST /v1/agents/{agent_id}/messages`.
    pub name: String,
    /// Span kind.
    pub kind: SpanKind,
    /// Start time, nanoseconds since the Unix epoch.
    pub start_ns: u64,
    /// End time, nanoseconds since the Unix epoch.
    pub end_ns: u64,
    /// Status code and message.
    pub status: SpanStatus,
    /// Span attributes by key.
    pub attributes: BTreeMap<String, AttrValue>,
    /// Span events in time order.
    pub events: Vec<SpanEvent>,
    /// `service.name` of the resource that emitted the span, when known.
    pub service_name: Option<String>,
}

impl Span {
    /// Duration in nanoseconds (0 when the end is before the start).
    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    /// Whether this span has no parent.
    pub fn is_root(&self) -> bool {
        self.parent_span_id.is_none()
    }

    /// Attribute `key` as a string, if present (any value kind is rendered).
    pub fn attr(&self, key: &str) -> Option<String> {
        self.attributes.get(key).map(ToString::to_string)
    }
}

/// The kind of a span, as OpenTelemetry defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SpanKind {
    /// Unspecified (OTLP value 0).
    #[default]
    Unspecified,
    /// Internal operation.
    Internal,
    /// Server side of a request.
    Server,
    /// Client side of a request.
    Client,
    /// Message producer.
    Producer,
    /// Message consumer.
    Consumer,
}

impl SpanKind {
    /// From the OTLP numeric value (`SPAN_KIND_*`); unknown values map to `Unspecified`.
    pub fn from_otlp(value: i64) -> Self {
        match value {
            1 => Self::Internal,
            2 => Self::Server,
            3 => Self::Client,
            4 => Self::Producer,
            5 => Self::Consumer,
            _ => Self::Unspecified,
        }
    }

    /// From a name such as `SPAN_KIND_SERVER`, `Server` or `server`
    /// (the forms OTLP-JSON and the ClickHouse exporter use).
    pub fn from_name(name: &str) -> Self {
        let lower = name.trim().to_ascii_lowercase();
        match lower.strip_prefix("span_kind_").unwrap_or(&lower) {
            "internal" => Self::Internal,
            "server" => Self::Server,
            "client" => Self::Client,
            "producer" => Self::Producer,
            "consumer" => Self::Consumer,
            _ => Self::Unspecified,
        }
    }

    /// Short lowercase name (`server`, `client`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::Internal => "internal",
            Self::Server => "server",
            Self::Client => "client",
            Self::Producer => "producer",
            Self::Consumer => "consumer",
        }
    }
}

impl fmt::Display for SpanKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Status code of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StatusCode {
    /// Not set.
    #[default]
    Unset,
    /// Explicitly OK.
    Ok,
    /// Error.
    Error,
}

impl StatusCode {
    /// From the OTLP numeric value (`STATUS_CODE_*`).
    pub fn from_otlp(value: i64) -> Self {
        match value {
            1 => Self::Ok,
            2 => Self::Error,
            _ => Self::Unset,
        }
    }

    /// From a name such as `STATUS_CODE_ERROR`, `Error` or `error`.
    pub fn from_name(name: &str) -> Self {
        let lower = name.trim().to_ascii_lowercase();
        match lower.strip_prefix("status_code_").unwrap_or(&lower) {
            "ok" => Self::Ok,
            "error" => Self::Error,
            _ => Self::Unset,
        }
    }

    /// Short uppercase name (`UNSET`, `OK`, `ERROR`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unset => "UNSET",
            Self::Ok => "OK",
            Self::Error => "ERROR",
        }
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Status of a span: code and optional message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SpanStatus {
    /// Status code.
    pub code: StatusCode,
    /// Description (empty when none).
    pub message: String,
}

/// An event recorded on a span (e.g. `exception`, `time_to_first_token`).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanEvent {
    /// Event name.
    pub name: String,
    /// Time, nanoseconds since the Unix epoch.
    pub time_ns: u64,
    /// Event attributes by key.
    pub attributes: BTreeMap<String, AttrValue>,
}

/// An attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// A string.
    Str(String),
    /// A boolean.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// A floating-point number.
    Double(f64),
    /// A homogeneous or mixed array.
    Array(Vec<AttrValue>),
}

impl AttrValue {
    /// The value as an integer, when it is one (or a string holding one).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(v) => Some(*v),
            Self::Double(v) if v.fract() == 0.0 => Some(*v as i64),
            Self::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// The value as a float, when it is numeric (or a string holding a number).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Int(v) => Some(*v as f64),
            Self::Double(v) => Some(*v),
            Self::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Str(s) => f.write_str(s),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(i) => write!(f, "{i}"),
            Self::Double(d) => write!(f, "{d}"),
            Self::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
        }
    }
}
