//! Process-wide telemetry state: the installed tracer and the on/off switch.
//!
//! Reads are a relaxed atomic load plus a `OnceLock` read, so the disabled
//! path of every helper is a single branch.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use opentelemetry::trace::SpanContext;
use opentelemetry_sdk::trace::SdkTracer;

use crate::settings::SamplerSetting;

static TRACER: OnceLock<SdkTracer> = OnceLock::new();
static ENABLED: AtomicBool = AtomicBool::new(false);
/// The installed tracer's sampler, when its decision is known from the
/// parent alone (one of the `SAMPLING_*` codes).
static SAMPLING: AtomicU8 = AtomicU8::new(SAMPLING_UNKNOWN);

const SAMPLING_UNKNOWN: u8 = 0;
const SAMPLING_ALWAYS_ON: u8 = 1;
const SAMPLING_ALWAYS_OFF: u8 = 2;
const SAMPLING_PARENT_OR_ON: u8 = 3;
const SAMPLING_PARENT_OR_OFF: u8 = 4;

/// The installed tracer, or `None` when tracing is off or not initialised
/// (then instrumentation should do nothing: this check is the whole cost of
/// disabled tracing).
#[inline]
pub fn tracer() -> Option<&'static SdkTracer> {
    if ENABLED.load(Ordering::Relaxed) {
        TRACER.get()
    } else {
        None
    }
}

/// Whether spans are being produced.
#[inline]
pub fn tracing_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Installs the process tracer, with the sampler it was built with when
/// that is one of the crate's settings (`None`: unknown, e.g. Datadog's
/// own sampling). Returns `false` when one was already installed.
pub(crate) fn install_tracer(tracer: SdkTracer, sampler: Option<SamplerSetting>) -> bool {
    let fresh = TRACER.set(tracer).is_ok();
    if fresh {
        let code = match sampler {
            Some(SamplerSetting::AlwaysOn) => SAMPLING_ALWAYS_ON,
            Some(SamplerSetting::AlwaysOff) => SAMPLING_ALWAYS_OFF,
            Some(SamplerSetting::ParentBasedAlwaysOn) => SAMPLING_PARENT_OR_ON,
            Some(SamplerSetting::ParentBasedAlwaysOff) => SAMPLING_PARENT_OR_OFF,
            _ => SAMPLING_UNKNOWN,
        };
        SAMPLING.store(code, Ordering::Relaxed);
        ENABLED.store(true, Ordering::Release);
    }
    fresh
}

/// Whether a span started under `parent` (invalid: a root span) will
/// record, when the installed sampler decides from the parent alone
/// (`always_on`, `always_off`, `parentbased_always_on`,
/// `parentbased_always_off`); `None` when only starting the span tells
/// (ratio samplers, Datadog's sampling, a tracer of unknown make).
/// Instrumentation uses it to build a span's attributes before the span
/// starts, and only when they will be kept.
#[inline]
pub(crate) fn will_record(parent: &SpanContext) -> Option<bool> {
    predicted(SAMPLING.load(Ordering::Relaxed), parent)
}

/// [`will_record`] for the sampler of code `sampling`.
#[inline]
fn predicted(sampling: u8, parent: &SpanContext) -> Option<bool> {
    let parent_sampled = parent.is_valid().then(|| parent.is_sampled());
    match sampling {
        SAMPLING_ALWAYS_ON => Some(true),
        SAMPLING_ALWAYS_OFF => Some(false),
        SAMPLING_PARENT_OR_ON => Some(parent_sampled.unwrap_or(true)),
        SAMPLING_PARENT_OR_OFF => Some(parent_sampled.unwrap_or(false)),
        _ => None,
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
            (SAMPLING_ALWAYS_ON, [Some(true), Some(true), Some(true)]),
            (SAMPLING_ALWAYS_OFF, [Some(false), Some(false), Some(false)]),
            (SAMPLING_PARENT_OR_ON, [Some(true), Some(true), Some(false)]),
            (
                SAMPLING_PARENT_OR_OFF,
                [Some(false), Some(true), Some(false)],
            ),
            (SAMPLING_UNKNOWN, [None, None, None]),
        ];
        for (code, [for_root, under_sampled, under_not_sampled]) in cases {
            assert_eq!(predicted(code, &root), for_root, "{code}");
            assert_eq!(predicted(code, &on), under_sampled, "{code}");
            assert_eq!(predicted(code, &off), under_not_sampled, "{code}");
        }
    }
}
