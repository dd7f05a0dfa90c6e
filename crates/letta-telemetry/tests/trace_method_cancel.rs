//! An async call dropped before completion is recorded as `CancelledError`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;
use opentelemetry::Value;
use opentelemetry::trace::Status;
use opentelemetry_sdk::trace::SpanData;
use tracing_subscriber::layer::SubscriberExt as _;

#[trace_method]
async fn never_finishes(step: u32) -> u32 {
    std::future::pending::<()>().await;
    step
}

#[trace_method]
async fn finishes(step: u32) -> u32 {
    tokio::task::yield_now().await;
    step
}

fn event_attr(span: &SpanData, key: &str) -> Option<Value> {
    span.events
        .iter()
        .filter(|e| e.name == "exception")
        .flat_map(|e| e.attributes.iter())
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.clone())
}

/// Counts error-level log events.
#[derive(Clone, Default)]
struct ErrorLines(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ErrorLines {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if *event.metadata().level() == tracing::Level::ERROR {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[test]
fn dropped_call_records_cancelled_error() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let errors = ErrorLines::default();
    let subscriber = tracing_subscriber::registry().with(errors.clone());
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let task = runtime.spawn(async {
        tokio::time::timeout(Duration::from_millis(20), never_finishes(4))
            .await
            .is_err()
    });
    let task_id = task.id().to_string();
    assert!(
        runtime.block_on(task).unwrap_or(false),
        "the call timed out"
    );

    let span = &recorder.spans()[0];
    assert_eq!(span.name, "trace_method_cancel.never_finishes");
    assert_eq!(
        span.status,
        Status::error("CancelledError: never_finishes was cancelled")
    );
    assert_eq!(
        event_attr(span, "exception.type"),
        Some(Value::from("CancelledError"))
    );
    assert_eq!(event_attr(span, "task.name"), Some(Value::from(task_id)));
    assert_eq!(
        event_attr(span, "function.name"),
        Some(Value::from("never_finishes"))
    );
    assert_eq!(
        event_attr(span, "function.module"),
        Some(Value::from("trace_method_cancel"))
    );
    let ts = event_attr(span, "cancellation.timestamp")
        .map(|v| v.as_str().into_owned())
        .unwrap_or_default();
    assert_eq!(ts.len(), "2024-02-29T12:34:56.123456Z".len(), "{ts}");
    assert!(ts.ends_with('Z') && ts.as_bytes()[10] == b'T', "{ts}");
    assert_eq!(errors.0.load(Ordering::SeqCst), 1, "one error log line");
}

#[test]
fn dropped_outside_a_task_has_unknown_task_name() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let mut fut = Box::pin(never_finishes(1));
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    drop(fut);
    let span = &recorder.spans()[0];
    assert_eq!(event_attr(span, "task.name"), Some(Value::from("unknown")));
}

#[test]
fn never_polled_call_records_nothing_and_completed_call_is_not_cancelled() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    drop(never_finishes(1));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(runtime.block_on(finishes(2)), 2);
    let spans = recorder.spans();
    assert_eq!(spans.len(), 1, "a future never polled never started a span");
    assert_eq!(spans[0].status, Status::Ok);
    assert!(spans[0].events.is_empty());
}
