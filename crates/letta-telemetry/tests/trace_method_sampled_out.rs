//! Sampled out: no parameter of a `#[trace_method]` call is formatted and no
//! span is recorded; sampled in, each parameter is formatted once. Its own
//! test binary, so the formatting counter is not shared with other tests.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use letta_telemetry::trace_method;
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};

static FORMATTED: AtomicUsize = AtomicUsize::new(0);

struct Counted(u32);

impl fmt::Debug for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.fetch_add(1, Ordering::SeqCst);
        write!(f, "Counted({})", self.0)
    }
}

#[trace_method]
fn sync_call(value: Counted) -> Result<u32, String> {
    let active = opentelemetry::Context::current().has_active_span();
    if active {
        return Err("a span is current".into());
    }
    Ok(value.0)
}

#[trace_method]
async fn async_call(value: Counted) -> u32 {
    tokio::task::yield_now().await;
    value.0
}

#[tokio::test]
async fn sampled_out_spans_format_nothing() {
    let recorder = letta_telemetry::testing::install_span_recorder();
    // A remote parent that is not sampled: the default parent-based sampler
    // drops the child.
    let parent = opentelemetry::Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(7u128),
        SpanId::from(9u64),
        TraceFlags::default(),
        true,
        TraceState::default(),
    ));
    {
        let _attached = parent.clone().attach();
        assert_eq!(sync_call(Counted(3)), Err("a span is current".into()));
    }
    let value = opentelemetry::context::FutureExt::with_context(async_call(Counted(4)), parent);
    assert_eq!(value.await, 4);
    assert_eq!(FORMATTED.load(Ordering::SeqCst), 0);
    assert!(recorder.spans().is_empty());
    // Sampled: formatted once.
    assert_eq!(async_call(Counted(5)).await, 5);
    assert_eq!(FORMATTED.load(Ordering::SeqCst), 1);
    assert_eq!(recorder.spans().len(), 1);
}
