//! The trace export pipeline.
//!
//! Spans go through a [`BoundedBatchSpanProcessor`] (queue bounded by spans
//! and bytes, drops counted in [`stats`], requests kept under
//! `limits.max_request_bytes`) to either
//! - an OTLP exporter (gRPC, HTTP protobuf or HTTP JSON) when an endpoint is
//!   set, or
//! - the embedded default: OTLP-JSON lines in `<LETTA_DIR>/logs/traces.json`,
//!   rotated by size (through the crate's one rotating writer, shared with
//!   `metrics.json` and `Letta.log`).
//!
//! ```
//! use letta_telemetry::traces;
//!
//! // Every span that ended is exported, pending, or counted as lost.
//! let s = traces::stats().snapshot();
//! assert_eq!(s.spans_ended(), s.spans_exported + s.spans_dropped() + s.spans_pending());
//! println!("{}", s.summary());
//! ```

mod classify;
mod config;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod encode_buffer;
mod file_exporter;
#[cfg(feature = "otlp-grpc")]
mod grpc_exporter;
#[cfg(feature = "otlp-http")]
mod http_exporter;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod otlp;
mod otlp_fields;
mod otlp_json;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod otlp_proto;
mod processor;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod retry;
mod scopes;
// The size estimates and the cut are internal; the `testing` feature shows
// them to this crate's tests and benchmarks (`testing::size`).
pub(crate) mod size;
mod stats;
mod tls_probe;
mod value_length;

use std::time::{Duration, Instant};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};

pub use config::TRACES_FILE;
pub(crate) use config::TracesConfig;
use file_exporter::OtlpJsonFileExporter;
pub use processor::{BatchConfig, BoundedBatchSpanProcessor};
pub use size::TRUNCATED_ATTRIBUTE;
pub use stats::{ExportStats, ExportStatsSnapshot, FailureReason, stats};

pub(crate) use processor::LOG_TARGET;

use crate::output::Output;
use crate::pipeline::{Pipeline, PipelineError};
use crate::settings::SamplerSetting;
use crate::trace_ids::PresetIdGenerator;

/// Name of the instrumentation scope of the spans this crate creates.
pub const TRACER_NAME: &str = "letta";

/// Installs the export pipeline `config` describes.
///
/// A trace file that cannot be opened does not fail: spans are counted as
/// lost until it can be, and `warnings` gets one line saying so.
pub(crate) fn install(
    config: TracesConfig,
    resource: &Resource,
    warnings: &mut Vec<String>,
) -> Result<Box<dyn Pipeline>, PipelineError> {
    let processor = build_processor(&config, warnings)?;
    // With Datadog on, Datadog's crate builds the provider around our
    // processor, with its own sampling and propagator.
    let datadog = config.datadog.as_ref().and_then(|dd| {
        crate::datadog::tracer_provider(dd, config.sampler, resource, processor.clone())
    });
    // Our own provider takes root trace ids drawn beforehand, so that a
    // ratio sampler's decision is known before a span starts.
    let (provider, own_sampler, datadog_propagator) = match datadog {
        Some((provider, propagator)) => (provider, None, Some(propagator)),
        None => {
            let limits = &config.span_limits;
            let provider = SdkTracerProvider::builder()
                .with_sampler(sampler(config.sampler))
                .with_id_generator(PresetIdGenerator::default())
                .with_max_attributes_per_span(limits.attribute_count)
                .with_max_events_per_span(limits.event_count)
                .with_max_links_per_span(limits.link_count)
                .with_max_attributes_per_event(limits.event_attribute_count)
                .with_max_attributes_per_link(limits.link_attribute_count)
                .with_resource(resource.clone())
                .with_span_processor(processor.clone())
                .build();
            (provider, Some(config.sampler), None)
        }
    };
    let preset_ids = own_sampler.is_some();
    if !crate::global::install_tracer(provider.tracer(TRACER_NAME), own_sampler, preset_ids) {
        processor.shutdown_until(Instant::now() + Duration::from_millis(100));
        return Err(PipelineError::AlreadyInstalled);
    }
    opentelemetry::global::set_tracer_provider(provider.clone());
    let via_datadog = datadog_propagator.is_some();
    match datadog_propagator {
        Some(install_datadog) => install_datadog(),
        None => crate::propagation::install(&config.propagators),
    }
    if config.verbose {
        tracing::debug!(
            target: LOG_TARGET,
            destination = %config.output.describe(),
            datadog = via_datadog,
            "trace pipeline installed"
        );
    }
    Ok(Box::new(TracePipeline {
        provider,
        processor,
        via_datadog,
    }))
}

/// The processor (and its exporter) of the output.
fn build_processor(
    config: &TracesConfig,
    warnings: &mut Vec<String>,
) -> Result<BoundedBatchSpanProcessor, PipelineError> {
    let batch = config.batch.clone();
    match &config.output {
        #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
        Output::Otlp(transport) => {
            let transport = transport.clone();
            BoundedBatchSpanProcessor::new(batch, move || otlp::build_span_exporter(&transport))
        }
        Output::Console => {
            BoundedBatchSpanProcessor::new(batch, || Ok(crate::console::ConsoleSpanExporter))
        }
        Output::File(file) => {
            let (writer, error) = file.open();
            if let Some(e) = error {
                warnings.push(format!(
                    "could not open the trace file {}: {e}; spans are counted as lost \
                     (letta_telemetry::traces::stats) until it can be written, tried again every {}s",
                    file.path.display(),
                    crate::rotating_file::REOPEN_INTERVAL.as_secs()
                ));
            }
            BoundedBatchSpanProcessor::new(batch, move || Ok(OtlpJsonFileExporter::new(writer)))
        }
        Output::Off => Err(PipelineError::Exporter("traces are off".into())),
    }
}

/// The SDK sampler of a [`SamplerSetting`].
fn sampler(setting: SamplerSetting) -> Sampler {
    match setting {
        SamplerSetting::AlwaysOn => Sampler::AlwaysOn,
        SamplerSetting::AlwaysOff => Sampler::AlwaysOff,
        SamplerSetting::TraceIdRatio(r) => Sampler::TraceIdRatioBased(r),
        SamplerSetting::ParentBasedAlwaysOn => Sampler::ParentBased(Box::new(Sampler::AlwaysOn)),
        SamplerSetting::ParentBasedAlwaysOff => Sampler::ParentBased(Box::new(Sampler::AlwaysOff)),
        SamplerSetting::ParentBasedTraceIdRatio(r) => {
            Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(r)))
        }
    }
}

/// Installs the W3C trace-context and baggage propagators globally (the
/// test recorders' setup).
#[cfg(any(test, feature = "testing"))]
pub(crate) fn install_propagators() {
    use crate::settings::Propagator;
    crate::propagation::install(&[Propagator::TraceContext, Propagator::Baggage]);
}

/// The installed trace pipeline, flushed and shut down by the guard.
struct TracePipeline {
    provider: SdkTracerProvider,
    processor: BoundedBatchSpanProcessor,
    /// Whether the provider is Datadog's (which holds Datadog's processor
    /// beside ours).
    via_datadog: bool,
}

impl Pipeline for TracePipeline {
    fn name(&self) -> &'static str {
        "traces"
    }

    fn flush(&self, deadline: Instant) {
        self.processor.flush_until(deadline);
        if self.via_datadog {
            // Flushes Datadog's processor (bounded by its force-flush
            // timeout); ours is empty by now.
            let _ = self.provider.force_flush();
        }
    }

    fn shutdown(&self, deadline: Instant) {
        self.processor.shutdown_until(deadline);
        // Our processor is already down; this stops the provider's others
        // (Datadog's, when on) within what is left of the deadline.
        let _ = self
            .provider
            .shutdown_with_timeout(deadline.saturating_duration_since(Instant::now()));
    }
}

/// [`otlp_proto::encode`] under a resource given as the SDK's, for the
/// `testing` feature's benchmarks.
#[cfg(all(feature = "testing", any(feature = "otlp-grpc", feature = "otlp-http")))]
pub(crate) fn encode_proto(
    out: &mut Vec<u8>,
    resource: &Resource,
    spans: &[opentelemetry_sdk::trace::SpanData],
) {
    otlp_proto::encode(out, &otlp_proto::ResourceProto::new(resource), spans);
}

/// [`otlp_json::encode`] under a resource given as the SDK's, for the
/// `testing` feature's benchmarks.
#[cfg(feature = "testing")]
pub(crate) fn encode_json(
    out: &mut Vec<u8>,
    resource: &Resource,
    spans: &[opentelemetry_sdk::trace::SpanData],
) {
    otlp_json::encode(out, &otlp_json::ResourceJson::new(&resource.into()), spans);
}
