//! The OTLP metric exporter as the periodic reader drives it: each export
//! polled on the export runtime and bounded by its timeout
//! (`OTEL_METRIC_EXPORT_TIMEOUT`, which the reader leaves to the exporter)
//! and by the shutdown deadline; a cut export is a timeout, counted by the
//! self-telemetry wrapper.

use std::future::Future;
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

use crate::export_runtime::ExportContext;

/// `inner`, its exports run in `cx`.
pub(crate) struct BoundedExporter<E> {
    pub(crate) cx: ExportContext,
    pub(crate) inner: E,
}

impl<E: PushMetricExporter> PushMetricExporter for BoundedExporter<E> {
    fn export(&self, metrics: &ResourceMetrics) -> impl Future<Output = OTelSdkResult> + Send {
        self.cx.run(|| self.inner.export(metrics))
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.cx.enter(|| self.inner.force_flush())
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.cx.enter(|| self.inner.shutdown_with_timeout(timeout))
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}
