//! The span is current inside the body across every `.await`; nested traced
//! calls, `log_event` and spawned tasks attach to it.

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::{log_event, trace_id, trace_method};
use opentelemetry::trace::{SpanId, TraceContextExt as _};
use opentelemetry_sdk::trace::SpanData;

#[trace_method]
async fn outer() -> String {
    tokio::task::yield_now().await;
    inner_async().await;
    tokio::task::yield_now().await;
    inner_sync();
    log_event("outer.after_awaits", [], None);
    let spawned = letta_telemetry::context::spawn(in_task()).await;
    let detached = tokio::spawn(detached()).await;
    assert!(spawned.is_ok() && detached.is_ok());
    trace_id().unwrap_or_default()
}

#[trace_method]
async fn inner_async() {
    tokio::task::yield_now().await;
}

#[trace_method]
fn inner_sync() -> SpanId {
    opentelemetry::Context::current()
        .span()
        .span_context()
        .span_id()
}

#[trace_method]
async fn in_task() {
    tokio::task::yield_now().await;
}

#[trace_method]
async fn detached() {}

fn one(spans: &[SpanData], name: &str) -> SpanData {
    let found: Vec<_> = spans.iter().filter(|s| s.name == name).collect();
    assert_eq!(found.len(), 1, "{name}");
    found[0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_calls_and_spawned_tasks_are_children() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let trace_id = outer().await;
    let spans = recorder.spans();
    let outer = one(&spans, "trace_method_context.outer");
    assert_eq!(outer.parent_span_id, SpanId::INVALID);
    assert_eq!(format!("{:032x}", outer.span_context.trace_id()), trace_id);
    let outer_id = outer.span_context.span_id();
    for child in [
        "trace_method_context.inner_async",
        "trace_method_context.inner_sync",
        "trace_method_context.in_task",
    ] {
        assert_eq!(one(&spans, child).parent_span_id, outer_id, "{child}");
    }
    assert_eq!(
        one(&spans, "trace_method_context.detached").parent_span_id,
        SpanId::INVALID,
        "plain tokio::spawn does not carry the context; context::spawn does"
    );
    assert!(
        outer.events.iter().any(|e| e.name == "outer.after_awaits"),
        "log_event after several awaits lands on the traced span"
    );
}

#[test]
fn sync_body_sees_its_own_span_and_restores_the_parent() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let inside = inner_sync();
    let span = one(&recorder.spans(), "trace_method_context.inner_sync");
    assert_eq!(inside, span.span_context.span_id());
    assert!(
        !opentelemetry::Context::current().has_active_span(),
        "the context is detached after the call"
    );
}
