//! The embedded default: with no endpoint, spans are written to
//! `<LETTA_DIR>/logs/traces.json` as OTLP-JSON lines that parse back as
//! `ExportTraceServiceRequest`s (the collector file exporter's format).

mod export_support;

use export_support::{emit_sample_span, settings};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn spans_are_written_as_otlp_json_lines() -> TestResult {
    test_peers::own_process!(Ok(()));
    let dir = tempfile::tempdir()?;
    let s = settings(dir.path());
    let guard = letta_telemetry::init(s)?;
    let trace_id = emit_sample_span();
    emit_sample_span();
    guard.shutdown();

    let text = std::fs::read_to_string(dir.path().join("logs").join("traces.json"))?;
    let mut spans = Vec::new();
    let mut resources = Vec::new();
    for line in text.lines() {
        let request: ExportTraceServiceRequest = serde_json::from_str(line)?;
        for rs in request.resource_spans {
            resources.push(rs.resource.clone().unwrap_or_default());
            for ss in rs.scope_spans {
                assert_eq!(ss.scope.as_ref().map(|s| s.name.as_str()), Some("letta"));
                spans.extend(ss.spans);
            }
        }
    }
    assert_eq!(spans.len(), 2, "{text}");
    let service = resources[0]
        .attributes
        .iter()
        .find(|kv| kv.key == "service.name")
        .and_then(|kv| kv.value.as_ref()?.value.clone());
    assert_eq!(service, Some(AnyValue::StringValue("letta-server".into())));

    let span = &spans[0];
    assert_eq!(span.name, "sample.operation");
    let hex: String = span.trace_id.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, trace_id);
    let attr = |k: &str| {
        span.attributes
            .iter()
            .find(|kv| kv.key == k)
            .and_then(|kv| kv.value.as_ref()?.value.clone())
    };
    assert_eq!(attr("user.id"), Some(AnyValue::StringValue("u-1".into())));
    assert_eq!(attr("n"), Some(AnyValue::IntValue(4)));
    assert_eq!(attr("extra"), Some(AnyValue::StringValue("x".into())));
    assert_eq!(span.events.len(), 1);
    assert_eq!(span.events[0].name, "sample.event");

    // The raw JSON uses the OTLP/JSON conventions (hex ids, camelCase).
    assert!(
        text.contains(&format!("\"traceId\":\"{trace_id}\"")),
        "{text}"
    );
    assert!(text.contains("\"resourceSpans\""));
    let stats = letta_telemetry::traces::stats().snapshot();
    assert_eq!(stats.spans_exported, 2, "{stats:?}");
    Ok(())
}

#[test]
fn the_trace_file_is_rotated_with_bounded_backups() -> TestResult {
    test_peers::own_process!(Ok(()));
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.limits.file_max_bytes = 4096;
    s.limits.file_backups = 2;
    s.limits.max_batch_spans = 1;
    let guard = letta_telemetry::init(s)?;
    for _ in 0..40 {
        emit_sample_span();
    }
    guard.shutdown();
    let logs = dir.path().join("logs");
    let mut names: Vec<String> = std::fs::read_dir(&logs)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("traces.json"))
        .collect();
    names.sort();
    assert_eq!(names, ["traces.json", "traces.json.1", "traces.json.2"]);
    for name in &names {
        let text = std::fs::read_to_string(logs.join(name))?;
        assert!(text.len() <= 4096, "{name} has {} bytes", text.len());
        for line in text.lines() {
            serde_json::from_str::<ExportTraceServiceRequest>(line)?;
        }
    }
    Ok(())
}
