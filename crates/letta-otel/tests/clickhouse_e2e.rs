//! End to end on real parts: spans made by our SDK (`letta_telemetry::init`
//! with an OTLP endpoint) go through a real rotel collector and its ClickHouse
//! exporter (RowBinary inserts over HTTP) into the real ClickHouse engine
//! (chdb behind the `test-peers` adapter), with the tables of
//! `otel/clickhouse/schema.sql`; then `letta-otel traces show --source
//! clickhouse` prints the trace.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use letta_telemetry::Settings;
use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue};
use test_peers::ClickHouse;
use test_peers::clickhouse::Lz4;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SPANS: usize = 5;

/// One agent request: server span > agent_step > (LLM call, tool execution
/// that fails), plus a time_to_first_token span. Returns the trace id.
fn emit_agent_request() -> Result<String, Box<dyn std::error::Error>> {
    let tracer = letta_telemetry::tracer().ok_or("tracing is off")?;
    let root = tracer
        .span_builder("POST /v1/agents/{agent_id}/messages")
        .with_kind(SpanKind::Server)
        .with_attributes([
            KeyValue::new("http.route", "/v1/agents/{agent_id}/messages"),
            KeyValue::new("http.method", "POST"),
            KeyValue::new("http.status_code", 200),
            KeyValue::new("agent.id", "agent-e2e"),
            KeyValue::new("organization.id", "org-e2e"),
        ])
        .start(tracer);
    let root_cx = Context::current_with_span(root);
    let trace_id = root_cx.span().span_context().trace_id().to_string();

    let step = tracer.start_with_context("agent_step", &root_cx);
    let step_cx = root_cx.with_span(step);
    let mut llm = tracer
        .span_builder("chat gpt-4o-mini")
        .with_kind(SpanKind::Client)
        .with_attributes([
            KeyValue::new("gen_ai.request.model", "gpt-4o-mini"),
            KeyValue::new("gen_ai.usage.input_tokens", 120),
            KeyValue::new("gen_ai.usage.output_tokens", 30),
        ])
        .start_with_context(tracer, &step_cx);
    llm.add_event("gen_ai.content.chunk", vec![KeyValue::new("index", 0)]);
    llm.end();
    tracer
        .start_with_context("time_to_first_token", &step_cx)
        .end();
    let mut tool = tracer.start_with_context("ToolExecutor._execute_tool", &step_cx);
    tool.add_event(
        "exception",
        vec![
            KeyValue::new("exception.type", "TimeoutError"),
            KeyValue::new("exception.message", "tool took too long"),
        ],
    );
    tool.set_status(Status::error("tool took too long"));
    tool.end();
    step_cx.span().end();
    root_cx.span().end();
    Ok(trace_id)
}

fn settings(dir: &Path, endpoint: String) -> Settings {
    let mut s = Settings::default();
    s.letta_dir = dir.to_path_buf();
    s.limits.schedule_delay = Duration::from_millis(100);
    s.limits.shutdown_timeout = Duration::from_secs(10);
    s.otlp.timeout = Duration::from_secs(5);
    s.otlp.traces_endpoint = Some(endpoint);
    s
}

fn wait_for_rows(
    ch: &ClickHouse,
    trace_id: &str,
    n: usize,
) -> Result<usize, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let count: usize = ch
            .query_in(
                Some("otel"),
                &format!("SELECT count() FROM otel_traces WHERE TraceId = '{trace_id}'"),
            )?
            .trim()
            .parse()?;
        if count >= n || Instant::now() >= deadline {
            return Ok(count);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn schema() -> Result<String, std::io::Error> {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel/clickhouse/schema.sql"),
    )
}

/// rotel's default: inserts as LZ4-compressed ClickHouse blocks.
#[test]
fn lz4_compressed_inserts_of_rotel_reach_clickhouse() -> TestResult {
    test_peers::own_process!(Ok(()));
    let ch = ClickHouse::start()?;
    ch.apply_schema("otel", &schema()?)?;
    let rotel = ch.start_rotel_with("otel", Lz4::On)?;
    let dir = tempfile::tempdir()?;
    let guard = letta_telemetry::init(settings(dir.path(), rotel.grpc_endpoint()))?;
    let trace_id = emit_agent_request()?;
    guard.shutdown();
    let rows = wait_for_rows(&ch, &trace_id, SPANS)?;
    assert_eq!(
        rows,
        SPANS,
        "rotel said:\n{}\nadapter said:\n{}",
        rotel.output(),
        ch.output()
    );
    Ok(())
}

#[test]
fn sdk_spans_reach_clickhouse_through_rotel_and_letta_otel_shows_them() -> TestResult {
    test_peers::own_process!(Ok(()));
    let ch = ClickHouse::start()?;
    ch.apply_schema("otel", &schema()?)?;
    let rotel = ch.start_rotel("otel")?;

    let dir = tempfile::tempdir()?;
    let guard = letta_telemetry::init(settings(dir.path(), rotel.grpc_endpoint()))?;
    let trace_id = emit_agent_request()?;
    guard.shutdown();

    let rows = wait_for_rows(&ch, &trace_id, SPANS)?;
    assert_eq!(
        rows,
        SPANS,
        "rows in otel_traces for {trace_id}; rotel said:\n{}\nadapter said:\n{}",
        rotel.output(),
        ch.output()
    );

    // What rotel wrote, through the schema's materialised columns.
    let row = ch.query_in(
        Some("otel"),
        &format!(
            "SELECT SpanKind, AgentId, OrganizationId, HttpRoute, StatusCode FROM otel_traces \
             WHERE TraceId = '{trace_id}' AND ParentSpanId = '' FORMAT TSV"
        ),
    )?;
    assert_eq!(
        row.trim(),
        "Server\tagent-e2e\torg-e2e\t/v1/agents/{agent_id}/messages\tUnset"
    );
    let model = ch.query_in(
        Some("otel"),
        &format!("SELECT GenAiRequestModel, SpanAttributes['gen_ai.usage.input_tokens'] FROM otel_traces WHERE TraceId = '{trace_id}' AND GenAiRequestModel != '' FORMAT TSV"),
    )?;
    assert_eq!(model.trim(), "gpt-4o-mini\t120");

    let endpoint = ch.endpoint();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_letta-otel"))
            .args(args)
            .env("CLICKHOUSE_ENDPOINT", &endpoint)
            .env("CLICKHOUSE_USERNAME", ch.user())
            .env("CLICKHOUSE_PASSWORD", ch.password())
            .env("CLICKHOUSE_DATABASE", "otel")
            .output()
    };
    let out = run(&["traces", "show", "--source", "clickhouse", &trace_id])?;
    let shown = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{shown}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(shown.contains(&trace_id), "{shown}");
    assert!(shown.contains(&format!("{SPANS} spans")), "{shown}");
    for line in [
        "POST /v1/agents/{agent_id}/messages",
        "  agent_step",
        "    chat gpt-4o-mini",
        "    time_to_first_token",
        "    ToolExecutor._execute_tool",
    ] {
        assert!(
            shown.lines().any(|l| l.starts_with(line)),
            "{line:?} not in:\n{shown}"
        );
    }
    assert!(shown.contains("agent.id=agent-e2e"), "{shown}");
    assert!(
        shown.contains("gen_ai.request.model=gpt-4o-mini"),
        "{shown}"
    );
    assert!(
        shown.contains("exception TimeoutError: tool took too long"),
        "{shown}"
    );

    let out = run(&[
        "traces",
        "show",
        "--source",
        "clickhouse",
        "--ui",
        &trace_id,
    ])?;
    let ui = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        ui.contains("agent_step") && !ui.contains("chat gpt-4o-mini"),
        "{ui}"
    );
    Ok(())
}
