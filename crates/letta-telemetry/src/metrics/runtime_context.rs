//! Runs an exporter's futures inside a tokio runtime context.
//!
//! See [`crate::io_runtime`]: the periodic reader polls export futures on its
//! own thread, so every poll enters the export runtime.

use std::future::Future;
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use tokio::runtime::Handle;

use crate::io_runtime::Entered;

/// An exporter whose futures run inside `handle`'s context.
pub(crate) struct InRuntime<E> {
    pub(crate) handle: Handle,
    pub(crate) inner: E,
}

impl<E: PushMetricExporter> PushMetricExporter for InRuntime<E> {
    fn export(&self, metrics: &ResourceMetrics) -> impl Future<Output = OTelSdkResult> + Send {
        let _guard = self.handle.enter();
        Entered::new(self.handle.clone(), self.inner.export(metrics))
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
