//! Attribute keys of the registry's instruments and the one place where
//! request-context attributes are added to metric points.

use std::cell::RefCell;
use std::sync::Arc;

use crate::context::AttributeBuffer;
use opentelemetry::{KeyValue, StringValue};

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

/// Entries of the per-thread cache of shared attribute strings.
const SHARED_SLOTS: usize = 32;
/// Longer strings are not cached.
const SHARED_MAX_LEN: usize = 256;

/// Recently recorded attribute strings (route templates, model and tool
/// names), shared so that recording one again clones an `Arc` instead of
/// allocating a copy. Bounded: the oldest entry makes room for a new one.
#[derive(Default)]
struct SharedStrings {
    slots: Vec<Arc<str>>,
    next: usize,
}

thread_local! {
    static SHARED: RefCell<SharedStrings> = RefCell::new(SharedStrings::default());
}

/// `s` as an attribute value whose clones share one allocation, taken from
/// a small per-thread cache when it was recorded recently.
#[inline]
pub(crate) fn shared(s: &str) -> StringValue {
    if s.len() > SHARED_MAX_LEN {
        return StringValue::from(s.to_owned());
    }
    let cached = SHARED.try_with(|cell| {
        let mut cache = cell.try_borrow_mut().ok()?;
        if let Some(hit) = cache
            .slots
            .iter()
            .find(|c| c.len() == s.len() && ***c == *s)
        {
            return Some(hit.clone());
        }
        let fresh: Arc<str> = Arc::from(s);
        if cache.slots.len() < SHARED_SLOTS {
            cache.slots.push(fresh.clone());
        } else {
            let at = cache.next;
            if let Some(slot) = cache.slots.get_mut(at) {
                *slot = fresh.clone();
            }
            cache.next = (at + 1) % SHARED_SLOTS;
        }
        Some(fresh)
    });
    match cached {
        Ok(Some(shared)) => StringValue::from(shared),
        _ => StringValue::from(s.to_owned()),
    }
}

/// The HTTP method as an attribute value: a `'static` string for the
/// standard methods, a shared one otherwise.
#[inline]
pub(crate) fn method(method: &str) -> StringValue {
    const STANDARD: [&str; 9] = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
    ];
    match STANDARD.iter().find(|m| **m == method) {
        Some(m) => StringValue::from(*m),
        None => shared(method),
    }
}

thread_local! {
    /// Reused attribute buffer: recording does not allocate the list itself.
    static BUFFER: std::cell::RefCell<AttributeBuffer> =
        std::cell::RefCell::new(AttributeBuffer::new());
}

/// Calls `f` with the context attributes allowed on metrics (see
/// `crate::context`) and `own`. Inside a request context scope this uses the
/// scope's own attribute buffer (no copies of the context attributes);
/// outside one, or when that buffer is busy on another thread, a reused
/// per-thread buffer. `f` may append attributes; it must only record on
/// instruments.
#[inline]
pub(crate) fn with_context<const N: usize, R>(
    own: [KeyValue; N],
    f: impl FnOnce(&mut AttributeBuffer) -> R,
) -> R {
    let (own, f) = match crate::context::RequestAttributes::current() {
        Some(scope) => match scope.try_record(own, f) {
            Ok(r) => return r,
            Err(back) => back,
        },
        None => (own, f),
    };
    with_buffer(own, f)
}

/// [`with_context`] in the per-thread buffer, copying the context
/// attributes.
fn with_buffer<const N: usize, R>(
    own: [KeyValue; N],
    f: impl FnOnce(&mut AttributeBuffer) -> R,
) -> R {
    let mut f = Some(f);
    let mut own = Some(own);
    let reused = BUFFER.try_with(|cell| {
        let mut buf = cell.try_borrow_mut().ok()?;
        buf.clear();
        extend_with_context(&mut *buf);
        buf.extend(own.take()?);
        let r = (f.take()?)(&mut buf);
        buf.clear();
        Some(r)
    });
    match (reused, f) {
        (Ok(Some(r)), _) => r,
        // Re-entered from inside a recording, or during thread teardown.
        (_, Some(f)) => {
            let mut buf = AttributeBuffer::new();
            extend_with_context(&mut buf);
            buf.extend(own.into_iter().flatten());
            f(&mut buf)
        }
        (_, None) => unreachable!("the closure runs at most once"),
    }
}

/// Appends the allow-listed request-context attributes to `out`.
#[inline]
pub(crate) fn extend_with_context(out: &mut impl Extend<KeyValue>) {
    opentelemetry::Context::map_current(|cx| {
        if let Some(a) = cx.get::<crate::context::RequestAttributes>() {
            a.append_metric_attributes(out);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_strings_are_reused_and_bounded() {
        let a = shared("/v1/agents/{agent_id}/messages");
        let b = shared("/v1/agents/{agent_id}/messages");
        assert_eq!(a.as_str(), b.as_str());
        for i in 0..(SHARED_SLOTS * 3) {
            assert_eq!(shared(&format!("model-{i}")).as_str(), format!("model-{i}"));
        }
        let len = SHARED.with(|c| c.borrow().slots.len());
        assert_eq!(len, SHARED_SLOTS);
        let long = "x".repeat(SHARED_MAX_LEN + 1);
        assert_eq!(shared(&long).as_str(), long);
    }

    #[test]
    fn methods_keep_their_text() {
        assert_eq!(method("POST").as_str(), "POST");
        assert_eq!(method("PURGE").as_str(), "PURGE");
    }

    #[test]
    fn context_buffer_is_restored_after_a_recording() {
        let _scope = crate::context::current_with_ctx_attributes().attach();
        crate::context::add_ctx_attribute("organization.id", String::from("org-1"));
        let seen = with_context([KeyValue::new(METHOD, "GET")], |a| {
            a.push(KeyValue::new(SUCCESS, true));
            a.iter().map(|kv| kv.key.to_string()).collect::<Vec<_>>()
        });
        assert_eq!(seen, ["organization.id", "method", "success"]);
        crate::context::add_ctx_attribute("project.id", "p-1");
        let seen = with_context([], |a| a.len());
        assert_eq!(seen, 2);
        assert_eq!(crate::context::metric_attributes().len(), 2);
    }
}
