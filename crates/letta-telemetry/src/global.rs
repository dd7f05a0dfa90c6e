//! Process-wide telemetry state: the installed tracer and the on/off switch.
//!
//! Reads are a relaxed atomic load plus a `OnceLock` read, so the disabled
//! path of every helper is a single branch.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::trace::{SpanContext, TraceId};
use opentelemetry_sdk::trace::SdkTracer;

use crate::settings::SamplerSetting;
use crate::trace_ids::random_trace_id;

/// The process tracer and what is known of its sampling.
struct Installed {
    tracer: SdkTracer,
    /// The sampler it was built with, when that is one of the crate's
    /// settings (`None`: unknown, e.g. Datadog's own sampling).
    sampler: Option<SamplerSetting>,
    /// Whether its provider takes root trace ids drawn beforehand
    /// ([`PresetIdGenerator`](crate::trace_ids::PresetIdGenerator)).
    preset_ids: bool,
}

static TRACER: OnceLock<Installed> = OnceLock::new();
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
        TRACER.get().map(|installed| &installed.tracer)
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
/// own sampling), and whether its provider's id generator is
/// [`PresetIdGenerator`](crate::trace_ids::PresetIdGenerator). Returns
/// `false` when one was already installed.
pub(crate) fn install_tracer(
    tracer: SdkTracer,
    sampler: Option<SamplerSetting>,
    preset_ids: bool,
) -> bool {
    let installed = Installed {
        tracer,
        sampler,
        preset_ids,
    };
    let fresh = TRACER.set(installed).is_ok();
    if fresh {
        ENABLED.store(true, Ordering::Release);
    }
    fresh
}

/// Whether a span started under `parent` (invalid: a root span) will
/// record, when the installed sampler decides from the parent alone
/// (`always_on`, `always_off`, `parentbased_always_on`,
/// `parentbased_always_off`, and ratio samplers under a parent); `None`
/// when only starting the span tells (a root under a ratio sampler,
/// Datadog's sampling, a tracer of unknown make).
/// Instrumentation uses it to build a span's attributes before the span
/// starts, and only when they will be kept.
#[inline]
pub(crate) fn will_record(parent: &SpanContext) -> Option<bool> {
    predicted(TRACER.get().and_then(|installed| installed.sampler), parent)
}

/// For a root span (its parent context has no active span) under a ratio
/// sampler (`traceidratio`, or `parentbased_traceidratio` at a root): a
/// trace id drawn for it and whether the sampler will keep a span with that
/// id. Start a kept span with
/// [`start_with_trace_id`](crate::trace_ids::start_with_trace_id) so that
/// it gets this id; one that will not be kept need not start at all.
/// `None` when the decision does not rest on the trace id alone, or the
/// installed provider cannot be handed the id.
#[inline]
pub(crate) fn root_decision() -> Option<(TraceId, bool)> {
    let installed = TRACER.get()?;
    if !installed.preset_ids {
        return None;
    }
    match installed.sampler? {
        SamplerSetting::TraceIdRatio(ratio) | SamplerSetting::ParentBasedTraceIdRatio(ratio) => {
            let trace_id = random_trace_id();
            Some((trace_id, ratio_keeps(ratio, trace_id)))
        }
        _ => None,
    }
}

/// The SDK's `TraceIdRatioBased` rule: the trace id's low 64 bits, shifted
/// right once, below `ratio` × 2⁶³ (every id at a ratio of 1 or more, none
/// at 0 or below).
fn ratio_keeps(ratio: f64, trace_id: TraceId) -> bool {
    if ratio >= 1.0 {
        return true;
    }
    // the float-to-int cast saturates, as the SDK's does
    let bound = (ratio.max(0.0) * (1u64 << 63) as f64) as u64;
    // the low 64 bits: truncation is the point
    let low = u128::from_be_bytes(trace_id.to_bytes()) as u64;
    (low >> 1) < bound
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
        // which only the SDK knows before the span starts (see
        // `root_decision` for drawing it beforehand)
        SamplerSetting::ParentBasedTraceIdRatio(_) => parent_sampled,
        // under a parent, the trace id is the parent's
        SamplerSetting::TraceIdRatio(ratio) => parent
            .is_valid()
            .then(|| ratio_keeps(ratio, parent.trace_id())),
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
            // the trace id 7 is kept at 0.5 (its low bits are small)
            (
                Some(SamplerSetting::TraceIdRatio(0.5)),
                [None, Some(true), Some(true)],
            ),
            (
                Some(SamplerSetting::TraceIdRatio(0.0)),
                [None, Some(false), Some(false)],
            ),
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
    fn a_root_is_kept_by_the_ratio_rule_exactly_as_the_sdk_keeps_it() {
        use opentelemetry::trace::SpanKind;
        use opentelemetry_sdk::trace::{Sampler, SamplingDecision, ShouldSample as _};
        let edges = [
            0u128,
            1,
            2,
            u128::from(u64::MAX),
            u128::from(u64::MAX) - 1,
            u128::MAX,
        ];
        let ids: Vec<TraceId> = (0..2000)
            .map(|_| random_trace_id())
            .chain(edges.map(TraceId::from))
            .collect();
        for ratio in [0.0, 0.01, 0.25, 0.5, 0.999, 1.0, 2.0, -1.0, f64::NAN] {
            let sampler = Sampler::TraceIdRatioBased(ratio);
            let mut kept = 0;
            for &id in &ids {
                let sdk = sampler.should_sample(None, id, "s", &SpanKind::Server, &[], &[]);
                let sdk_keeps = sdk.decision == SamplingDecision::RecordAndSample;
                assert_eq!(ratio_keeps(ratio, id), sdk_keeps, "{ratio} {id}");
                kept += usize::from(sdk_keeps);
            }
            if ratio == 0.5 {
                // the draw is random: about half kept
                assert!((800..1200).contains(&kept), "{kept}");
            }
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

    #[test]
    fn a_ratio_sampler_decides_a_child_from_its_parents_trace_id_as_predicted() {
        use opentelemetry::trace::{SpanKind, TraceContextExt as _};
        use opentelemetry_sdk::trace::{Sampler, SamplingDecision, ShouldSample as _};
        for ratio in [0.01, 0.5] {
            let sampler = Sampler::TraceIdRatioBased(ratio);
            for _ in 0..500 {
                let trace_id = random_trace_id();
                for flags in [TraceFlags::SAMPLED, TraceFlags::default()] {
                    let parent = SpanContext::new(
                        trace_id,
                        SpanId::from(9u64),
                        flags,
                        true,
                        TraceState::default(),
                    );
                    let cx = opentelemetry::Context::new().with_remote_span_context(parent.clone());
                    // the SDK samples a child with its parent's trace id
                    let sdk = sampler.should_sample(
                        Some(&cx),
                        trace_id,
                        "s",
                        &SpanKind::Internal,
                        &[],
                        &[],
                    );
                    let records = sdk.decision == SamplingDecision::RecordAndSample;
                    let setting = Some(SamplerSetting::TraceIdRatio(ratio));
                    assert_eq!(
                        predicted(setting, &parent),
                        Some(records),
                        "{ratio} {trace_id}"
                    );
                }
            }
        }
    }
}
