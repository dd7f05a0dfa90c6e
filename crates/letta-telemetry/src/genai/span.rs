//! The span part of a GenAI handle: started on the process tracer, kept in
//! an OpenTelemetry `Context` so it can be made current, ended once.

use std::borrow::Cow;

use opentelemetry::trace::{SpanKind, Status, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};

/// A started span (or nothing when tracing is off) and its context.
#[derive(Debug)]
pub(super) struct GenAiSpan {
    cx: Context,
    live: bool,
}

impl GenAiSpan {
    /// Starts the span `name()` as a child of `parent` (the current context
    /// when `None`). `name` and `attributes` are only evaluated when tracing
    /// is on.
    pub(super) fn start<N: Into<Cow<'static, str>>>(
        name: impl FnOnce() -> N,
        kind: SpanKind,
        attributes: impl FnOnce() -> Vec<KeyValue>,
        parent: Option<&Context>,
    ) -> Self {
        let current;
        let parent = match parent {
            Some(p) => p,
            None => {
                current = Context::current();
                &current
            }
        };
        match crate::global::tracer() {
            Some(tracer) => {
                let span = tracer
                    .span_builder(name())
                    .with_kind(kind)
                    .with_attributes(attributes())
                    .start_with_context(tracer, parent);
                Self {
                    cx: parent.with_span(span),
                    live: true,
                }
            }
            None => Self {
                cx: parent.clone(),
                live: false,
            },
        }
    }

    /// The context in which the span is current.
    pub(super) fn context(&self) -> &Context {
        &self.cx
    }

    /// Whether the span is recorded (started, not ended, and sampled).
    pub(super) fn recording(&self) -> bool {
        self.live && self.cx.span().is_recording()
    }

    /// Adds an event.
    pub(super) fn add_event(&self, name: &'static str, attributes: Vec<KeyValue>) {
        if self.live {
            self.cx.span().add_event(name, attributes);
        }
    }

    /// Sets attributes.
    pub(super) fn set_attributes(&self, attributes: impl IntoIterator<Item = KeyValue>) {
        if self.live {
            self.cx.span().set_attributes(attributes);
        }
    }

    /// Ends the span with `status`.
    pub(super) fn end(&mut self, status: Status) {
        if std::mem::take(&mut self.live) {
            let span = self.cx.span();
            span.set_status(status);
            span.end();
        }
    }

    /// Ends the span as an error of type `error_type`.
    pub(super) fn end_error(&mut self, error_type: &str, description: String) {
        self.set_attributes([KeyValue::new(
            super::attributes::ERROR_TYPE,
            error_type.to_owned(),
        )]);
        self.end(Status::error(description));
    }
}
