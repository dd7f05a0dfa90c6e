//! Runs an exporter's futures inside a tokio runtime context.
//!
//! The SDK's periodic reader polls export futures on its own thread, while
//! the OTLP transports (tonic, async reqwest) need a tokio reactor. The
//! wrapper enters the runtime on every poll; the runtime is the caller's
//! multi-thread runtime when there is one, else a small one owned here.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use tokio::runtime::{Handle, Runtime, RuntimeFlavor};

/// A runtime the pipeline owns; shut down in the background on drop so that
/// dropping it inside async code never panics.
pub(crate) struct OwnedRuntime(Option<Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// The runtime to drive export I/O: the current multi-thread runtime, or a
/// new one-worker runtime (returned so the caller keeps it alive).
pub(crate) fn export_runtime() -> std::io::Result<(Handle, Option<OwnedRuntime>)> {
    if let Ok(h) = Handle::try_current()
        && h.runtime_flavor() == RuntimeFlavor::MultiThread
    {
        return Ok((h, None));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("letta-metrics-export")
        .enable_all()
        .build()?;
    let h = rt.handle().clone();
    Ok((h, Some(OwnedRuntime(Some(rt)))))
}

/// An exporter whose futures run inside `handle`'s context.
pub(crate) struct InRuntime<E> {
    pub(crate) handle: Handle,
    pub(crate) inner: E,
}

pin_project_lite::pin_project! {
    struct Entered<F> {
        handle: Handle,
        #[pin]
        fut: F,
    }
}

impl<F: Future> Future for Entered<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _guard = this.handle.enter();
        this.fut.poll(cx)
    }
}

impl<E: PushMetricExporter> PushMetricExporter for InRuntime<E> {
    fn export(&self, metrics: &ResourceMetrics) -> impl Future<Output = OTelSdkResult> + Send {
        let _guard = self.handle.enter();
        Entered {
            handle: self.handle.clone(),
            fut: self.inner.export(metrics),
        }
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
