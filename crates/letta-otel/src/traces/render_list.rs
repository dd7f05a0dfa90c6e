//! `traces list`: recent traces, newest first.

use std::fmt::Write as _;

use super::group::Trace;
use super::time::format_utc;

/// Renders up to `limit` traces, newest first: start time, trace id,
/// duration, span count, status and root name.
pub fn render_list(traces: &[Trace], limit: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<23}  {:<32}  {:>10}  {:>5}  {:<6}  ROOT",
        "START (UTC)", "TRACE ID", "DURATION", "SPANS", "STATUS"
    );
    for trace in traces.iter().rev().take(limit) {
        let root = trace
            .root()
            .map(|r| r.name.as_str())
            .unwrap_or("<no root span>");
        let _ = writeln!(
            out,
            "{:<23}  {:<32}  {:>10}  {:>5}  {:<6}  {root}",
            format_utc(trace.start_ns()),
            trace.trace_id,
            format_ms(trace.duration_ns()),
            trace.spans.len(),
            trace.status().as_str(),
        );
    }
    if traces.len() > limit {
        let _ = writeln!(
            out,
            "({} older traces not shown; use --limit)",
            traces.len() - limit
        );
    }
    out
}

/// Nanoseconds as milliseconds with one decimal, e.g. `12.3 ms`.
pub(crate) fn format_ms(ns: u64) -> String {
    format!("{:.1} ms", ns as f64 / 1e6)
}
