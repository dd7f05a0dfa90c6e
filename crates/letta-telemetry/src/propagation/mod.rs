//! `OTEL_PROPAGATORS`: the global text-map propagator, the composite of the
//! listed ones in order: W3C trace-context and baggage from the SDK, and
//! Zipkin's B3 ([`b3`]).
//!
//! With Datadog on, Datadog's crate installs its own propagator afterwards
//! (Datadog and W3C headers) and reads `OTEL_PROPAGATORS` itself.

mod b3;

use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};

use crate::settings::Propagator;

/// The propagator of one name.
fn one(p: Propagator) -> Box<dyn TextMapPropagator + Send + Sync> {
    match p {
        Propagator::TraceContext => Box::new(TraceContextPropagator::new()),
        Propagator::Baggage => Box::new(BaggagePropagator::new()),
        Propagator::B3 => Box::new(b3::B3Propagator::single_header()),
        Propagator::B3Multi => Box::new(b3::B3Propagator::multiple_headers()),
    }
}

/// Installs the composite of `propagators` globally (none: a propagator
/// that injects and extracts nothing).
pub(crate) fn install(propagators: &[Propagator]) {
    let list = propagators.iter().map(|p| one(*p)).collect();
    opentelemetry::global::set_text_map_propagator(TextMapCompositePropagator::new(list));
}
