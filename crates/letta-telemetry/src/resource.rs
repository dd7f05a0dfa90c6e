//! The OpenTelemetry resource of the reference (§2 of the reference behaviour).

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;

use crate::settings::Settings;

/// Builds the resource: `service.name`, `service.version`, `letta.version`,
/// `host.name`, `deployment.environment`, `device.id` (outside `prod`),
/// merged with `OTEL_RESOURCE_ATTRIBUTES`.
pub fn build_resource(settings: &Settings) -> Resource {
    let mut attrs = vec![
        KeyValue::new("service.version", settings.service_version.clone()),
        KeyValue::new("letta.version", settings.service_version.clone()),
    ];
    for (k, v) in &settings.resource_attributes {
        attrs.push(KeyValue::new(k.clone(), v.clone()));
    }
    Resource::builder_empty()
        .with_service_name(settings.service_name.clone())
        .with_attributes(attrs)
        .build()
}
