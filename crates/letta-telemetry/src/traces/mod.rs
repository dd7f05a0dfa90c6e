//! The trace export pipeline.
//!
//! Spans go through a [`BoundedBatchSpanProcessor`] (queue bounded by spans
//! and bytes, drops counted in [`stats`], requests kept under
//! `limits.max_request_bytes`) to either
//! - an OTLP exporter (gRPC, HTTP protobuf or HTTP JSON) when an endpoint is
//!   set, or
//! - the embedded default: OTLP-JSON lines in `<LETTA_DIR>/logs/traces.json`,
//!   rotated by size (the file exporter over a size-rotated JSON-lines file,
//!   which the metrics pipeline reuses for `metrics.json`).
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
mod file;
mod file_exporter;
mod otlp;
mod processor;
// The size estimates and the cut are internal; the `testing` feature shows
// them to this crate's tests and benchmarks (`testing::size`).
pub(crate) mod size;
mod stats;
mod value_length;

use std::sync::Arc;
use std::time::{Duration, Instant};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};

pub(crate) use file::JsonLinesFile;
use file_exporter::OtlpJsonFileExporter;
pub use processor::{BatchConfig, BoundedBatchSpanProcessor};
pub use size::TRUNCATED_ATTRIBUTE;
pub use stats::{ExportStats, ExportStatsSnapshot, FailureReason, stats};

pub(crate) use processor::LOG_TARGET;

use crate::init::{InitError, Pipeline};
use crate::settings::{Destination, SamplerSetting, Settings, Signal};

/// Name of the instrumentation scope of the spans this crate creates.
pub const TRACER_NAME: &str = "letta";

/// File name of the embedded default trace output, under `<LETTA_DIR>/logs/`.
pub const TRACES_FILE: &str = "traces.json";

/// Installs the export pipeline, or returns `None` when tracing is off.
///
/// A trace file that cannot be opened does not fail: spans are counted as
/// lost until it can be, and `warnings` gets one line saying so.
pub(crate) fn install_traces(
    settings: &Settings,
    resource: &Resource,
    warnings: &mut Vec<String>,
) -> Result<Option<Box<dyn Pipeline>>, InitError> {
    let destination = settings.destination(Signal::Traces);
    if destination == Destination::Off {
        return Ok(None);
    }
    let processor = build_processor(settings, destination, warnings)?;
    // With Datadog on, Datadog's crate builds the provider around our
    // processor, with its own sampling.
    let mut own_sampler = None;
    let provider = crate::datadog::tracer_provider(settings, resource, processor.clone())
        .unwrap_or_else(|| {
            own_sampler = Some(settings.sampler);
            let limits = &settings.sdk.span_limits;
            SdkTracerProvider::builder()
                .with_sampler(sampler(settings.sampler))
                .with_max_attributes_per_span(limits.attribute_count)
                .with_max_events_per_span(limits.event_count)
                .with_max_links_per_span(limits.link_count)
                .with_max_attributes_per_event(limits.event_attribute_count)
                .with_max_attributes_per_link(limits.link_attribute_count)
                .with_resource(resource.clone())
                .with_span_processor(processor.clone())
                .build()
        });
    if !crate::global::install_tracer(provider.tracer(TRACER_NAME), own_sampler) {
        processor.shutdown_until(Instant::now() + Duration::from_millis(100));
        return Err(InitError::AlreadyInitialized);
    }
    opentelemetry::global::set_tracer_provider(provider.clone());
    crate::propagation::install(&settings.sdk.propagators);
    if settings.verbose_telemetry_logging {
        tracing::debug!(
            target: LOG_TARGET,
            destination = %match settings.destination(Signal::Traces) {
                Destination::Otlp { endpoint } => crate::redact::mask_url(&endpoint),
                Destination::Console => "stdout".into(),
                _ => settings.logs_dir().join(TRACES_FILE).display().to_string(),
            },
            "trace pipeline installed"
        );
    }
    Ok(Some(Box::new(TracePipeline {
        provider,
        processor,
    })))
}

/// The processor (and its exporter) the settings describe.
fn build_processor(
    settings: &Settings,
    destination: Destination,
    warnings: &mut Vec<String>,
) -> Result<BoundedBatchSpanProcessor, InitError> {
    let config = BatchConfig::from_settings(settings);
    if destination == Destination::Console {
        return BoundedBatchSpanProcessor::new(config.with_split_on_too_large(false), || {
            Ok(crate::console::ConsoleSpanExporter)
        });
    }
    match otlp::traces_target(settings) {
        #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
        Some(target) => {
            let settings = settings.clone();
            BoundedBatchSpanProcessor::new(config, move || {
                otlp::build_span_exporter(&settings, &target)
            })
        }
        #[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
        Some(_) => Err(crate::init::no_otlp_transport("traces")),
        None => {
            let (file, error) = JsonLinesFile::for_settings(settings, TRACES_FILE);
            if let Some(e) = error {
                warnings.push(format!(
                    "could not open the trace file {}: {e}; spans are counted as lost \
                     (letta_telemetry::traces::stats) until it can be written, tried again every {}s",
                    file.path().display(),
                    file::REOPEN_INTERVAL.as_secs()
                ));
            }
            BoundedBatchSpanProcessor::new(config.with_split_on_too_large(false), move || {
                Ok(OtlpJsonFileExporter::new(Arc::new(file)))
            })
        }
    }
}

/// The SDK sampler of a [`SamplerSetting`].
pub(crate) fn sampler(setting: SamplerSetting) -> Sampler {
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
}

impl Pipeline for TracePipeline {
    fn name(&self) -> &'static str {
        "traces"
    }

    fn flush(&self, deadline: Instant) {
        self.processor.flush_until(deadline);
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
