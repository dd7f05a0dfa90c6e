//! A tokio runtime for export I/O, owned by the metric and log exporters.
//!
//! The SDK's periodic reader and batch log processor poll export futures on
//! their own threads, while the OTLP transports (tonic, async reqwest) need a
//! tokio reactor. Exporters are wrapped so that every poll enters a small
//! runtime that the exporter owns. It is never the application's runtime:
//! that one may be gone (dropped at the end of `main`) while a last export
//! still runs, and a future polled on a runtime that is shutting down panics.
//! The exporter's runtime lives exactly as long as the exporter.

// Only the OTLP metric and log exporters run on it: a build without an OTLP
// transport leaves it unused.
#![cfg_attr(
    not(any(feature = "otlp-grpc", feature = "otlp-http")),
    allow(dead_code)
)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::runtime::{Handle, Runtime};

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

/// A new one-worker runtime named `thread_name` to drive export I/O, and its
/// handle; the caller keeps the runtime alive as long as its exporter.
pub(crate) fn export_runtime(thread_name: &str) -> std::io::Result<(Handle, OwnedRuntime)> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name(thread_name)
        .enable_all()
        .build()?;
    let h = rt.handle().clone();
    Ok((h, OwnedRuntime(Some(rt))))
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
