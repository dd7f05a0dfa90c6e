//! The trace pipeline's configuration, read from the settings once by
//! `init`: the output, the processor's bounds, sampling, span limits,
//! propagators and, with Datadog on, Datadog's configuration.

use std::time::Duration;

use super::processor::BatchConfig;
use crate::datadog::DatadogConfig;
use crate::output::Output;
use crate::pipeline::PipelineError;
use crate::settings::{Propagator, SamplerSetting, Settings, Signal, SpanLimitSettings};

/// File name of the embedded default trace output, under `<LETTA_DIR>/logs/`.
pub const TRACES_FILE: &str = "traces.json";

/// Room kept in every request for the envelope when the resource is unknown
/// (the processor keeps the same; a request below twice this is useless).
const SMALLEST_REQUEST: usize = 2 * 4096;

/// Everything the trace pipeline needs, and nothing else of the settings.
#[derive(Debug, Clone)]
pub(crate) struct TracesConfig {
    pub(crate) output: Output,
    pub(crate) batch: BatchConfig,
    pub(crate) sampler: SamplerSetting,
    pub(crate) span_limits: SpanLimitSettings,
    pub(crate) propagators: Vec<Propagator>,
    /// With Datadog on: Datadog's crate builds the provider.
    pub(crate) datadog: Option<DatadogConfig>,
    pub(crate) verbose: bool,
}

impl TracesConfig {
    /// The configuration the settings describe, or `None` when traces are
    /// off. Reads the CA and client certificate files of an OTLP output.
    pub(crate) fn from_settings(settings: &Settings) -> Result<Option<Self>, PipelineError> {
        let output = Output::from_settings(settings, Signal::Traces, Some(TRACES_FILE))?;
        if matches!(output, Output::Off) {
            return Ok(None);
        }
        // Only a collector answers "too large"; the console and the file
        // exporter never do.
        #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
        let split = matches!(output, Output::Otlp(_));
        #[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
        let split = false;
        let mut batch = BatchConfig::from_settings(settings).with_split_on_too_large(split);
        if split {
            batch.plaintext_collector = plaintext_collector(settings.endpoint(Signal::Traces));
        }
        Ok(Some(TracesConfig {
            batch,
            output,
            sampler: settings.sampler,
            span_limits: settings.sdk.span_limits,
            propagators: settings.sdk.propagators.clone(),
            datadog: (settings.enable_datadog && settings.tracing_enabled())
                .then(|| DatadogConfig::from_settings(settings)),
            verbose: settings.verbose_telemetry_logging,
        }))
    }
}

/// The host and port of a plaintext (`http://`) collector endpoint.
fn plaintext_collector(endpoint: Option<String>) -> Option<(String, u16)> {
    let url = url::Url::parse(&endpoint?).ok()?;
    if url.scheme() != "http" {
        return None;
    }
    Some((url.host_str()?.to_owned(), url.port_or_known_default()?))
}

impl BatchConfig {
    /// The bounds the settings describe (`LETTA_TELEMETRY_MAX_*`,
    /// `OTEL_BSP_*`, the traces' OTLP timeout and attribute value limit).
    pub fn from_settings(settings: &Settings) -> Self {
        let l = &settings.limits;
        Self {
            max_queue_spans: l.max_queue_spans.max(1),
            max_queue_bytes: l.max_queue_bytes.max(1),
            max_batch_spans: l.max_batch_spans.max(1),
            max_request_bytes: l.max_request_bytes.max(SMALLEST_REQUEST),
            schedule_delay: l.schedule_delay,
            export_timeout: settings
                .sdk
                .span_export_timeout
                .min(settings.timeout(Signal::Traces)),
            max_attribute_value_length: settings.sdk.span_limits.attribute_value_length,
            split_on_too_large: true,
            verbose: settings.verbose_telemetry_logging,
            drop_warning_interval: Duration::from_secs(10),
            plaintext_collector: None,
        }
    }
}

impl Default for BatchConfig {
    /// The bounds of the default settings.
    fn default() -> Self {
        Self::from_settings(&Settings::default())
    }
}
