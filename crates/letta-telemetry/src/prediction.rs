//! What the sampler will decide for a span about to start, known before it
//! starts where possible, so that instrumentation builds attributes only
//! for spans that record and starts no span that would record nothing.

use opentelemetry::Context;
use opentelemetry::trace::{SpanContext, TraceContextExt as _, TraceFlags, TraceId, TraceState};

use crate::global::{root_decision, will_record};
use crate::trace_ids::{random_span_id, start_with_trace_id};

/// The sampler's decision for one span, predicted before it starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prediction {
    /// Whether the span will record (`None`: only starting it tells).
    pub(crate) records: Option<bool>,
    /// A root's trace id, drawn beforehand: the span must start with it
    /// ([`Prediction::start`]) for the prediction to hold.
    root_trace_id: Option<TraceId>,
}

/// The prediction for a span started in `parent_cx`: from its parent
/// alone ([`will_record`]), or for a root under a ratio sampler, from a
/// trace id drawn for it ([`root_decision`]).
#[inline]
pub(crate) fn predict(parent_cx: &Context) -> Prediction {
    let records = will_record(parent_cx.span().span_context());
    // only a context without an active span makes the SDK draw a trace id
    if records.is_none()
        && !parent_cx.has_active_span()
        && let Some((trace_id, keeps)) = root_decision()
    {
        return Prediction {
            records: Some(keeps),
            root_trace_id: Some(trace_id),
        };
    }
    Prediction {
        records,
        root_trace_id: None,
    }
}

impl Prediction {
    /// Whether the span need not start, given its parent context: `Ok` with
    /// the context to run in instead when it would record nothing, else
    /// `Err` with `parent_cx` back, to start the span in.
    ///
    /// Under a valid parent that is not sampled, the context to run in is
    /// the parent's (its children see the same decision and trace id).
    /// Otherwise (a root, or a sampled parent the sampler overrules) it
    /// carries what the SDK's non-recording span would: the trace id (the
    /// drawn one of a root, else the parent's), a fresh span id, the
    /// parent's trace state and the sampled flag unset; so that children
    /// and outgoing requests see the decision, without a span being built.
    pub(crate) fn unrecorded_context(&self, parent_cx: Context) -> Result<Context, Context> {
        if self.records != Some(false) {
            return Err(parent_cx);
        }
        let (trace_id, trace_state) = match self.root_trace_id {
            Some(trace_id) => (trace_id, TraceState::default()),
            None => {
                let span = parent_cx.span();
                let parent = span.span_context();
                if !parent.is_valid() {
                    return Err(parent_cx);
                }
                if !parent.is_sampled() {
                    return Ok(parent_cx);
                }
                (parent.trace_id(), parent.trace_state().clone())
            }
        };
        let span_context = SpanContext::new(
            trace_id,
            random_span_id(),
            TraceFlags::default(),
            false,
            trace_state,
        );
        Ok(parent_cx.with_remote_span_context(span_context))
    }

    /// Runs `start`, which starts the span: a root takes the trace id the
    /// prediction was drawn from.
    #[inline]
    pub(crate) fn start<T>(&self, start: impl FnOnce() -> T) -> T {
        match self.root_trace_id {
            Some(trace_id) => start_with_trace_id(trace_id, start),
            None => start(),
        }
    }
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::SpanId;

    use super::*;

    fn parent(sampled: bool) -> Context {
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        let state = TraceState::from_key_value([("k", "v")]).unwrap_or_default();
        let sc = SpanContext::new(TraceId::from(7u128), SpanId::from(9u64), flags, true, state);
        Context::new().with_remote_span_context(sc)
    }

    fn dropped(root_trace_id: Option<TraceId>) -> Prediction {
        Prediction {
            records: Some(false),
            root_trace_id,
        }
    }

    #[test]
    fn an_unsampled_parent_is_run_in_as_it_is() {
        let cx = dropped(None).unrecorded_context(parent(false));
        let sc = cx.map(|cx| cx.span().span_context().clone());
        assert!(matches!(sc, Ok(sc) if sc.span_id() == SpanId::from(9u64) && !sc.is_sampled()));
    }

    #[test]
    fn a_sampled_parent_overruled_gets_an_unsampled_child_context() {
        let Ok(cx) = dropped(None).unrecorded_context(parent(true)) else {
            panic!("a dropped span under a valid parent needs no start");
        };
        let span = cx.span();
        let sc = span.span_context();
        assert_eq!(sc.trace_id(), TraceId::from(7u128));
        assert!(sc.span_id() != SpanId::from(9u64) && sc.span_id() != SpanId::INVALID);
        assert!(!sc.is_sampled());
        assert_eq!(sc.trace_state().get("k"), Some("v"));
    }

    #[test]
    fn a_dropped_root_carries_its_drawn_trace_id() {
        let drawn = TraceId::from(42u128);
        let Ok(cx) = dropped(Some(drawn)).unrecorded_context(Context::new()) else {
            panic!("a dropped root needs no start");
        };
        let span = cx.span();
        assert_eq!(span.span_context().trace_id(), drawn);
        assert!(span.span_context().is_valid() && !span.span_context().is_sampled());
    }

    #[test]
    fn spans_that_may_record_or_have_no_parent_start() {
        let may_record = [Some(true), None].map(|records| Prediction {
            records,
            root_trace_id: None,
        });
        for prediction in may_record {
            assert!(prediction.unrecorded_context(parent(false)).is_err());
        }
        // always_off at a root without a drawn id: the SDK starts it
        assert!(dropped(None).unrecorded_context(Context::new()).is_err());
    }
}
