//! SKELETON: Datadog APM, profiling and source-code integration.

use opentelemetry_sdk::Resource;

use crate::init::Pipeline;
use crate::settings::Settings;

/// Starts Datadog when enabled. Never fails: problems are logged.
pub(crate) fn install(_settings: &Settings, _resource: &Resource) -> Option<Box<dyn Pipeline>> {
    None
}
