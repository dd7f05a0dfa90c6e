//! The one tokio runtime that runs every export's I/O: spans, metrics and
//! logs alike.
//!
//! The OTLP transports (tonic, async reqwest) need a tokio reactor, but
//! exports are driven from threads of their own: the span processor's worker,
//! the SDK's periodic metric reader and its batch log processor. Each export
//! future is polled inside this runtime's context ([`ExportContext::run`],
//! or [`Handle::block_on`] on the span worker). It is never the
//! application's runtime: that one may be gone (dropped at the end of `main`)
//! while a last export still runs, and a future polled on a runtime that is
//! shutting down panics. This one is built on first use, has one worker
//! thread, and lives as long as the process: it is never dropped, so it can
//! never be shutting down under an export.

use std::sync::OnceLock;

use tokio::runtime::{Handle, Runtime};

use crate::pipeline::PipelineError;

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
mod context;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
pub(crate) use context::ExportContext;

static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// The export runtime's handle, building the runtime on first use.
pub(crate) fn handle() -> Result<Handle, PipelineError> {
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt.handle().clone());
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("letta-telemetry-export")
        .enable_all()
        .build()
        .map_err(|source| PipelineError::Io {
            path: "the tokio runtime for telemetry export".into(),
            source,
        })?;
    // Two first uses at once: one runtime wins, the other is dropped here,
    // outside any async context, before it ran anything.
    Ok(RUNTIME.get_or_init(|| rt).handle().clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pipeline_shares_one_runtime() -> Result<(), PipelineError> {
        let a = handle()?;
        let b = handle()?;
        assert_eq!(a.id(), b.id());
        Ok(())
    }
}
