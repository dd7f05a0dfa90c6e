//! Exceptions on spans, recorded one way for the HTTP server layer, the
//! HTTP client and `#[trace_method]`: an `exception` event
//! (`exception.type`, `exception.message`, and any extra attributes),
//! `error.type`, and status ERROR with the description `"<type>: <message>"`
//! (`StepError: step 3 failed`), as the reference writes it; the type alone
//! when the message is empty.

use std::borrow::Cow;

use crate::semconv;
use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanRef, Status};

/// Records an exception of type `ty` on `span` (nothing when it does not
/// record).
pub(crate) fn record_exception(
    span: &SpanRef<'_>,
    ty: impl Into<Cow<'static, str>>,
    message: impl Into<String>,
    extra: Vec<KeyValue>,
) {
    if !span.is_recording() {
        return;
    }
    let ty = ty.into();
    let message = message.into();
    let description = if message.is_empty() {
        ty.to_string()
    } else {
        format!("{ty}: {message}")
    };
    let mut attributes = Vec::with_capacity(2 + extra.len());
    attributes.push(KeyValue::new(semconv::EXCEPTION_TYPE, ty.clone()));
    attributes.push(KeyValue::new(semconv::EXCEPTION_MESSAGE, message));
    attributes.extend(extra);
    span.add_event("exception", attributes);
    span.set_attribute(KeyValue::new(semconv::ERROR_TYPE, ty));
    span.set_status(Status::error(description));
}
