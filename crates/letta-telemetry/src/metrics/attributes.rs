//! Attribute keys of the registry's instruments and the one place where
//! request-context attributes are added to metric points.

use opentelemetry::KeyValue;

/// `endpoint_path`: the route template, or `unknown`.
pub const ENDPOINT_PATH: &str = "endpoint_path";
/// `method`: the HTTP method.
pub const METHOD: &str = "method";
/// `status_code`: the HTTP status (500 when an error escapes).
pub const STATUS_CODE: &str = "status_code";
/// `model`: the model name.
pub const MODEL: &str = "model";
/// `provider`: the model provider.
pub const PROVIDER: &str = "provider";
/// `tool_name`: the executed tool.
pub const TOOL_NAME: &str = "tool_name";
/// `success`: whether the tool succeeded.
pub const SUCCESS: &str = "success";
/// `step_id`: the agent step, only on failed tool executions.
pub const STEP_ID: &str = "step_id";
/// `route_class`: the class of an SSE route.
pub const ROUTE_CLASS: &str = "route_class";
/// `reason`: why an SSE stream ended, or a readiness reason.
pub const REASON: &str = "reason";
/// `operation`: the cache operation that timed out.
pub const OPERATION: &str = "operation";
/// `engine_name`: the database engine of a pool (`sqlite`, `postgresql`).
pub const ENGINE_NAME: &str = "engine_name";
/// `pool_mode`: how the pool is used (e.g. `async`).
pub const POOL_MODE: &str = "pool_mode";
/// `event`: the pool event.
pub const EVENT: &str = "event";
/// `exception_type`: the kind of a pool error.
pub const EXCEPTION_TYPE: &str = "exception_type";
/// `queue`: which executor queue a backlog figure describes.
pub const QUEUE: &str = "queue";

/// Typical number of attributes on a point, so that one allocation suffices.
const INLINE: usize = 12;

thread_local! {
    /// Reused attribute buffer: recording does not allocate the list itself.
    static BUFFER: std::cell::RefCell<Vec<KeyValue>> =
        std::cell::RefCell::new(Vec::with_capacity(INLINE));
}

/// Calls `f` with `own` followed by the context attributes allowed on
/// metrics (see `crate::context`), built in a reused per-thread buffer.
#[inline]
pub(crate) fn with_context<const N: usize, R>(
    own: [KeyValue; N],
    f: impl FnOnce(&mut Vec<KeyValue>) -> R,
) -> R {
    let mut f = Some(f);
    let mut own = Some(own);
    let reused = BUFFER.try_with(|cell| {
        let mut buf = cell.try_borrow_mut().ok()?;
        buf.clear();
        buf.extend(own.take()?);
        extend_with_context(&mut buf);
        let r = (f.take()?)(&mut buf);
        buf.clear();
        Some(r)
    });
    match (reused, f) {
        (Ok(Some(r)), _) => r,
        // Re-entered from inside a recording, or during thread teardown.
        (_, Some(f)) => {
            let mut buf = Vec::with_capacity(INLINE);
            buf.extend(own.into_iter().flatten());
            extend_with_context(&mut buf);
            f(&mut buf)
        }
        (_, None) => unreachable!("the closure runs at most once"),
    }
}

/// Appends the allow-listed request-context attributes to `out`.
#[inline]
pub(crate) fn extend_with_context(out: &mut Vec<KeyValue>) {
    opentelemetry::Context::map_current(|cx| {
        if let Some(a) = cx.get::<crate::context::RequestAttributes>() {
            a.append_metric_attributes(out);
        }
    });
}
