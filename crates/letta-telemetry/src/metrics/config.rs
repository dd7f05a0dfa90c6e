//! The metric pipeline's configuration, read from the settings once by
//! `init`: the output, the temporality, the reader's interval and the
//! export timeout; and the provider options a caller sets in code.

use std::time::Duration;

use opentelemetry_sdk::metrics::Temporality;

use crate::output::Output;
use crate::pipeline::PipelineError;
use crate::settings::{self, Settings, Signal};

/// File name of the embedded default metric output, under `<LETTA_DIR>/logs/`.
pub const METRICS_FILE: &str = "metrics.json";

/// Options of the meter provider that are not environment settings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MetricsOptions {
    /// Period of the periodic reader (default 60 s, the OpenTelemetry default).
    pub export_interval: Duration,
    /// Overrides every instrument's cardinality limit when set.
    pub cardinality_limit: Option<usize>,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        Self {
            export_interval: Duration::from_secs(60),
            cardinality_limit: None,
        }
    }
}

impl MetricsOptions {
    /// Sets the periodic reader's interval.
    #[must_use]
    pub fn with_export_interval(mut self, interval: Duration) -> Self {
        self.export_interval = interval;
        self
    }

    /// Overrides every instrument's cardinality limit (at least 1).
    #[must_use]
    pub fn with_cardinality_limit(mut self, limit: usize) -> Self {
        self.cardinality_limit = Some(limit.max(1));
        self
    }
}

/// Everything the metric pipeline needs, and nothing else of the settings.
#[derive(Debug, Clone)]
pub(crate) struct MetricsConfig {
    pub(crate) output: Output,
    pub(crate) temporality: Temporality,
    pub(crate) options: MetricsOptions,
    /// Longest export (`OTEL_METRIC_EXPORT_TIMEOUT`).
    pub(crate) export_timeout: Duration,
}

impl MetricsConfig {
    /// The configuration the settings describe, or `None` when metrics are
    /// off (with tracing, as in the reference, or `OTEL_METRICS_EXPORTER=none`).
    pub(crate) fn from_settings(settings: &Settings) -> Result<Option<Self>, PipelineError> {
        let output = Output::from_settings(settings, Signal::Metrics, Some(METRICS_FILE))?;
        if matches!(output, Output::Off) {
            return Ok(None);
        }
        Ok(Some(MetricsConfig {
            output,
            temporality: sdk_temporality(settings.otel_preferred_temporality),
            options: MetricsOptions::default()
                .with_export_interval(settings.metric_export_interval),
            export_timeout: settings.sdk.metric_export_timeout,
        }))
    }
}

/// The SDK temporality for the setting (`UNSPECIFIED` is the SDK default,
/// cumulative).
pub(crate) fn sdk_temporality(t: settings::Temporality) -> Temporality {
    match t {
        settings::Temporality::Delta => Temporality::Delta,
        settings::Temporality::Cumulative | settings::Temporality::Unspecified => {
            Temporality::Cumulative
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporality_mapping() {
        assert_eq!(
            sdk_temporality(settings::Temporality::Delta),
            Temporality::Delta
        );
        assert_eq!(
            sdk_temporality(settings::Temporality::Cumulative),
            Temporality::Cumulative
        );
        assert_eq!(
            sdk_temporality(settings::Temporality::Unspecified),
            Temporality::Cumulative
        );
    }
}
