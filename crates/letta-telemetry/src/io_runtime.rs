//! A tokio runtime for export I/O, shared by the metric and log exporters.
//!
//! The SDK's periodic reader and batch log processor poll export futures on
//! their own threads, while the OTLP transports (tonic, async reqwest) need a
//! tokio reactor. Exporters are wrapped so that every poll enters a runtime:
//! the caller's multi-thread runtime when there is one, else a small one
//! owned by the pipeline.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::runtime::{Handle, Runtime, RuntimeFlavor};

/// A runtime the pipeline owns; shut down in the background on drop so that
/// dropping it inside async code never blocks or panics.
pub(crate) struct OwnedRuntime(Option<Runtime>);

impl Drop for OwnedRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// The runtime to drive export I/O: the current multi-thread runtime, or a
/// new one-worker runtime named `thread_name` (returned so that the caller
/// keeps it alive).
pub(crate) fn export_runtime(thread_name: &str) -> std::io::Result<(Handle, Option<OwnedRuntime>)> {
    if let Ok(h) = Handle::try_current()
        && h.runtime_flavor() == RuntimeFlavor::MultiThread
    {
        return Ok((h, None));
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(thread_name)
        .enable_all()
        .build()?;
    let h = rt.handle().clone();
    Ok((h, Some(OwnedRuntime(Some(rt)))))
}

pin_project_lite::pin_project! {
    /// A future polled inside a runtime's context.
    pub(crate) struct Entered<F> {
        handle: Handle,
        #[pin]
        fut: F,
    }
}

impl<F> Entered<F> {
    /// `fut`, polled inside `handle`'s context.
    pub(crate) fn new(handle: Handle, fut: F) -> Self {
        Entered { handle, fut }
    }
}

impl<F: Future> Future for Entered<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _entered = this.handle.enter();
        this.fut.poll(cx)
    }
}
