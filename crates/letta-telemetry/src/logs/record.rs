//! What one log line carries: the event's fields, collected by a visitor,
//! plus the correlation and context data found when the event fired.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};

/// A structured field value, kept typed so JSON keeps numbers and booleans.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldValue {
    Str(String),
    I64(i64),
    U64(u64),
    I128(i128),
    U128(u128),
    F64(f64),
    Bool(bool),
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Str(s) => f.write_str(s),
            FieldValue::I64(v) => write!(f, "{v}"),
            FieldValue::U64(v) => write!(f, "{v}"),
            FieldValue::I128(v) => write!(f, "{v}"),
            FieldValue::U128(v) => write!(f, "{v}"),
            FieldValue::F64(v) => write!(f, "{v}"),
            FieldValue::Bool(v) => write!(f, "{v}"),
        }
    }
}

/// The `exception` object of a JSON line: built from the first field of the
/// event recorded as a `std::error::Error` (`error = &err as &dyn Error`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Exception {
    /// Best effort: the leading identifier of the error's `Debug` form, which
    /// for derived `Debug` is the type or variant name.
    pub(crate) kind: String,
    /// The error's `Display` form.
    pub(crate) message: String,
    /// The source chain, one `Caused by: ...` line per source (Rust errors
    /// carry no portable stack trace).
    pub(crate) stacktrace: Option<String>,
}

impl Exception {
    fn from_error(err: &(dyn std::error::Error + 'static)) -> Self {
        let debug = format!("{err:?}");
        let kind: String = debug
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        let mut chain = String::new();
        let mut source = err.source();
        while let Some(s) = source {
            if !chain.is_empty() {
                chain.push('\n');
            }
            let _ = write!(chain, "Caused by: {s}");
            source = s.source();
        }
        Exception {
            kind: if kind.is_empty() {
                "Error".into()
            } else {
                kind
            },
            message: err.to_string(),
            stacktrace: (!chain.is_empty()).then_some(chain),
        }
    }
}

/// Collects an event's `message`, fields and first error.
#[derive(Debug, Default)]
pub(crate) struct EventFields {
    pub(crate) message: String,
    pub(crate) fields: Vec<(&'static str, FieldValue)>,
    pub(crate) exception: Option<Exception>,
}

impl EventFields {
    fn push(&mut self, field: &Field, value: FieldValue) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.fields.push((field.name(), value));
        }
    }
}

impl Visit for EventFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.push(field, FieldValue::Str(value.to_owned()));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.push(field, FieldValue::I64(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.push(field, FieldValue::U64(value));
    }
    fn record_i128(&mut self, field: &Field, value: i128) {
        self.push(field, FieldValue::I128(value));
    }
    fn record_u128(&mut self, field: &Field, value: u128) {
        self.push(field, FieldValue::U128(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.push(field, FieldValue::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.push(field, FieldValue::Bool(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        if self.exception.is_none() {
            self.exception = Some(Exception::from_error(value));
        }
        self.push(field, FieldValue::Str(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.push(field, FieldValue::Str(format!("{value:?}")));
    }
}

/// Trace correlation of a line: the current OpenTelemetry span's ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TraceIds {
    pub(crate) trace_id: u128,
    pub(crate) span_id: u64,
}

impl TraceIds {
    /// The span current in the OpenTelemetry context of this thread, if valid.
    pub(crate) fn current() -> Option<TraceIds> {
        use opentelemetry::trace::TraceContextExt;
        opentelemetry::Context::map_current(|cx| {
            let sc = cx.span().span_context().clone();
            sc.is_valid().then(|| TraceIds {
                trace_id: u128::from_be_bytes(sc.trace_id().to_bytes()),
                span_id: u64::from_be_bytes(sc.span_id().to_bytes()),
            })
        })
    }

    /// `dd.trace_id`: the low 64 bits in decimal, or all 128 bits.
    pub(crate) fn dd_trace_id(&self, full_128: bool) -> String {
        if full_128 {
            self.trace_id.to_string()
        } else {
            (self.trace_id as u64).to_string()
        }
    }
}
