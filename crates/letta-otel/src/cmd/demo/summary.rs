//! The demo's summary, read back from the telemetry files it wrote.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context as _;
use letta_telemetry::Settings;
use letta_telemetry::traces::ExportStatsSnapshot;

use crate::metrics_file::{self, attr};
use crate::traces::{self, SpanKind, StatusCode, group_traces, render_stats, route_stats};

/// The rendered summary and whether telemetry was found.
pub struct Report {
    /// Text to print.
    pub text: String,
    /// Spans of this run were found in `traces.json` and metric points in
    /// `metrics.json`.
    pub telemetry_written: bool,
}

#[derive(Default)]
struct LlmRow {
    calls: u64,
    errors: u64,
    input_tokens: i64,
    output_tokens: i64,
    cost_usd: f64,
}

#[derive(Default)]
struct ToolRow {
    calls: u64,
    failures: u64,
}

/// Reads `<logs_dir>/traces.json` and `metrics.json` (points at or after
/// `since_ns`) and renders the summary.
pub fn from_files(
    logs_dir: &Path,
    since_ns: u64,
    export: &ExportStatsSnapshot,
) -> anyhow::Result<Report> {
    let traces_path = logs_dir.join(letta_telemetry::traces::TRACES_FILE);
    let metrics_path = logs_dir.join("metrics.json");
    let file = traces::read_file(&traces_path)?;
    let spans: Vec<_> = file
        .spans
        .into_iter()
        .filter(|s| s.start_ns >= since_ns)
        .collect();
    let metrics = metrics_file::read_metrics(&metrics_path, since_ns)
        .with_context(|| format!("reading {}", metrics_path.display()))?;
    let mut out = String::new();

    let _ = writeln!(out, "Requests per route (SERVER spans in traces.json):");
    out.push_str(&indent(&render_stats(&route_stats(&spans))));

    let mut llm: BTreeMap<String, LlmRow> = BTreeMap::new();
    let mut tools: BTreeMap<String, ToolRow> = BTreeMap::new();
    for span in &spans {
        if span.kind == SpanKind::Client
            && let Some(model) = span.attr("gen_ai.request.model")
        {
            let row = llm.entry(model).or_default();
            row.calls += 1;
            if span.status.code == StatusCode::Error {
                row.errors += 1;
            }
            let get = |k: &str| span.attributes.get(k);
            row.input_tokens += get("gen_ai.usage.input_tokens")
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            row.output_tokens += get("gen_ai.usage.output_tokens")
                .and_then(|v| v.as_i64())
                .unwrap_or(0);
            row.cost_usd += get("letta.cost_usd")
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
        }
        if let Some(tool) = span.name.strip_prefix("execute_tool ") {
            let row = tools.entry(tool.to_owned()).or_default();
            row.calls += 1;
            if span.status.code == StatusCode::Error {
                row.failures += 1;
            }
        }
    }
    let _ = writeln!(out, "\nLLM calls per model (GenAI spans):");
    let _ = writeln!(
        out,
        "  {:<20} {:>6} {:>6} {:>12} {:>12} {:>10}",
        "MODEL", "CALLS", "ERRORS", "INPUT TOK", "OUTPUT TOK", "COST USD"
    );
    for (model, row) in &llm {
        let _ = writeln!(
            out,
            "  {model:<20} {:>6} {:>6} {:>12} {:>12} {:>10.6}",
            row.calls, row.errors, row.input_tokens, row.output_tokens, row.cost_usd
        );
    }
    let ttft = metrics
        .series("hist_ttft_ms")
        .fold(metrics_file::SeriesValue::default(), |acc, (_, v)| {
            merge(acc, v)
        });
    if let (Some(p50), Some(p95)) = (ttft.quantile(0.5), ttft.quantile(0.95)) {
        let _ = writeln!(
            out,
            "  time to first token (hist_ttft_ms, bucket bounds): p50 <= {p50} ms, p95 <= {p95} ms over {} streams",
            ttft.count
        );
    }

    let _ = writeln!(out, "\nTool calls (execute_tool spans):");
    let _ = writeln!(out, "  {:<20} {:>6} {:>8}", "TOOL", "CALLS", "FAILURES");
    for (tool, row) in &tools {
        let _ = writeln!(out, "  {tool:<20} {:>6} {:>8}", row.calls, row.failures);
    }
    let _ = writeln!(
        out,
        "  count_tool_execution (metrics.json): {}",
        metrics.total("count_tool_execution")
    );

    let _ = writeln!(out, "\nDatabase pool (metrics.json):");
    let mut events: BTreeMap<String, f64> = BTreeMap::new();
    for (key, value) in metrics.series("count_db_pool_connection_events") {
        *events
            .entry(attr(key, "event").unwrap_or("?").to_owned())
            .or_default() += value.value;
    }
    let events: Vec<String> = events.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(out, "  events: {}", events.join(" "));
    let latency = metrics
        .series("db_checkout_latency_ms")
        .fold(metrics_file::SeriesValue::default(), |acc, (_, v)| {
            merge(acc, v)
        });
    if let (Some(p50), Some(p99)) = (latency.quantile(0.5), latency.quantile(0.99)) {
        let _ = writeln!(
            out,
            "  checkout latency: p50 <= {p50} ms, p99 <= {p99} ms over {} checkouts",
            latency.count
        );
    }
    let _ = writeln!(
        out,
        "  connections (gauge_db_pool_connections_total, largest sample) {}, in use (db_pool_in_use, largest sample) {}, checkout timeouts {}, errors {}",
        metrics.peak("gauge_db_pool_connections_total"),
        metrics.peak("db_pool_in_use"),
        metrics.total("db_pool_checkout_timeout_total"),
        metrics.total("count_db_pool_connection_errors"),
    );
    let _ = writeln!(
        out,
        "  user messages (count_user_message): {}",
        metrics.total("count_user_message")
    );

    let _ = writeln!(out, "\nExport:");
    let _ = writeln!(
        out,
        "  spans exported {}, spans dropped {}, export failures {}",
        export.spans_exported,
        export.spans_dropped(),
        export.total_failures()
    );
    let _ = writeln!(out, "  {}", export.summary());
    let _ = writeln!(out, "  traces:  {}", traces_path.display());
    let _ = writeln!(out, "  metrics: {}", metrics_path.display());
    let _ = writeln!(out, "  logs:    {}", logs_dir.join("Letta.log").display());
    if file.skipped_lines > 0 {
        let _ = writeln!(
            out,
            "  ({} malformed trace lines skipped)",
            file.skipped_lines
        );
    }

    let span_count = spans.len();
    let traces = group_traces(spans);
    if let Some(slowest) = traces.iter().max_by_key(|t| t.duration_ns()) {
        let _ = writeln!(out, "\nSlowest trace:");
        let _ = writeln!(
            out,
            "  letta-otel traces show {} --file {}",
            slowest.trace_id,
            traces_path.display()
        );
    }
    let telemetry_written = span_count > 0 && !metrics.by_name.is_empty();
    Ok(Report {
        text: out,
        telemetry_written,
    })
}

/// The summary when exporting to a collector: only what the process knows.
pub fn exported(settings: &Settings, export: &ExportStatsSnapshot) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Export to {}:",
        letta_telemetry::redact::mask_url(&settings.traces_endpoint().unwrap_or_default())
    );
    let _ = writeln!(
        out,
        "  spans exported {}, spans dropped {}, export failures {}, requests {}",
        export.spans_exported,
        export.spans_dropped(),
        export.total_failures(),
        export.requests_sent
    );
    let _ = writeln!(out, "  {}", export.summary());
    let _ = writeln!(
        out,
        "  read traces back from your collector (e.g. its file exporter: letta-otel traces list --file <its traces.json>)"
    );
    out
}

fn merge(
    mut acc: metrics_file::SeriesValue,
    v: &metrics_file::SeriesValue,
) -> metrics_file::SeriesValue {
    if acc.buckets.is_empty() {
        acc.bounds = v.bounds.clone();
        acc.buckets = vec![0; v.buckets.len()];
    }
    if acc.buckets.len() == v.buckets.len() {
        for (a, b) in acc.buckets.iter_mut().zip(&v.buckets) {
            *a += b;
        }
        acc.count += v.count;
        acc.value += v.value;
    }
    acc
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}
