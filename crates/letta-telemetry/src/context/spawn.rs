//! Spawning tasks that keep the current telemetry context.

use std::future::Future;

use opentelemetry::context::FutureExt as _;

/// Spawns `future` on the current tokio runtime carrying the current
/// OpenTelemetry context: the current span (so spans created in the task are
/// its children) and the request context attributes.
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(future.with_current_context())
}
