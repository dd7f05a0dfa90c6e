//! Panics: recorded as an exception, then resumed; a panicking `Debug` impl
//! never changes the call.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;
use opentelemetry::Value;
use opentelemetry::trace::Status;
use opentelemetry_sdk::trace::SpanData;

fn event_attr(span: &SpanData, key: &str) -> Option<Value> {
    span.events
        .iter()
        .filter(|e| e.name == "exception")
        .flat_map(|e| e.attributes.iter())
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| kv.value.clone())
}

#[trace_method]
fn explode(n: u32) -> u32 {
    if n > 0 {
        panic!("exploded at {n}");
    }
    n
}

#[trace_method]
async fn explode_later(n: u32) -> u32 {
    tokio::task::yield_now().await;
    if n > 0 {
        panic!("async exploded at {n}");
    }
    n
}

struct BadDebug;

impl fmt::Debug for BadDebug {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        panic!("Debug impl is broken")
    }
}

struct FailingDebug;

impl fmt::Debug for FailingDebug {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Err(fmt::Error)
    }
}

#[trace_method]
fn takes_bad(bad: BadDebug, failing: FailingDebug, after: i64) -> i64 {
    let _ = (bad, failing);
    after
}

#[test]
fn sync_panic_is_recorded_then_resumed() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let caught = catch_unwind(|| explode(2));
    let payload = caught
        .err()
        .unwrap_or_else(|| panic!("the panic must resume"));
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("exploded at 2"),
        "the original payload is resumed"
    );
    let span = &recorder.spans()[0];
    assert_eq!(span.status, Status::error("panic: exploded at 2"));
    assert_eq!(
        event_attr(span, "exception.type"),
        Some(Value::from("panic"))
    );
    assert_eq!(
        event_attr(span, "exception.message"),
        Some(Value::from("exploded at 2"))
    );
}

#[tokio::test]
async fn async_panic_is_recorded_then_resumed() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let joined = tokio::spawn(explode_later(1)).await;
    assert!(joined.is_err_and(|e| e.is_panic()));
    let span = &recorder.spans()[0];
    assert_eq!(span.status, Status::error("panic: async exploded at 1"));
    assert_eq!(
        event_attr(span, "exception.type"),
        Some(Value::from("panic"))
    );
    assert!(
        !span
            .events
            .iter()
            .flat_map(|e| e.attributes.iter())
            .any(|kv| kv.value.as_str() == "CancelledError"),
        "a panic is not a cancellation"
    );
}

#[test]
fn failing_debug_becomes_serialization_failed() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let result = catch_unwind(AssertUnwindSafe(|| takes_bad(BadDebug, FailingDebug, 7)));
    assert_eq!(result.ok(), Some(7), "capture never changes the call");
    let span = &recorder.spans()[0];
    let value = |k: &str| {
        span.attributes
            .iter()
            .find(|kv| kv.key.as_str() == k)
            .map(|kv| kv.value.clone())
    };
    assert_eq!(
        value("parameter.bad"),
        Some(Value::from("<serialization failed: BadDebug>"))
    );
    assert_eq!(
        value("parameter.failing"),
        Some(Value::from("<serialization failed: FailingDebug>"))
    );
    assert_eq!(value("parameter.after"), Some(Value::I64(7)));
    assert_eq!(span.status, Status::Ok);
}
