//! Per-value (2 MiB) and total (4 MiB) limits with multi-megabyte values,
//! and cuts on UTF-8 character boundaries.

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;
use letta_telemetry::trace_method::{MAX_PARAM_SIZE, MAX_TOTAL_SIZE};
use opentelemetry::Value;
use opentelemetry_sdk::trace::SpanData;

fn attr(span: &SpanData, key: &str) -> Option<Value> {
    letta_telemetry::testing::span_attribute(span, key).cloned()
}

fn text(span: &SpanData, key: &str) -> String {
    match attr(span, key) {
        Some(v) => v.as_str().into_owned(),
        None => panic!("no attribute {key} on {}", span.name),
    }
}

#[trace_method]
fn one(value: &str) -> usize {
    value.len()
}

#[trace_method]
fn one_debug(values: &Vec<u64>) -> usize {
    values.len()
}

#[trace_method]
fn three(a: &str, b: &str, c: i64) {
    let _ = (a, b, c);
}

#[test]
fn small_values_are_kept_whole() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let value = "x".repeat(MAX_PARAM_SIZE);
    one(&value);
    let span = &recorder.spans()[0];
    assert_eq!(
        text(span, "parameter.value"),
        value,
        "exactly the limit fits"
    );
    assert_eq!(attr(span, "parameters.truncated"), None);
}

#[test]
fn long_string_is_cut_at_two_mib_with_marker() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let value = "y".repeat(3 * 1024 * 1024);
    assert_eq!(one(&value), value.len());
    let recorded = text(&recorder.spans()[0], "parameter.value");
    let marker = format!("... (truncated, original size: {} chars)", value.len());
    assert!(
        recorded.ends_with(&marker),
        "{}",
        &recorded[MAX_PARAM_SIZE..]
    );
    assert_eq!(recorded.len(), MAX_PARAM_SIZE + marker.len());
    assert!(recorded[..MAX_PARAM_SIZE].bytes().all(|b| b == b'y'));
}

#[test]
fn long_debug_output_is_cut_and_reports_a_lower_bound() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let values: Vec<u64> = (0..1_000_000).map(|i| i * 1_000_003).collect();
    assert_eq!(one_debug(&values), 1_000_000);
    let recorded = text(&recorder.spans()[0], "parameter.values");
    assert!(recorded.starts_with("[0, 1000003, 2000006"));
    let (head, marker) = recorded.split_at(MAX_PARAM_SIZE);
    assert!(head.is_char_boundary(head.len()));
    let n: usize = marker
        .strip_prefix("... (truncated, original size: at least ")
        .and_then(|m| m.strip_suffix(" chars)"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bad marker {marker:?}"));
    // Formatting stopped at the limit: N is the bytes produced by then.
    assert!(n > MAX_PARAM_SIZE && n < MAX_PARAM_SIZE + 64, "{n}");
}

#[test]
fn multibyte_text_is_cut_on_a_char_boundary() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    // 'é' is 2 bytes, '€' 3: an odd prefix shifts every boundary.
    let value = format!("a{}", "€é".repeat(MAX_PARAM_SIZE / 4));
    assert!(value.len() > MAX_PARAM_SIZE);
    one(&value);
    let recorded = text(&recorder.spans()[0], "parameter.value");
    let cut = recorded.find("... (truncated").unwrap_or(0);
    assert!(cut <= MAX_PARAM_SIZE && cut > MAX_PARAM_SIZE - 4, "{cut}");
    assert!(value.starts_with(&recorded[..cut]));
    assert!(value.is_char_boundary(cut));
}

#[test]
fn past_the_total_the_remaining_parameters_are_dropped() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let big = "z".repeat(3 * 1024 * 1024);
    three(&big, &big, 5);
    let span = &recorder.spans()[0];
    // a: 2 MiB + marker; b would bring the total past 4 MiB: b and c dropped.
    assert!(text(span, "parameter.a").starts_with("zzz"));
    assert_eq!(attr(span, "parameter.b"), None);
    assert_eq!(attr(span, "parameter.c"), None);
    assert_eq!(attr(span, "parameters.truncated"), Some(Value::Bool(true)));
    assert_eq!(
        text(span, "parameters.truncated_reason"),
        format!("Total size exceeded {MAX_TOTAL_SIZE} bytes")
    );
    assert_eq!(MAX_TOTAL_SIZE, 4_194_304);
}

#[test]
fn values_under_the_total_are_all_kept() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let half = "h".repeat(MAX_PARAM_SIZE - 100);
    three(&half, &half, 5);
    let span = &recorder.spans()[0];
    assert_eq!(text(span, "parameter.a").len(), half.len());
    assert_eq!(text(span, "parameter.b").len(), half.len());
    assert_eq!(attr(span, "parameter.c"), Some(Value::I64(5)));
    assert_eq!(attr(span, "parameters.truncated"), None);
}

#[trace_method]
fn big_then_request_data(a: &str, b: &str, request_data: &str) {
    let _ = (a, b, request_data);
}

#[test]
fn request_data_is_recorded_even_past_the_total() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let big = "z".repeat(3 * 1024 * 1024);
    big_then_request_data(&big, &big, r#"{"agent":"a-1"}"#);
    let span = &recorder.spans()[0];
    assert_eq!(attr(span, "parameter.b"), None, "b crosses the total");
    assert_eq!(attr(span, "parameters.truncated"), Some(Value::Bool(true)));
    assert_eq!(text(span, "parameter.request_data"), r#"{"agent":"a-1"}"#);
}

#[test]
fn a_huge_request_data_past_the_total_is_cut_at_two_mib_not_dropped() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let big = "z".repeat(3 * 1024 * 1024);
    big_then_request_data(&big, &big, &big);
    let recorded = text(&recorder.spans()[0], "parameter.request_data");
    assert!(recorded.ends_with(&format!(
        "... (truncated, original size: {} chars)",
        big.len()
    )));
    assert_eq!(recorded.find("... (truncated"), Some(MAX_PARAM_SIZE));
}
