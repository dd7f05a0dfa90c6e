//! `otel/clickhouse/`: the schema and every shipped dashboard query run on the
//! real ClickHouse engine (chdb behind the HTTP adapter of `test-peers`), on
//! rows shaped as the collector's exporter writes them; and the trace reader
//! (`letta-otel traces --source clickhouse`) answers clearly when ClickHouse
//! refuses it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use test_peers::ClickHouse;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn clickhouse_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel/clickhouse")
}

fn query_file(name: &str) -> Result<String, std::io::Error> {
    std::fs::read_to_string(clickhouse_dir().join("queries").join(name))
}

fn started() -> Result<ClickHouse, Box<dyn std::error::Error>> {
    let ch = ClickHouse::start()?;
    let schema = std::fs::read_to_string(clickhouse_dir().join("schema.sql"))?;
    ch.apply_schema("otel", &schema)?;
    Ok(ch)
}

/// Runs a shipped query with parameters; JSONEachRow lines.
fn run_query(
    ch: &ClickHouse,
    file: &str,
    params: &[(&str, &str)],
) -> Result<Vec<serde_json::Value>, Box<dyn std::error::Error>> {
    let sql = format!("{}\nFORMAT JSONEachRow", query_file(file)?.trim_end());
    let mut all: Vec<(String, String)> = vec![("database".into(), "otel".into())];
    all.extend(
        params
            .iter()
            .map(|(k, v)| (format!("param_{k}"), (*v).to_owned())),
    );
    let borrowed: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let answer = ch.request(&borrowed, &sql)?;
    assert_eq!(answer.status, 200, "{file}: {}", answer.body);
    Ok(answer
        .body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?)
}

const TRACE_A: &str = "0af7651916cd43dd8448eb211c80319c";
const TRACE_B: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

/// Two traces as the exporter writes them (explicit column list, as both the
/// contrib exporter and rotel insert): A is slow and fails, B is fast.
fn insert_sample(ch: &ClickHouse) -> Result<(), Box<dyn std::error::Error>> {
    let sql = format!(
        "INSERT INTO otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, SpanName, SpanKind, \
         ServiceName, SpanAttributes, Duration, StatusCode, StatusMessage, `Events.Timestamp`, \
         `Events.Name`, `Events.Attributes`) VALUES \
         (now64(9) - 60, '{TRACE_A}', 'a000000000000001', '', 'POST /v1/agents/{{agent_id}}/messages', 'Server', 'letta-server', \
          map('agent.id', 'agent-1', 'organization.id', 'org-1', 'http.route', '/v1/agents/{{agent_id}}/messages', 'http.status_code', '500'), \
          900000000, 'Error', 'boom', [now64(9) - 60], ['exception'], [map('exception.type', 'ValueError')]), \
         (now64(9) - 59, '{TRACE_A}', 'a000000000000002', 'a000000000000001', 'agent_step', 'Internal', 'letta-server', \
          map(), 800000000, 'Unset', '', [], [], []), \
         (now64(9) - 59, '{TRACE_A}', 'a000000000000003', 'a000000000000002', 'chat gpt-4o', 'Client', 'letta-server', \
          map('gen_ai.request.model', 'gpt-4o', 'gen_ai.usage.input_tokens', '100', 'gen_ai.usage.output_tokens', '20', 'gen_ai.usage.cost', '0.25'), \
          500000000, 'Ok', '', [], [], []), \
         (now64(9) - 58, '{TRACE_A}', 'a000000000000004', 'a000000000000002', 'ToolExecutor._execute_tool', 'Internal', 'letta-server', \
          map(), 100000000, 'Unset', '', [], [], []), \
         (now64(9) - 30, '{TRACE_B}', 'b000000000000001', '', 'POST /v1/agents/{{agent_id}}/messages', 'Server', 'letta-server', \
          map('agent.id', 'agent-2', 'http.route', '/v1/agents/{{agent_id}}/messages', 'http.status_code', '200'), \
          100000000, 'Ok', '', [], [], []), \
         (now64(9) - 30, '{TRACE_B}', 'b000000000000002', 'b000000000000001', 'chat claude', 'Client', 'letta-server', \
          map('gen_ai.request.model', 'claude', 'gen_ai.usage.input_tokens', '7', 'gen_ai.usage.output_tokens', '3', 'gen_ai.usage.cost_usd', '0.01'), \
          50000000, 'Ok', '', [], [], [])"
    );
    ch.query_in(Some("otel"), &sql)?;
    Ok(())
}

#[test]
fn the_schema_creates_every_exporter_table_with_a_ttl() -> TestResult {
    let ch = started()?;
    let tables = ch.query("SELECT name, engine_full FROM system.tables WHERE database = 'otel' ORDER BY name FORMAT TSV")?;
    let mut names = BTreeSet::new();
    for line in tables.lines() {
        let (name, engine) = line.split_once('\t').ok_or("row")?;
        names.insert(name.to_owned());
        if !name.ends_with("_mv") {
            assert!(engine.contains("TTL"), "{name} has no TTL: {engine}");
        }
    }
    for wanted in [
        "otel_traces",
        "otel_traces_trace_id_ts",
        "otel_traces_trace_id_ts_mv",
        "otel_logs",
        "otel_metrics_sum",
        "otel_metrics_gauge",
        "otel_metrics_histogram",
        "otel_metrics_exp_histogram",
        "otel_metrics_summary",
    ] {
        assert!(names.contains(wanted), "{wanted} missing: {names:?}");
    }
    Ok(())
}

/// The columns the exporters insert (rotel's lists; the contrib exporter's
/// are the same names plus `EventName` for logs) exist in the schema.
#[test]
fn the_schema_has_every_column_the_exporters_insert() -> TestResult {
    let ch = started()?;
    let meta = "ResourceAttributes,ResourceSchemaUrl,ScopeName,ScopeVersion,ScopeAttributes,ScopeDroppedAttrCount,ScopeSchemaUrl,ServiceName,MetricName,MetricDescription,MetricUnit,Attributes,StartTimeUnix,TimeUnix";
    let exemplars = "Exemplars.FilteredAttributes,Exemplars.TimeUnix,Exemplars.Value,Exemplars.SpanId,Exemplars.TraceId";
    let cases = [
        ("otel_traces", "Timestamp,TraceId,SpanId,ParentSpanId,TraceState,SpanName,SpanKind,ServiceName,ResourceAttributes,ScopeName,ScopeVersion,SpanAttributes,Duration,StatusCode,StatusMessage,Events.Timestamp,Events.Name,Events.Attributes,Links.TraceId,Links.SpanId,Links.TraceState,Links.Attributes".to_owned()),
        ("otel_logs", "Timestamp,TraceId,SpanId,TraceFlags,SeverityText,SeverityNumber,ServiceName,Body,ResourceSchemaUrl,ResourceAttributes,ScopeSchemaUrl,ScopeName,ScopeVersion,ScopeAttributes,LogAttributes,EventName".to_owned()),
        ("otel_metrics_sum", format!("{meta},Value,Flags,AggregationTemporality,IsMonotonic,{exemplars}")),
        ("otel_metrics_gauge", format!("{meta},Value,Flags,{exemplars}")),
        ("otel_metrics_histogram", format!("{meta},Count,Sum,BucketCounts,ExplicitBounds,Flags,Min,Max,AggregationTemporality,{exemplars}")),
        ("otel_metrics_exp_histogram", format!("{meta},Count,Sum,Scale,ZeroCount,PositiveOffset,PositiveBucketCounts,NegativeOffset,NegativeBucketCounts,Flags,Min,Max,AggregationTemporality,{exemplars}")),
        ("otel_metrics_summary", format!("{meta},Count,Sum,ValueAtQuantiles.Quantile,ValueAtQuantiles.Value,Flags")),
    ];
    for (table, columns) in cases {
        let described = ch.query_in(Some("otel"), &format!("DESCRIBE TABLE {table} FORMAT TSV"))?;
        let have: BTreeSet<&str> = described
            .lines()
            .filter_map(|l| l.split('\t').next())
            .collect();
        for column in columns.split(',') {
            assert!(
                have.contains(column),
                "{table}.{column} missing; have {have:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn materialised_columns_hold_the_filter_attributes() -> TestResult {
    let ch = started()?;
    insert_sample(&ch)?;
    let rows = ch.query_in(
        Some("otel"),
        "SELECT SpanId, AgentId, OrganizationId, HttpRoute, GenAiRequestModel FROM otel_traces ORDER BY SpanId FORMAT TSV",
    )?;
    assert!(
        rows.contains("a000000000000001\tagent-1\torg-1\t/v1/agents/{agent_id}/messages\t\n"),
        "{rows}"
    );
    assert!(rows.contains("a000000000000003\t\t\t\tgpt-4o\n"), "{rows}");
    // The trace-id lookup table is filled by its materialised view.
    let ts = ch.query_in(
        Some("otel"),
        &format!("SELECT count() FROM otel_traces_trace_id_ts WHERE TraceId = '{TRACE_A}'"),
    )?;
    assert_eq!(ts.trim(), "1");
    Ok(())
}

#[test]
fn every_dashboard_query_runs_and_answers_right() -> TestResult {
    let ch = started()?;
    insert_sample(&ch)?;
    let hours = [("hours", "24")];
    let mut tested = BTreeSet::new();

    tested.insert("latency_by_route.sql");
    let rows = run_query(&ch, "latency_by_route.sql", &hours)?;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["route"], "POST /v1/agents/{agent_id}/messages");
    assert_eq!(rows[0]["requests"].to_string().trim_matches('"'), "2");
    assert_eq!(rows[0]["max_ms"], 900.0);

    tested.insert("error_rate.sql");
    let rows = run_query(&ch, "error_rate.sql", &hours)?;
    assert_eq!(rows[0]["errors"].to_string().trim_matches('"'), "1");
    assert_eq!(rows[0]["server_errors"].to_string().trim_matches('"'), "1");
    assert_eq!(rows[0]["error_rate"], 0.5);

    tested.insert("tokens_cost_by_model.sql");
    let rows = run_query(&ch, "tokens_cost_by_model.sql", &hours)?;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["model"], "gpt-4o");
    assert_eq!(rows[0]["input_tokens"].to_string().trim_matches('"'), "100");
    assert_eq!(rows[0]["cost_usd"], 0.25);
    assert_eq!(rows[1]["model"], "claude");
    assert_eq!(
        rows[1]["cost_usd"], 0.01,
        "gen_ai.usage.cost_usd is read too"
    );

    tested.insert("tokens_cost_by_agent.sql");
    let rows = run_query(&ch, "tokens_cost_by_agent.sql", &hours)?;
    // The LLM spans carry no agent.id: each is charged to its trace's agent.
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["agent_id"], "agent-1");
    assert_eq!(rows[0]["output_tokens"].to_string().trim_matches('"'), "20");
    assert_eq!(rows[1]["agent_id"], "agent-2");

    tested.insert("slowest_traces.sql");
    let rows = run_query(
        &ch,
        "slowest_traces.sql",
        &[("hours", "24"), ("limit", "10")],
    )?;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["trace_id"], TRACE_A);
    assert_eq!(rows[0]["root"], "POST /v1/agents/{agent_id}/messages");
    assert_eq!(rows[0]["spans"].to_string().trim_matches('"'), "4");
    assert_eq!(rows[0]["agent_id"], "agent-1");
    assert_eq!(rows[1]["trace_id"], TRACE_B);

    tested.insert("trace_by_id.sql");
    let upper = TRACE_A.to_ascii_uppercase();
    let all = run_query(
        &ch,
        "trace_by_id.sql",
        &[("trace_id", &upper), ("ui_only", "0"), ("limit", "1000")],
    )?;
    let names: Vec<&str> = all.iter().filter_map(|r| r["SpanName"].as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(
        names[0], "POST /v1/agents/{agent_id}/messages",
        "ordered by Timestamp"
    );
    let ui = run_query(
        &ch,
        "trace_by_id.sql",
        &[("trace_id", TRACE_A), ("ui_only", "1"), ("limit", "1000")],
    )?;
    let ui_names: BTreeSet<&str> = ui.iter().filter_map(|r| r["SpanName"].as_str()).collect();
    assert_eq!(
        ui_names,
        BTreeSet::from([
            "POST /v1/agents/{agent_id}/messages",
            "agent_step",
            "ToolExecutor._execute_tool"
        ]),
        "the reference's UI filter drops the LLM span"
    );
    let limited = run_query(
        &ch,
        "trace_by_id.sql",
        &[("trace_id", TRACE_A), ("ui_only", "0"), ("limit", "2")],
    )?;
    assert_eq!(limited.len(), 2);

    // Every shipped query is exercised here.
    let shipped: BTreeSet<String> = std::fs::read_dir(clickhouse_dir().join("queries"))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    let tested: BTreeSet<String> = tested.into_iter().map(str::to_owned).collect();
    assert_eq!(shipped, tested, "a shipped query has no test");
    Ok(())
}

// ---- the reader against the real engine --------------------------------------

fn letta_otel(args: &[&str], vars: &[(&str, &str)]) -> Result<Output, std::io::Error> {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_letta-otel"));
    cmd.args(args);
    for name in [
        "CLICKHOUSE_ENDPOINT",
        "CLICKHOUSE_PASSWORD",
        "CLICKHOUSE_USERNAME",
        "CLICKHOUSE_DATABASE",
    ] {
        cmd.env_remove(name);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_reader_shows_a_trace_and_answers_clearly_when_refused() -> TestResult {
    let ch = started()?;
    insert_sample(&ch)?;
    let endpoint = ch.endpoint();
    let good = [
        ("CLICKHOUSE_ENDPOINT", endpoint.as_str()),
        ("CLICKHOUSE_PASSWORD", ch.password()),
    ];

    let out = letta_otel(
        &["traces", "--source", "clickhouse", "show", TRACE_A],
        &good,
    )?;
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    for name in [
        "POST /v1/agents/{agent_id}/messages",
        "  agent_step",
        "    chat gpt-4o",
        "    ToolExecutor._execute_tool",
    ] {
        assert!(shown.contains(name), "{name:?} not in:\n{shown}");
    }
    assert!(shown.contains("gen_ai.request.model=gpt-4o"), "{shown}");
    assert!(shown.contains("exception ValueError"), "{shown}");

    let out = letta_otel(
        &["traces", "--source", "clickhouse", "--ui", "show", TRACE_A],
        &good,
    )?;
    assert!(!text(&out).contains("chat gpt-4o"), "{}", text(&out));

    let out = letta_otel(&["traces", "--source", "clickhouse", "list"], &good)?;
    assert!(out.status.success(), "{}", text(&out));
    let listed = text(&out);
    assert!(
        listed.contains(TRACE_A) && listed.contains(TRACE_B),
        "{listed}"
    );

    let out = letta_otel(&["traces", "--source", "clickhouse", "stats"], &good)?;
    assert!(
        text(&out).contains("POST /v1/agents/{agent_id}/messages"),
        "{}",
        text(&out)
    );

    let wrong = [
        ("CLICKHOUSE_ENDPOINT", endpoint.as_str()),
        ("CLICKHOUSE_PASSWORD", "wrong"),
    ];
    let out = letta_otel(
        &["traces", "--source", "clickhouse", "show", TRACE_A],
        &wrong,
    )?;
    assert!(!out.status.success());
    assert!(text(&out).contains("CLICKHOUSE_PASSWORD"), "{}", text(&out));
    assert!(
        !text(&out).contains("wrong"),
        "the password is never printed: {}",
        text(&out)
    );

    let other_db = [
        ("CLICKHOUSE_ENDPOINT", endpoint.as_str()),
        ("CLICKHOUSE_PASSWORD", ch.password()),
        ("CLICKHOUSE_DATABASE", "nothere"),
    ];
    let out = letta_otel(&["traces", "--source", "clickhouse", "list"], &other_db)?;
    assert!(!out.status.success());
    assert!(text(&out).contains("CLICKHOUSE_DATABASE"), "{}", text(&out));

    ch.query("CREATE DATABASE IF NOT EXISTS empty")?;
    let no_table = [
        ("CLICKHOUSE_ENDPOINT", endpoint.as_str()),
        ("CLICKHOUSE_PASSWORD", ch.password()),
        ("CLICKHOUSE_DATABASE", "empty"),
    ];
    let out = letta_otel(&["traces", "--source", "clickhouse", "list"], &no_table)?;
    assert!(!out.status.success());
    assert!(text(&out).contains("schema.sql"), "{}", text(&out));

    let port = test_peers::util::free_port()?;
    let nobody = format!("http://127.0.0.1:{port}");
    let out = letta_otel(
        &["traces", "--source", "clickhouse", "list"],
        &[
            ("CLICKHOUSE_ENDPOINT", &nobody),
            ("CLICKHOUSE_PASSWORD", "x"),
        ],
    )?;
    assert!(!out.status.success());
    assert!(text(&out).contains("CLICKHOUSE_ENDPOINT"), "{}", text(&out));

    let out = letta_otel(
        &["traces", "--source", "clickhouse", "list"],
        &[("CLICKHOUSE_ENDPOINT", endpoint.as_str())],
    )?;
    assert!(!out.status.success());
    assert!(text(&out).contains("CLICKHOUSE_PASSWORD"), "{}", text(&out));
    Ok(())
}
