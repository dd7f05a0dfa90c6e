//! Starting a traced call and finishing a synchronous one.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use opentelemetry::Context;
use opentelemetry::trace::{Span as _, TraceContextExt as _, Tracer as _};

use super::future::Instrumented;
use super::meta::FnMeta;
use super::outcome::{Outcome, panic_message, record_exception};
use super::params::Params;

/// A started call: the context holding its span.
#[derive(Debug)]
pub struct Call {
    cx: Context,
    meta: &'static FnMeta,
}

/// Starts a call of a free or associated function, or `None` when tracing
/// is off. `capture` records the parameters; it runs only when the span is
/// recording (sampled).
#[inline]
pub fn start(meta: &'static FnMeta, capture: impl FnOnce(&mut Params)) -> Option<Call> {
    let tracer = crate::global::tracer()?;
    Some(start_on(tracer, meta, "", capture))
}

/// [`start`] for a method; `self_type` is `type_name::<Self>()`.
#[inline]
pub fn start_method(
    meta: &'static FnMeta,
    self_type: &'static str,
    capture: impl FnOnce(&mut Params),
) -> Option<Call> {
    let tracer = crate::global::tracer()?;
    Some(start_on(tracer, meta, self_type, capture))
}

fn start_on(
    tracer: &'static opentelemetry_sdk::trace::SdkTracer,
    meta: &'static FnMeta,
    self_type: &'static str,
    capture: impl FnOnce(&mut Params),
) -> Call {
    let parent = Context::current();
    let mut span = tracer
        .span_builder(meta.span_name(self_type))
        .start_with_context(tracer, &parent);
    if span.is_recording() {
        let mut params = Params::with_capacity(4);
        capture(&mut params);
        span.set_attributes(params.into_attributes());
    }
    Call {
        cx: parent.with_span(span),
        meta,
    }
}

impl Call {
    /// Runs a synchronous body with the span current, records its outcome
    /// (through `outcome`), a panic (then resumes it), and ends the span.
    #[inline]
    pub fn run_sync<R>(
        self,
        body: impl FnOnce() -> R,
        outcome: impl FnOnce(&R, &mut Outcome),
    ) -> R {
        let result = {
            let _attached = self.cx.clone().attach();
            catch_unwind(AssertUnwindSafe(body))
        };
        match result {
            Ok(ret) => {
                self.finish(&ret, outcome);
                ret
            }
            Err(payload) => {
                self.panicked(&*payload);
                resume_unwind(payload)
            }
        }
    }

    /// Wraps an async body: the span is current at every poll, and the
    /// outcome, a panic or a cancellation is recorded.
    #[inline]
    pub fn run_async<F, O>(self, body: F, outcome: O) -> Instrumented<F, O>
    where
        F: Future,
        O: FnOnce(&F::Output, &mut Outcome),
    {
        Instrumented::new(self, body, outcome)
    }

    pub(crate) fn context(&self) -> &Context {
        &self.cx
    }

    pub(crate) fn meta(&self) -> &'static FnMeta {
        self.meta
    }

    /// Records the outcome of `ret` and ends the span.
    pub(crate) fn finish<R>(self, ret: &R, outcome: impl FnOnce(&R, &mut Outcome)) {
        let mut o = Outcome::default();
        outcome(ret, &mut o);
        o.apply(&self.cx);
        self.cx.span().end();
    }

    /// Records a panic and ends the span.
    pub(crate) fn panicked(self, payload: &(dyn std::any::Any + Send)) {
        let span = self.cx.span();
        record_exception(&span, "panic".into(), panic_message(payload), Vec::new());
        span.end();
    }
}
