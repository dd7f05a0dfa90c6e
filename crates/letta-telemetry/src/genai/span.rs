//! The span part of a GenAI handle: started on the process tracer, kept in
//! an OpenTelemetry `Context` so it can be made current, ended once.

use std::borrow::Cow;

use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};

use crate::prediction::predict;

/// A started span (or nothing when tracing is off) and its context.
#[derive(Debug)]
pub(super) struct GenAiSpan {
    cx: Context,
    live: bool,
}

impl GenAiSpan {
    /// Starts the span `name()` as a child of `parent` (the current context
    /// when `None`). `name` and `attributes` are only evaluated for a span
    /// that may record: a span the sampler's decision is known to drop (an
    /// unsampled parent the sampler follows, a root the ratio drops) is not
    /// started, and the handle runs in the context the prediction gives
    /// (children and outgoing requests see the same decision and trace id).
    pub(super) fn start<N: Into<Cow<'static, str>>>(
        name: impl FnOnce() -> N,
        kind: SpanKind,
        attributes: impl FnOnce() -> Vec<KeyValue>,
        parent: Option<&Context>,
    ) -> Self {
        let parent = match parent {
            Some(p) => p.clone(),
            None => Context::current(),
        };
        let Some(tracer) = crate::global::tracer() else {
            return Self {
                cx: parent,
                live: false,
            };
        };
        let prediction = predict(&parent);
        let parent = match prediction.unrecorded_context(parent) {
            Ok(cx) => return Self { cx, live: false },
            Err(parent) => parent,
        };
        // Predicted to record nothing but started (no valid parent to run
        // in): named and filled only if the sampler decides otherwise.
        let (builder, later) = if prediction.records == Some(false) {
            (tracer.span_builder(""), Some((name, attributes)))
        } else {
            let builder = tracer.span_builder(name()).with_attributes(attributes());
            (builder, None)
        };
        let builder = builder.with_kind(kind);
        let mut span = prediction.start(|| builder.start_with_context(tracer, &parent));
        if let Some((name, attributes)) = later
            && span.is_recording()
        {
            span.update_name(name());
            span.set_attributes(attributes());
        }
        Self {
            cx: parent.with_span(span),
            live: true,
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
