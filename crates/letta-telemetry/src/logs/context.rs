//! Log-context fields of the reference (`agent_id`, `actor_id`, ...): set once
//! for a request and written on every log line emitted inside it.
//!
//! The fields live in the OpenTelemetry [`Context`], the same carrier as the
//! current span and the request attributes, so tasks started with
//! [`crate::context::spawn`] keep them.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

use opentelemetry::Context;
use opentelemetry::context::{ContextGuard, FutureExt, WithContext};

/// One log-context field: a name and its rendered value.
pub type LogField = (Cow<'static, str>, String);

/// The log-context fields in force, innermost last.
#[derive(Debug, Clone, Default)]
pub(crate) struct LogContext(Arc<Vec<LogField>>);

impl LogContext {
    pub(crate) fn fields(&self) -> &[LogField] {
        &self.0
    }
}

fn merged(cx: &Context, fields: impl IntoIterator<Item = LogField>) -> LogContext {
    let mut all: Vec<LogField> = cx
        .get::<LogContext>()
        .map(|c| c.0.as_ref().clone())
        .unwrap_or_default();
    for (k, v) in fields {
        match all.iter_mut().find(|(name, _)| *name == k) {
            Some(slot) => slot.1 = v,
            None => all.push((k, v)),
        }
    }
    LogContext(Arc::new(all))
}

/// The current OpenTelemetry context plus these log-context fields (a field
/// already present is replaced).
pub fn context_with_log_fields<K, V>(fields: impl IntoIterator<Item = (K, V)>) -> Context
where
    K: Into<Cow<'static, str>>,
    V: Into<String>,
{
    let cx = Context::current();
    let merged = merged(&cx, fields.into_iter().map(|(k, v)| (k.into(), v.into())));
    cx.with_value(merged)
}

/// Runs `future` with these log-context fields added to every log line it
/// emits (on any thread that polls it).
///
/// ```
/// # async fn demo() {
/// letta_telemetry::logs::with_log_context([("agent_id", "agent-1")], async {
///     tracing::info!("step started"); // carries "agent_id": "agent-1"
/// })
/// .await;
/// # }
/// ```
pub fn with_log_context<F, K, V>(
    fields: impl IntoIterator<Item = (K, V)>,
    future: F,
) -> WithContext<F>
where
    F: Future,
    K: Into<Cow<'static, str>>,
    V: Into<String>,
{
    future.with_context(context_with_log_fields(fields))
}

/// Adds these log-context fields on this thread until the guard is dropped
/// (for synchronous code; async code should use [`with_log_context`]).
#[must_use = "the fields are removed when the guard is dropped"]
pub fn log_context_guard<K, V>(fields: impl IntoIterator<Item = (K, V)>) -> ContextGuard
where
    K: Into<Cow<'static, str>>,
    V: Into<String>,
{
    context_with_log_fields(fields).attach()
}

/// The log-context fields in force on this thread.
pub fn current_log_fields() -> Vec<LogField> {
    Context::map_current(|cx| {
        cx.get::<LogContext>()
            .map(|c| c.fields().to_vec())
            .unwrap_or_default()
    })
}
