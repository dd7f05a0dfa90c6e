//! SKELETON: the export pipeline.

use opentelemetry_sdk::Resource;

use crate::init::{InitError, Pipeline};
use crate::settings::Settings;

/// Installs the export pipeline, or returns `None` when it is off.
pub(crate) fn install_traces(
    _settings: &Settings,
    _resource: &Resource,
) -> Result<Option<Box<dyn Pipeline>>, InitError> {
    Ok(None)
}

/// Installs the W3C trace-context and baggage propagators globally.
pub fn install_propagators() {
    use opentelemetry::propagation::TextMapCompositePropagator;
    use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
    opentelemetry::global::set_text_map_propagator(TextMapCompositePropagator::new(vec![
        Box::new(TraceContextPropagator::new()),
        Box::new(BaggagePropagator::new()),
    ]));
}
