//! The meter provider: exporter choice (OTLP gRPC/HTTP or the local
//! OTLP-JSON file), temporality, periodic reader, and the views that set each
//! instrument's cardinality limit.

use std::time::Instant;

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{Instrument, PeriodicReader, SdkMeterProvider, Stream};

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use super::bounded_exporter::BoundedExporter;
use super::config::{MetricsConfig, MetricsOptions};
use super::file_exporter::JsonLinesMetricExporter;
use super::self_telemetry::Counted;
use crate::deadline::ExportDeadline;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::otlp_transport::OtlpTransport;
use crate::output::Output;
use crate::pipeline::{Pipeline, PipelineError};
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::settings::Protocol;

/// Builds a meter provider exporting to `exporter` through a periodic
/// reader, with this crate's per-instrument cardinality limits (the
/// registry's histograms carry their own bucket boundaries).
pub fn build_meter_provider<E: PushMetricExporter>(
    exporter: E,
    resource: Resource,
    options: &MetricsOptions,
) -> SdkMeterProvider {
    let reader = PeriodicReader::builder(Counted(exporter))
        .with_interval(options.export_interval)
        .build();
    let fixed = options.cardinality_limit;
    SdkMeterProvider::builder()
        .with_resource(resource)
        .with_reader(reader)
        .with_view(move |i: &Instrument| {
            let limit = fixed.unwrap_or_else(|| super::cardinality_limit(i.name()));
            Stream::builder().with_cardinality_limit(limit).build().ok()
        })
        .build()
}

struct MetricsPipeline {
    provider: SdkMeterProvider,
    /// Cut at shutdown: ends an OTLP export in flight.
    deadline: ExportDeadline,
}

impl Pipeline for MetricsPipeline {
    fn name(&self) -> &'static str {
        "metrics"
    }

    fn flush(&self, _deadline: Instant) {
        if let Err(e) = self.provider.force_flush() {
            tracing::debug!(target: "letta_telemetry", error = %e, "metrics flush failed");
        }
    }

    fn shutdown(&self, deadline: Instant) {
        self.deadline.cut_at(deadline);
        let left = deadline.saturating_duration_since(Instant::now());
        if let Err(e) = self.provider.shutdown_with_timeout(left) {
            tracing::debug!(target: "letta_telemetry", error = %e, "metrics shutdown failed");
        }
    }
}

/// The OTLP metric exporter over `t`, with `temporality`.
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
fn otlp_exporter(
    t: &OtlpTransport,
    temporality: opentelemetry_sdk::metrics::Temporality,
) -> Result<opentelemetry_otlp::MetricExporter, PipelineError> {
    use opentelemetry_otlp::MetricExporter;
    let built = match t.protocol() {
        #[cfg(feature = "otlp-grpc")]
        Protocol::Grpc => t
            .tonic(
                MetricExporter::builder()
                    .with_tonic()
                    .with_temporality(temporality),
            )?
            .build(),
        #[cfg(feature = "otlp-http")]
        Protocol::HttpProtobuf | Protocol::HttpJson => t
            .http(
                MetricExporter::builder()
                    .with_http()
                    .with_temporality(temporality),
            )?
            .build(),
        #[cfg(not(feature = "otlp-grpc"))]
        Protocol::Grpc => return Err(t.missing("otlp-grpc")),
        #[cfg(not(feature = "otlp-http"))]
        Protocol::HttpProtobuf | Protocol::HttpJson => return Err(t.missing("otlp-http")),
    };
    built.map_err(|e| t.error(e))
}

/// Installs the metrics pipeline `config` describes. With an OTLP output
/// metrics are exported over OTLP; with the local files they go to
/// `<LETTA_DIR>/logs/metrics.json`.
///
/// A metrics file that cannot be opened does not fail: collections are
/// counted as failed until it can be, and `warnings` gets one line saying so.
pub(crate) fn install(
    config: MetricsConfig,
    resource: &Resource,
    warnings: &mut Vec<String>,
) -> Result<Box<dyn Pipeline>, PipelineError> {
    let MetricsConfig {
        output,
        temporality,
        options,
        export_timeout,
    } = config;
    let deadline = ExportDeadline::default();
    let provider = match output {
        Output::Off => return Err(PipelineError::Exporter("metrics are off".into())),
        Output::Console => build_meter_provider(
            crate::console::ConsoleMetricExporter::new(temporality),
            resource.clone(),
            &options,
        ),
        #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
        Output::Otlp(transport) => {
            let cx = crate::export_runtime::ExportContext::new(deadline.clone(), export_timeout)?;
            let inner = cx.enter(|| otlp_exporter(&transport, temporality))?;
            build_meter_provider(BoundedExporter { cx, inner }, resource.clone(), &options)
        }
        Output::File(file) => {
            let (writer, error) = file.open();
            if let Some(e) = error {
                warnings.push(format!(
                    "could not open the metrics file {}: {e}; metric points are counted as \
                     dropped until it can be written",
                    file.path.display()
                ));
            }
            let exporter = JsonLinesMetricExporter::new(writer, temporality);
            build_meter_provider(exporter, resource.clone(), &options)
        }
    };
    #[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
    let _ = export_timeout;
    if !super::install_registry(&provider) {
        let _ = provider.shutdown();
        return Err(PipelineError::AlreadyInstalled);
    }
    opentelemetry::global::set_meter_provider(provider.clone());
    Ok(Box::new(MetricsPipeline { provider, deadline }))
}
