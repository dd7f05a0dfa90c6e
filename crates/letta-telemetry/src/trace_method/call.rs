//! Starting a traced call and finishing a synchronous one.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use opentelemetry::Context;
use opentelemetry::trace::{Span as _, SpanBuilder, TraceContextExt as _, Tracer as _};

use super::meta::FnMeta;
use super::outcome::{Outcome, panic_message};
use super::params::Params;
use crate::exception::record_exception;
use crate::prediction::predict;

/// A started call: the context holding its span.
#[derive(Debug)]
pub struct Call {
    cx: Context,
    meta: &'static FnMeta,
    /// Whether the span records (was sampled). A span that does not is kept
    /// in the context as its bare span context: children see the decision
    /// and the trace id, and there is nothing to set or end.
    recording: bool,
}

/// Starts a call of a free or associated function, or `None` when tracing
/// is off. `capture` records the parameters; it runs only when the span is
/// recording (sampled).
#[inline]
pub fn start(meta: &'static FnMeta, capture: impl FnOnce(&mut Params<'_>)) -> Option<Call> {
    let tracer = crate::global::tracer()?;
    Some(start_on(tracer, meta, "", capture))
}

/// [`start`] for a method; `self_type` is `type_name::<Self>()`.
#[inline]
pub fn start_method(
    meta: &'static FnMeta,
    self_type: &'static str,
    capture: impl FnOnce(&mut Params<'_>),
) -> Option<Call> {
    let tracer = crate::global::tracer()?;
    Some(start_on(tracer, meta, self_type, capture))
}

fn start_on(
    tracer: &'static opentelemetry_sdk::trace::SdkTracer,
    meta: &'static FnMeta,
    self_type: &'static str,
    capture: impl FnOnce(&mut Params<'_>),
) -> Call {
    let parent = Context::current();
    // A span known to record nothing (under a parent that records nothing
    // and that the sampler follows, or a root the ratio sampler drops): no
    // span of its own (its span id would reach no backend). The call runs
    // in the context the prediction gives: children see the same decision
    // and trace id.
    let prediction = predict(&parent);
    let parent = match prediction.unrecorded_context(parent) {
        Ok(cx) => {
            return Call {
                cx,
                meta,
                recording: false,
            };
        }
        Err(parent) => parent,
    };
    let mut builder = SpanBuilder::from_name(meta.span_name(self_type));
    if prediction
        .records
        .unwrap_or_else(|| likely_sampled(&parent))
    {
        // The span's own attribute list, sized once for the parameters; the
        // sampler sees it empty (nothing is formatted before the decision).
        builder.attributes = Some(Vec::with_capacity(meta.attribute_capacity()));
    }
    let mut span = prediction.start(|| tracer.build_with_context(builder, &parent));
    if span.is_recording() {
        Params::capture(&mut span, capture);
        Call {
            cx: parent.with_span(span),
            meta,
            recording: true,
        }
    } else {
        // No box, lock or end for a span that records nothing: the context
        // carries its span context (not remote; sampled flag unset).
        let span_context = span.span_context().clone();
        drop(span);
        Call {
            cx: parent.with_remote_span_context(span_context),
            meta,
            recording: false,
        }
    }
}

/// Whether a child of `parent` will probably be sampled: a guess (the
/// sampler decides) used only to size the attribute list up front, so a
/// sampled-out call under an unsampled parent allocates nothing for it.
#[inline]
fn likely_sampled(parent: &Context) -> bool {
    !parent.has_active_span() || parent.span().span_context().is_sampled()
}

impl Call {
    /// Runs a synchronous body with the span current (the async twin,
    /// `run_async`, lives with its future in `future.rs`), records its outcome
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

    pub(crate) fn context(&self) -> &Context {
        &self.cx
    }

    pub(crate) fn meta(&self) -> &'static FnMeta {
        self.meta
    }

    /// Whether the span records (was sampled).
    pub(crate) fn recording(&self) -> bool {
        self.recording
    }

    /// Records the outcome of `ret` and ends the span. Kept out of line so
    /// the traced function stays small on its untraced paths.
    #[inline(never)]
    pub(crate) fn finish<R>(self, ret: &R, outcome: impl FnOnce(&R, &mut Outcome)) {
        if !self.recording {
            return;
        }
        let mut o = Outcome::default();
        outcome(ret, &mut o);
        let span = self.cx.span();
        o.apply(&span);
        span.end();
    }

    /// Records a panic and ends the span.
    pub(crate) fn panicked(self, payload: &(dyn std::any::Any + Send)) {
        if !self.recording {
            return;
        }
        let span = self.cx.span();
        record_exception(&span, "panic", panic_message(payload), Vec::new());
        span.end();
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};

    use super::*;
    use crate::trace_method::meta::Param;

    static META: FnMeta = FnMeta::new("f", "crate::unit", None, 1);
    // Its own name, so the test finds only its own spans in the recorder
    // that every test of this binary shares.
    static SAMPLED_OUT: FnMeta = FnMeta::new("sampled_out", "crate::unit", None, 1);
    static A: Param = Param::new("a", "parameter.a");
    static B: Param = Param::new("b", "parameter.b");

    fn unsampled_remote_parent() -> Context {
        Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(7u128),
            SpanId::from(9u64),
            TraceFlags::default(),
            true,
            TraceState::default(),
        ))
    }

    #[test]
    fn sampled_out_call_carries_its_span_context_and_children_follow() {
        let recorder = crate::testing::install_span_recorder();
        let _parent = unsampled_remote_parent().attach();
        let mut captured = false;
        let Some(call) = start(&SAMPLED_OUT, |_| captured = true) else {
            panic!("a tracer is installed");
        };
        assert!(!captured, "nothing is captured for a sampled-out span");
        assert!(!call.recording());
        // the sampler follows the parent: the call keeps the parent's context
        let sc = call.context().span().span_context().clone();
        assert_eq!(sc.trace_id(), TraceId::from(7u128));
        assert_eq!(sc.span_id(), SpanId::from(9u64));
        assert!(sc.is_valid() && !sc.is_sampled());
        let child_sc = call.run_sync(
            || {
                let Some(child) = start(&SAMPLED_OUT, |_| {}) else {
                    panic!("a tracer is installed");
                };
                assert!(!child.recording());
                child.context().span().span_context().clone()
            },
            |_, _| {},
        );
        assert_eq!(child_sc.trace_id(), TraceId::from(7u128));
        assert!(!child_sc.is_sampled());
        assert!(recorder.named("unit.sampled_out").is_empty());
    }

    #[test]
    fn attributes_beyond_the_sized_list_are_all_recorded() {
        let recorder = crate::testing::install_span_recorder();
        // META is sized for one attribute; record three.
        let Some(call) = start(&META, |params| {
            params.param(&A, |slot| slot.text("x"));
            params.param(&B, |slot| slot.int(2));
            params.field("extra", true);
        }) else {
            panic!("a tracer is installed");
        };
        assert!(call.recording());
        call.run_sync(|| (), |_, _| {});
        let spans = recorder.named("unit.f");
        assert_eq!(spans.len(), 1);
        let keys: Vec<&str> = spans[0]
            .attributes
            .iter()
            .map(|kv| kv.key.as_str())
            .collect();
        assert_eq!(keys, ["parameter.a", "parameter.b", "extra"]);
        assert_eq!(spans[0].status, opentelemetry::trace::Status::Ok);
    }
}
