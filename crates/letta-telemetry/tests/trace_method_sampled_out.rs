//! Sampled out: no parameter of a `#[trace_method]` call is formatted and no
//! span is recorded; sampled in, each parameter is formatted once. Its own
//! test binary, so the formatting counter is not shared with other tests.

mod counted_calls;

use std::sync::atomic::Ordering;

use counted_calls::{Counted, FORMATTED, async_call, sync_call};
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};

#[tokio::test]
async fn sampled_out_spans_format_nothing() {
    test_peers::own_process!();
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
