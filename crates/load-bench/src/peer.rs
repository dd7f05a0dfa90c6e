//! The peer baseline: the same router instrumented the way a team does it
//! by hand today, from the OpenTelemetry project's own crates: the tower
//! layer of `opentelemetry-instrumentation-tower` (a SERVER span and the
//! HTTP server duration metric per request, with axum's route template),
//! the SDK's batch span processor and periodic metric reader, and
//! `opentelemetry-otlp`'s gRPC exporters configured by the standard
//! `OTEL_EXPORTER_OTLP_*` variables; logs through `tracing-subscriber`'s
//! formatter to stderr.

use opentelemetry::global;
use opentelemetry_instrumentation_tower::http::extractors::AxumMatchedPathExtractor;
use opentelemetry_instrumentation_tower::http::server::LayerBuilder;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;

/// The installed providers, to flush at the end.
pub struct Peer {
    tracer_provider: SdkTracerProvider,
    meter_provider: SdkMeterProvider,
}

impl Peer {
    /// Installs the global propagator, tracer and meter providers and the
    /// log formatter. Must run inside the tokio runtime (tonic's channel).
    pub fn install() -> anyhow::Result<Self> {
        let spans = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .build()?;
        let tracer_provider = SdkTracerProvider::builder()
            .with_batch_exporter(spans)
            .build();
        let metrics = opentelemetry_otlp::MetricExporter::builder()
            .with_tonic()
            .build()?;
        let meter_provider = SdkMeterProvider::builder()
            .with_periodic_exporter(metrics)
            .build();
        global::set_text_map_propagator(TraceContextPropagator::new());
        global::set_tracer_provider(tracer_provider.clone());
        global::set_meter_provider(meter_provider.clone());
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(std::io::stderr)
            .try_init()
            .map_err(|e| anyhow::anyhow!("log formatter: {e}"))?;
        Ok(Self {
            tracer_provider,
            meter_provider,
        })
    }

    /// Flushes and stops both providers.
    pub fn shutdown(self) {
        if let Err(e) = self.tracer_provider.shutdown() {
            eprintln!("peer tracer provider: {e}");
        }
        if let Err(e) = self.meter_provider.shutdown() {
            eprintln!("peer meter provider: {e}");
        }
    }
}

/// The router wrapped in the OpenTelemetry tower layer.
pub fn layer(router: axum::Router) -> anyhow::Result<axum::Router> {
    let layer = LayerBuilder::builder()
        .with_route_extractor(AxumMatchedPathExtractor)
        .build()
        .map_err(|e| anyhow::anyhow!("the OpenTelemetry tower layer: {e}"))?;
    Ok(router.layer(layer))
}
