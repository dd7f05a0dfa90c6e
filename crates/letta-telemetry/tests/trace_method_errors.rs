//! Outcomes: OK for plain returns and `Ok`, ERROR with an exception event for
//! `Err`.

use std::fmt;

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;
use opentelemetry::Value;
use opentelemetry::trace::Status;
use opentelemetry_sdk::trace::SpanData;

#[derive(Debug)]
struct StepError {
    step: u32,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {} failed", self.step)
    }
}

impl std::error::Error for StepError {}

#[derive(Debug)]
enum DebugOnly {
    Broken,
}

#[trace_method]
fn fallible(fail: bool) -> Result<u32, StepError> {
    if fail {
        return Err(StepError { step: 3 });
    }
    Ok(1)
}

#[trace_method]
fn with_question_mark(input: &str) -> Result<i64, std::num::ParseIntError> {
    let n: i64 = input.parse()?;
    Ok(n * 2)
}

#[trace_method]
fn debug_only() -> Result<(), DebugOnly> {
    Err(DebugOnly::Broken)
}

#[trace_method]
async fn async_fallible(input: &str) -> Result<i64, Box<dyn std::error::Error + Send + Sync>> {
    tokio::task::yield_now().await;
    Ok(input.parse::<i64>()?)
}

#[trace_method]
fn plain() -> u8 {
    1
}

fn exception(span: &SpanData) -> Vec<(String, Value)> {
    let events: Vec<_> = span
        .events
        .iter()
        .filter(|e| e.name == "exception")
        .collect();
    assert_eq!(events.len(), 1, "one exception event on {}", span.name);
    events[0]
        .attributes
        .iter()
        .map(|kv| (kv.key.to_string(), kv.value.clone()))
        .collect()
}

#[test]
fn ok_and_plain_returns_set_status_ok() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(fallible(false).ok(), Some(1));
    assert_eq!(plain(), 1);
    for span in recorder.spans() {
        assert_eq!(span.status, Status::Ok, "{}", span.name);
        assert!(span.events.is_empty());
    }
}

#[test]
fn err_sets_error_and_records_the_exception() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert!(fallible(true).is_err());
    let span = &recorder.spans()[0];
    assert_eq!(span.status, Status::error("StepError: step 3 failed"));
    assert_eq!(
        exception(span),
        [
            ("exception.type".to_string(), Value::from("StepError")),
            (
                "exception.message".to_string(),
                Value::from("step 3 failed")
            ),
        ]
    );
}

#[test]
fn question_mark_works_and_is_recorded() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(with_question_mark("21").ok(), Some(42));
    assert!(with_question_mark("x").is_err());
    let spans = recorder.spans();
    assert_eq!(spans[0].status, Status::Ok);
    assert_eq!(
        exception(&spans[1])[0],
        ("exception.type".to_string(), Value::from("ParseIntError"))
    );
}

#[test]
fn error_without_display_uses_debug() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert!(debug_only().is_err());
    let span = &recorder.spans()[0];
    assert_eq!(span.status, Status::error("DebugOnly: Broken"));
    assert_eq!(
        exception(span)[0],
        ("exception.type".to_string(), Value::from("DebugOnly"))
    );
}

#[tokio::test]
async fn async_err_is_recorded() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(async_fallible("4").await.ok(), Some(4));
    assert!(async_fallible("four").await.is_err());
    let spans = recorder.spans();
    assert_eq!(spans[0].status, Status::Ok);
    assert_eq!(
        exception(&spans[1]),
        [
            (
                "exception.type".to_string(),
                Value::from("Box<dyn Error + Send + Sync>")
            ),
            (
                "exception.message".to_string(),
                Value::from("invalid digit found in string")
            ),
        ]
    );
}
