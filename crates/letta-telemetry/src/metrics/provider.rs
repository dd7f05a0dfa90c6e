//! The meter provider: exporter choice (OTLP gRPC/HTTP or the local
//! OTLP-JSON file), temporality, periodic reader, and the views that set each
//! instrument's cardinality limit.

use std::time::{Duration, Instant};

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{
    Instrument, PeriodicReader, SdkMeterProvider, Stream, Temporality,
};

use super::file_exporter::JsonLinesMetricExporter;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use super::runtime_context::InRuntime;
use super::self_telemetry::Counted;
use crate::deadline::ExportDeadline;
use crate::init::{InitError, Pipeline};
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::io_runtime::export_runtime;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::otlp_transport::OtlpTransport;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::settings::Protocol;
use crate::settings::{self, Destination, Settings, Signal};

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

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
fn otlp_exporter(
    settings: &Settings,
    endpoint: &str,
    temporality: Temporality,
) -> Result<opentelemetry_otlp::MetricExporter, InitError> {
    use opentelemetry_otlp::MetricExporter;
    let t = OtlpTransport::new(settings, Signal::Metrics, endpoint.to_owned())?;
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

/// The meter provider exporting over OTLP to `endpoint`.
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
fn otlp_provider(
    settings: &Settings,
    endpoint: &str,
    temporality: Temporality,
    resource: &Resource,
    options: &MetricsOptions,
    deadline: &ExportDeadline,
) -> Result<SdkMeterProvider, InitError> {
    let (handle, owned) =
        export_runtime("letta-metrics-export").map_err(|source| InitError::Io {
            path: "tokio runtime for metric export".into(),
            source,
        })?;
    let exporter = {
        let _guard = handle.enter();
        otlp_exporter(settings, endpoint, temporality)?
    };
    let exporter = InRuntime {
        handle,
        inner: exporter,
        deadline: deadline.clone(),
        timeout: settings.sdk.metric_export_timeout,
        _owned: owned,
    };
    Ok(build_meter_provider(exporter, resource.clone(), options))
}

/// Without an OTLP transport there is no OTLP metric exporter.
#[cfg(not(any(feature = "otlp-grpc", feature = "otlp-http")))]
fn otlp_provider(
    _settings: &Settings,
    _endpoint: &str,
    _temporality: Temporality,
    _resource: &Resource,
    _options: &MetricsOptions,
    _deadline: &ExportDeadline,
) -> Result<SdkMeterProvider, InitError> {
    Err(crate::init::no_otlp_transport("metrics"))
}

/// Installs the metrics pipeline, or returns `None` when it is off.
///
/// Metrics are on unless the SDK or tracing is disabled (as in the reference,
/// where both start together). With an OTLP endpoint they are exported over
/// OTLP; without one they go to `<LETTA_DIR>/logs/metrics.json`.
///
/// A metrics file that cannot be opened does not fail: collections are
/// counted as failed until it can be, and `warnings` gets one line saying so.
pub(crate) fn install(
    settings: &Settings,
    resource: &Resource,
    warnings: &mut Vec<String>,
) -> Result<Option<Box<dyn Pipeline>>, InitError> {
    let temporality = sdk_temporality(settings.otel_preferred_temporality);
    let options = MetricsOptions::default().with_export_interval(settings.metric_export_interval);
    let deadline = ExportDeadline::default();
    let provider = match settings.destination(Signal::Metrics) {
        Destination::Off => return Ok(None),
        Destination::Console => build_meter_provider(
            crate::console::ConsoleMetricExporter::new(temporality),
            resource.clone(),
            &options,
        ),
        Destination::Otlp { endpoint } => otlp_provider(
            settings,
            &endpoint,
            temporality,
            resource,
            &options,
            &deadline,
        )?,
        Destination::LocalFiles => {
            let (file, error) =
                crate::traces::JsonLinesFile::for_settings(settings, "metrics.json");
            if let Some(e) = error {
                warnings.push(format!(
                    "could not open the metrics file {}: {e}; metric points are counted as \
                     dropped until it can be written",
                    file.path().display()
                ));
            }
            let exporter = JsonLinesMetricExporter::new(file, temporality);
            build_meter_provider(exporter, resource.clone(), &options)
        }
    };
    if !super::install_registry(&provider) {
        let _ = provider.shutdown();
        return Err(InitError::AlreadyInitialized);
    }
    opentelemetry::global::set_meter_provider(provider.clone());
    Ok(Some(Box::new(MetricsPipeline { provider, deadline })))
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
