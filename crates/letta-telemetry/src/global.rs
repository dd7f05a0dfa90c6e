//! Process-wide telemetry state: the installed tracer and the on/off switch.
//!
//! Reads are a relaxed atomic load plus a `OnceLock` read, so the disabled
//! path of every helper is a single branch.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::trace::SpanContext;
use opentelemetry_sdk::trace::SdkTracer;

use crate::settings::SamplerSetting;

/// The process tracer and the sampler it was built with, when that is one
/// of the crate's settings (`None`: unknown, e.g. Datadog's own sampling).
static TRACER: OnceLock<(SdkTracer, Option<SamplerSetting>)> = OnceLock::new();
static ENABLED: AtomicBool = AtomicBool::new(false);

/// The installed tracer, or `None` when tracing is off or not initialised
/// (then instrumentation should do nothing: this check is the whole cost of
/// disabled tracing).
///
/// ```
/// use opentelemetry::trace::{Span as _, Tracer as _};
///
/// // Before `init` (or with tracing off) there is no tracer: do nothing.
/// if let Some(tracer) = letta_telemetry::tracer() {
///     let mut span = tracer.start("work");
///     span.end();
/// }
/// ```
#[inline]
pub fn tracer() -> Option<&'static SdkTracer> {
    if ENABLED.load(Ordering::Relaxed) {
        TRACER.get().map(|(tracer, _)| tracer)
    } else {
        None
    }
}

/// Whether spans are being produced.
///
/// ```
/// // Nothing is initialised in this example.
/// assert!(!letta_telemetry::tracing_enabled());
/// ```
#[inline]
pub fn tracing_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Installs the process tracer, with the sampler it was built with when
/// that is one of the crate's settings (`None`: unknown, e.g. Datadog's
/// own sampling). Returns `false` when one was already installed.
pub(crate) fn install_tracer(tracer: SdkTracer, sampler: Option<SamplerSetting>) -> bool {
    let fresh = TRACER.set((tracer, sampler)).is_ok();
    if fresh {
        ENABLED.store(true, Ordering::Release);
    }
    fresh
}

/// Whether a span started under `parent` (invalid: a root span) will
/// record, when the installed sampler decides from the parent alone
/// (`always_on`, `always_off`, `parentbased_always_on`,
/// `parentbased_always_off`, and `parentbased_traceidratio` under a
/// parent); `None` when only starting the span tells
/// (ratio samplers, Datadog's sampling, a tracer of unknown make).
/// Instrumentation uses it to build a span's attributes before the span
/// starts, and only when they will be kept.
#[inline]
pub(crate) fn will_record(parent: &SpanContext) -> Option<bool> {
    predicted(TRACER.get().and_then(|(_, sampler)| *sampler), parent)
}

/// [`will_record`] for `sampler`.
#[inline]
fn predicted(sampler: Option<SamplerSetting>, parent: &SpanContext) -> Option<bool> {
    let parent_sampled = parent.is_valid().then(|| parent.is_sampled());
    match sampler? {
        SamplerSetting::AlwaysOn => Some(true),
        SamplerSetting::AlwaysOff => Some(false),
        SamplerSetting::ParentBasedAlwaysOn => Some(parent_sampled.unwrap_or(true)),
        SamplerSetting::ParentBasedAlwaysOff => Some(parent_sampled.unwrap_or(false)),
        // a parent's decision is followed; a root's depends on its trace id,
        // which only the SDK knows before the span starts
        SamplerSetting::ParentBasedTraceIdRatio(_) => parent_sampled,
        SamplerSetting::TraceIdRatio(_) => None,
    }
}

/// Turns span production off (at shutdown); the tracer stays installed.
pub(crate) fn disable_tracing() {
    ENABLED.store(false, Ordering::Release);
}

#[cfg(test)]
mod tests {
    use opentelemetry::trace::{SpanId, TraceFlags, TraceId, TraceState};

    use super::*;

    fn remote(sampled: bool) -> SpanContext {
        let flags = if sampled {
            TraceFlags::SAMPLED
        } else {
            TraceFlags::default()
        };
        SpanContext::new(
            TraceId::from(7u128),
            SpanId::from(9u64),
            flags,
            true,
            TraceState::default(),
        )
    }

    #[test]
    fn predictions_follow_the_sampler_and_the_parent() {
        let root = SpanContext::empty_context();
        let (on, off) = (remote(true), remote(false));
        let cases = [
            (
                Some(SamplerSetting::AlwaysOn),
                [Some(true), Some(true), Some(true)],
            ),
            (
                Some(SamplerSetting::AlwaysOff),
                [Some(false), Some(false), Some(false)],
            ),
            (
                Some(SamplerSetting::ParentBasedAlwaysOn),
                [Some(true), Some(true), Some(false)],
            ),
            (
                Some(SamplerSetting::ParentBasedAlwaysOff),
                [Some(false), Some(true), Some(false)],
            ),
            (Some(SamplerSetting::TraceIdRatio(0.5)), [None, None, None]),
            (
                Some(SamplerSetting::ParentBasedTraceIdRatio(0.5)),
                [None, Some(true), Some(false)],
            ),
            (None, [None, None, None]),
        ];
        for (sampler, [for_root, under_sampled, under_not_sampled]) in cases {
            assert_eq!(predicted(sampler, &root), for_root, "{sampler:?}");
            assert_eq!(predicted(sampler, &on), under_sampled, "{sampler:?}");
            assert_eq!(predicted(sampler, &off), under_not_sampled, "{sampler:?}");
        }
    }

    #[test]
    fn a_parent_based_ratio_sampler_follows_a_parent_as_predicted() {
        use opentelemetry::trace::SpanKind;
        use opentelemetry::trace::TraceContextExt as _;
        use opentelemetry_sdk::trace::{Sampler, ShouldSample as _};
        let sampler = Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(0.5)));
        for parent in [remote(true), remote(false)] {
            let cx = opentelemetry::Context::new().with_remote_span_context(parent.clone());
            for trace_id in [1u128, 7, u128::MAX / 3, u128::MAX] {
                let decision = sampler.should_sample(
                    Some(&cx),
                    TraceId::from(trace_id),
                    "s",
                    &SpanKind::Server,
                    &[],
                    &[],
                );
                let records = decision.decision != opentelemetry_sdk::trace::SamplingDecision::Drop;
                let setting = Some(SamplerSetting::ParentBasedTraceIdRatio(0.5));
                assert_eq!(predicted(setting, &parent), Some(records), "{parent:?}");
            }
        }
    }
}
