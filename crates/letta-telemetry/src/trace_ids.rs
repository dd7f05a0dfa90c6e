//! Trace ids drawn before a root span starts.
//!
//! A ratio sampler decides a root span from its trace id alone, and the SDK
//! draws that id inside `start`, after the caller has already paid for a
//! span it may not keep (and ignores a trace id set on the builder of a
//! root). The tracer provider this crate builds therefore uses
//! [`PresetIdGenerator`]: instrumentation draws the id first
//! ([`random_trace_id`]), decides from it what the sampler will decide,
//! skips the span entirely when it will not record, and otherwise hands the
//! id to the SDK for that one `start` ([`start_with_trace_id`]).

use std::cell::Cell;

use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator};

thread_local! {
    /// The trace id the next root span on this thread takes, if one was
    /// drawn for it.
    static PRESET: Cell<Option<TraceId>> = const { Cell::new(None) };
}

/// The SDK's random ids, except that a root span started inside
/// [`start_with_trace_id`] takes the trace id given there.
#[derive(Debug, Default)]
pub(crate) struct PresetIdGenerator {
    random: RandomIdGenerator,
}

impl IdGenerator for PresetIdGenerator {
    fn new_trace_id(&self) -> TraceId {
        PRESET
            .with(Cell::take)
            .unwrap_or_else(|| self.random.new_trace_id())
    }

    fn new_span_id(&self) -> SpanId {
        self.random.new_span_id()
    }
}

/// A random trace id, from the SDK's generator.
pub(crate) fn random_trace_id() -> TraceId {
    RandomIdGenerator::default().new_trace_id()
}

/// A random span id, from the SDK's generator.
pub(crate) fn random_span_id() -> SpanId {
    RandomIdGenerator::default().new_span_id()
}

/// Runs `start` (which starts one root span through a provider built with
/// [`PresetIdGenerator`]) so that the span's trace id is `trace_id`. The
/// preset is cleared afterwards, also when `start` unwinds or starts no
/// root, so that it never reaches a later span.
pub(crate) fn start_with_trace_id<T>(trace_id: TraceId, start: impl FnOnce() -> T) -> T {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            PRESET.with(|p| p.set(None));
        }
    }
    PRESET.with(|p| p.set(Some(trace_id)));
    let _clear = Clear;
    start()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_id_goes_to_one_root_and_no_further() {
        let ids = PresetIdGenerator::default();
        let preset = TraceId::from(42u128);
        let (first, second) =
            start_with_trace_id(preset, || (ids.new_trace_id(), ids.new_trace_id()));
        assert_eq!(first, preset);
        assert_ne!(second, preset);
        // unused presets do not outlive their call
        start_with_trace_id(preset, || ());
        assert_ne!(ids.new_trace_id(), preset);
        assert_ne!(random_trace_id(), TraceId::INVALID);
        assert_ne!(random_span_id(), SpanId::INVALID);
    }
}
