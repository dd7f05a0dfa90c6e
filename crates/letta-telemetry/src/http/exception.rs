//! Exceptions on HTTP spans, server and client alike: an `exception` event,
//! `error.type`, and status ERROR.

use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Context, KeyValue};

/// Records an exception event (`exception.type`, `exception.message`) on the
/// span of `cx` and sets its status to ERROR.
pub(crate) fn record_exception(cx: &Context, kind: &str, message: &str) {
    let span = cx.span();
    if !span.is_recording() {
        return;
    }
    span.add_event(
        "exception",
        vec![
            KeyValue::new("exception.type", kind.to_owned()),
            KeyValue::new("exception.message", message.to_owned()),
        ],
    );
    span.set_attribute(KeyValue::new("error.type", kind.to_owned()));
    span.set_status(Status::error(message.to_owned()));
}
