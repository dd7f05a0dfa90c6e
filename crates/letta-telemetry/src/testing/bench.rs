//! A tracer for benchmarks: the real export pipeline to a void exporter.

use std::sync::OnceLock;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};

use crate::traces::{BatchConfig, BoundedBatchSpanProcessor};

/// An exporter that accepts every batch and keeps nothing.
#[derive(Debug, Clone, Copy, Default)]
struct VoidExporter;

impl SpanExporter for VoidExporter {
    async fn export(&self, _batch: Vec<SpanData>) -> OTelSdkResult {
        Ok(())
    }
}

static INSTALLED: OnceLock<bool> = OnceLock::new();

/// Installs (once per process) the crate's production span pipeline (the
/// default sampler, the [`BoundedBatchSpanProcessor`] with default limits)
/// exporting to a void exporter, as both the crate tracer and the global
/// provider, plus the W3C propagators. For benchmarks: span costs without
/// an in-memory recorder's lock and growth. Returns `false` when the export
/// thread could not start (then nothing is installed).
#[doc(hidden)]
pub fn install_void_tracer() -> bool {
    *INSTALLED.get_or_init(|| {
        let Ok(processor) =
            BoundedBatchSpanProcessor::new(BatchConfig::default(), || Ok(VoidExporter))
        else {
            return false;
        };
        let provider = SdkTracerProvider::builder()
            .with_span_processor(processor)
            .with_sampler(opentelemetry_sdk::trace::Sampler::ParentBased(Box::new(
                opentelemetry_sdk::trace::Sampler::AlwaysOn,
            )))
            .build();
        // set explicitly: the SDK default follows OTEL_TRACES_SAMPLER
        crate::global::install_tracer(
            provider.tracer(crate::traces::TRACER_NAME),
            Some(crate::settings::SamplerSetting::ParentBasedAlwaysOn),
            false,
        );
        opentelemetry::global::set_tracer_provider(provider);
        crate::traces::install_propagators();
        true
    })
}
