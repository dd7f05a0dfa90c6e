//! SKELETON: the metrics pipeline.

use opentelemetry_sdk::Resource;

use crate::init::{InitError, Pipeline};
use crate::settings::Settings;

/// Installs the metrics pipeline, or returns `None` when it is off.
pub(crate) fn install(
    _settings: &Settings,
    _resource: &Resource,
) -> Result<Option<Box<dyn Pipeline>>, InitError> {
    Ok(None)
}
