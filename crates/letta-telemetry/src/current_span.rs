//! The current span, for code that does not hold it: `trace_id` (the
//! reference's `get_trace_id`), `log_event` and `log_attributes`.

use std::time::SystemTime;

use opentelemetry::trace::{TraceContextExt, TraceId};
use opentelemetry::{Context, KeyValue};

/// Trace id of the current span as 32 lowercase hex characters, or `None`
/// when no valid span is current (the reference's `get_trace_id`).
///
/// ```
/// // Outside any span (and before `init`), there is none.
/// assert_eq!(letta_telemetry::trace_id(), None);
/// ```
pub fn trace_id() -> Option<String> {
    if !crate::global::tracing_enabled() {
        return None;
    }
    let cx = Context::current();
    let id = cx.span().span_context().trace_id();
    (id != TraceId::INVALID).then(|| format!("{id:032x}"))
}

/// Adds an event to the current span. Non-scalar values should be passed as
/// strings (use [`opentelemetry::Value::String`]); `timestamp` defaults to now.
/// Without a current recording span it does nothing.
///
/// ```
/// use opentelemetry::KeyValue;
///
/// letta_telemetry::log_event("cache.miss", [KeyValue::new("key", "agent-1")], None);
/// ```
pub fn log_event(
    name: impl Into<std::borrow::Cow<'static, str>>,
    attributes: impl IntoIterator<Item = KeyValue>,
    timestamp: Option<SystemTime>,
) {
    if !crate::global::tracing_enabled() {
        return;
    }
    let cx = Context::current();
    let span = cx.span();
    if !span.is_recording() {
        return;
    }
    let attributes: Vec<KeyValue> = attributes.into_iter().collect();
    match timestamp {
        Some(ts) => span.add_event_with_timestamp(name, ts, attributes),
        None => span.add_event(name, attributes),
    }
}

/// Sets attributes on the current span (nothing without a current recording
/// span).
///
/// ```
/// use opentelemetry::KeyValue;
///
/// letta_telemetry::log_attributes([KeyValue::new("agent.id", "agent-1")]);
/// ```
pub fn log_attributes(attributes: impl IntoIterator<Item = KeyValue>) {
    if !crate::global::tracing_enabled() {
        return;
    }
    let cx = Context::current();
    let span = cx.span();
    if span.is_recording() {
        span.set_attributes(attributes);
    }
}
