//! Bounded exports: each export future polled inside the export runtime
//! and ended by its timeout or by the shutdown deadline, whichever comes
//! first. Only the OTLP transports need it; the file exporters write
//! synchronously.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use tokio::runtime::Handle;

use super::handle;
use crate::deadline::ExportDeadline;
use crate::pipeline::PipelineError;

/// How one pipeline runs its exports: inside the export runtime, each ended
/// by its timeout or by the shutdown deadline, whichever comes first.
#[derive(Debug, Clone)]
pub(crate) struct ExportContext {
    handle: Handle,
    deadline: ExportDeadline,
    timeout: Duration,
}

impl ExportContext {
    /// Exports bounded by `timeout` each and cut at `deadline`.
    pub(crate) fn new(deadline: ExportDeadline, timeout: Duration) -> Result<Self, PipelineError> {
        Ok(Self {
            handle: handle()?,
            deadline,
            timeout,
        })
    }

    /// Runs `f` inside the runtime's context (tonic connects, and spawns its
    /// connection task, in the runtime current when it is built).
    pub(crate) fn enter<T>(&self, f: impl FnOnce() -> T) -> T {
        let _entered = self.handle.enter();
        f()
    }

    /// `export()`'s future, polled inside the runtime and bounded: a
    /// timeout or the cut deadline ends it as `OTelSdkError::Timeout`.
    pub(crate) fn run<G, F>(
        &self,
        export: G,
    ) -> impl Future<Output = OTelSdkResult> + Send + use<G, F>
    where
        G: FnOnce() -> F,
        F: Future<Output = OTelSdkResult> + Send,
    {
        let fut = {
            let _entered = self.handle.enter();
            export()
        };
        let deadline = self.deadline.clone();
        let timeout = self.timeout;
        Entered {
            handle: self.handle.clone(),
            fut: async move {
                deadline
                    .bound(fut, Some(timeout))
                    .await
                    .unwrap_or(Err(OTelSdkError::Timeout(timeout)))
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// A future polled inside a runtime's context.
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
        let _entered = this.handle.enter();
        this.fut.poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_that_outlives_its_timeout_ends_as_a_timeout() -> Result<(), PipelineError> {
        let cx = ExportContext::new(ExportDeadline::default(), Duration::from_millis(20))?;
        let slow = cx.run(|| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Ok(())
        });
        let result = futures_executor_block_on(slow);
        assert!(
            matches!(result, Err(OTelSdkError::Timeout(_))),
            "{result:?}"
        );
        Ok(())
    }

    /// Polls `fut` on this (non-tokio) thread, as the SDK's reader does.
    fn futures_executor_block_on<F: Future>(fut: F) -> F::Output {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a bare runtime");
        rt.block_on(fut)
    }
}
