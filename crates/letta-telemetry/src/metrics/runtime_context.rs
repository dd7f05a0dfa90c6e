//! Runs an exporter's futures inside a tokio runtime context, bounded by the
//! shutdown deadline.
//!
//! See [`crate::io_runtime`]: the periodic reader polls export futures on its
//! own thread, so every poll enters the export runtime, which this wrapper
//! owns. See [`crate::deadline`]: an export in flight at shutdown ends by the
//! deadline (a timeout, counted by the self-telemetry wrapper).

use std::future::Future;
use std::time::Duration;

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use tokio::runtime::Handle;

use crate::deadline::ExportDeadline;
use crate::io_runtime::{Entered, OwnedRuntime};

/// An exporter whose futures run inside `handle`'s context.
pub(crate) struct InRuntime<E> {
    pub(crate) handle: Handle,
    pub(crate) inner: E,
    pub(crate) deadline: ExportDeadline,
    /// Longest export (`OTEL_METRIC_EXPORT_TIMEOUT`): the periodic reader
    /// leaves the bound of an export to the exporter.
    pub(crate) timeout: Duration,
    /// The runtime behind `handle`, kept as long as the exporter.
    pub(crate) _owned: OwnedRuntime,
}

impl<E: PushMetricExporter> PushMetricExporter for InRuntime<E> {
    fn export(&self, metrics: &ResourceMetrics) -> impl Future<Output = OTelSdkResult> + Send {
        let _guard = self.handle.enter();
        let timeout = self.timeout;
        let bounded = self
            .deadline
            .bound(self.inner.export(metrics), Some(timeout));
        Entered::new(self.handle.clone(), async move {
            bounded.await.unwrap_or(Err(OTelSdkError::Timeout(timeout)))
        })
    }

    fn force_flush(&self) -> OTelSdkResult {
        let _guard = self.handle.enter();
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        let _guard = self.handle.enter();
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}
