//! Shared by the `export_*` tests: settings built in code and a sample span.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use letta_telemetry::Settings;
use opentelemetry::trace::{SpanKind, TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue};

/// Settings for a test: files under `dir`, a short schedule delay.
pub fn settings(dir: &Path) -> Settings {
    let mut s = Settings::default();
    s.letta_dir = dir.to_path_buf();
    s.limits.schedule_delay = Duration::from_millis(100);
    s.limits.shutdown_timeout = Duration::from_secs(10);
    s.otlp.timeout = Duration::from_secs(5);
    s
}

/// Emits `sample.operation` with attributes, an event and a late
/// attribute (through the public helpers); returns its trace id.
pub fn emit_sample_span() -> String {
    let tracer = letta_telemetry::tracer().expect("tracing is on");
    let span = tracer
        .span_builder("sample.operation")
        .with_kind(SpanKind::Server)
        .with_attributes([
            KeyValue::new("user.id", "u-1"),
            KeyValue::new("n", 4),
            KeyValue::new("flag", true),
        ])
        .start(tracer);
    let cx = Context::current_with_span(span);
    let trace_id = {
        let _attached = cx.clone().attach();
        letta_telemetry::log_event("sample.event", [KeyValue::new("detail", "hello")], None);
        letta_telemetry::log_attributes([KeyValue::new("extra", "x")]);
        letta_telemetry::trace_id().expect("a span is current")
    };
    cx.span().end();
    trace_id
}

/// Checks what rotel printed for the sample span.
pub fn assert_sample_span(spans: &[test_peers::rotel::ReceivedSpan], trace_id: &str) {
    let span = spans
        .iter()
        .find(|s| s.name == "sample.operation")
        .unwrap_or_else(|| panic!("sample.operation not received; got {spans:#?}"));
    assert_eq!(span.trace_id, trace_id);
    assert_eq!(span.str_attribute("user.id"), Some("u-1"), "{}", span.text);
    assert_eq!(span.str_attribute("extra"), Some("x"), "{}", span.text);
    assert!(span.shows("-> n: Int(4)"), "{}", span.text);
    assert!(span.shows("-> flag: Bool(true)"), "{}", span.text);
    assert!(span.shows("SPAN_KIND_SERVER"), "{}", span.text);
    assert!(span.shows("-> Name: sample.event"), "{}", span.text);
    assert!(span.shows("-> detail: Str(hello)"), "{}", span.text);
}
