//! `traces show`: one trace as an indented waterfall.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::group::Trace;
use super::model::{Span, StatusCode};
use super::render_list::format_ms;
use super::ui_filter::is_ui_span;

/// Attributes printed beside a span, when present.
const KEY_ATTRIBUTES: &[&str] = &[
    "http.route",
    "http.response.status_code",
    "http.status_code",
    "agent.id",
    "gen_ai.request.model",
    "gen_ai.usage.input_tokens",
    "gen_ai.usage.output_tokens",
    "gen_ai.response.finish_reasons",
    "gen_ai.tool.name",
    "tool.name",
    "db.system",
    "error.type",
];

/// Width of the timing bar, in characters.
const BAR_WIDTH: usize = 30;

/// Options of `traces show`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShowOptions {
    /// Keep only the reference's UI spans (see [`is_ui_span`]); a kept span
    /// hangs under its nearest kept ancestor.
    pub ui_only: bool,
}

/// Renders `trace` as a tree: name, kind, duration, a bar placing the span in
/// the trace's time, status, and key attributes; exceptions on the next line.
pub fn render_show(trace: &Trace, options: ShowOptions) -> String {
    let spans: Vec<&Span> = trace
        .spans
        .iter()
        .filter(|s| !options.ui_only || is_ui_span(s))
        .collect();
    let by_id: HashMap<&str, &Span> = trace
        .spans
        .iter()
        .map(|s| (s.span_id.as_str(), s))
        .collect();
    let kept: HashMap<&str, ()> = spans.iter().map(|s| (s.span_id.as_str(), ())).collect();

    // Parent in the rendered tree: nearest kept ancestor.
    let parent_of = |span: &Span| -> Option<String> {
        let mut cursor = span.parent_span_id.as_deref();
        let mut hops = 0;
        while let Some(id) = cursor {
            if kept.contains_key(id) {
                return Some(id.to_owned());
            }
            hops += 1;
            if hops > 10_000 {
                return None;
            }
            cursor = by_id.get(id).and_then(|p| p.parent_span_id.as_deref());
        }
        None
    };
    let mut children: HashMap<Option<String>, Vec<&Span>> = HashMap::new();
    for span in &spans {
        children.entry(parent_of(span)).or_default().push(span);
    }

    let start = trace.start_ns();
    let total = trace.duration_ns().max(1);
    let mut out = String::new();
    let root_name = trace.root().map(|r| r.name.as_str()).unwrap_or("<no root>");
    let _ = writeln!(
        out,
        "trace {}  {root_name}  {}  {} spans  {}",
        trace.trace_id,
        format_ms(trace.duration_ns()),
        trace.spans.len(),
        trace.status().as_str()
    );
    if options.ui_only {
        let _ = writeln!(
            out,
            "(UI spans only: {} of {} shown)",
            spans.len(),
            trace.spans.len()
        );
    }
    let mut rows = Vec::new();
    let mut stack: Vec<(&Span, usize)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|s| (*s, 0)).collect())
        .unwrap_or_default();
    let mut seen = 0usize;
    while let Some((span, depth)) = stack.pop() {
        seen += 1;
        if seen > spans.len() {
            break;
        }
        rows.push((span, depth));
        if let Some(kids) = children.get(&Some(span.span_id.clone())) {
            for kid in kids.iter().rev() {
                stack.push((kid, depth + 1));
            }
        }
    }
    let label_width = rows
        .iter()
        .map(|(s, d)| d * 2 + s.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(60);
    for (span, depth) in rows {
        let label = format!("{}{}", "  ".repeat(depth), span.name);
        let offset = ((span.start_ns.saturating_sub(start)) as u128 * BAR_WIDTH as u128
            / total as u128) as usize;
        let offset = offset.min(BAR_WIDTH - 1);
        let len = ((span.duration_ns() as u128 * BAR_WIDTH as u128 / total as u128) as usize)
            .clamp(1, BAR_WIDTH - offset);
        let bar = format!(
            "{}{}{}",
            " ".repeat(offset),
            "█".repeat(len),
            " ".repeat(BAR_WIDTH - offset - len)
        );
        let attrs: Vec<String> = KEY_ATTRIBUTES
            .iter()
            .filter(|k| {
                // The reference's name only when the semantic-convention one is absent.
                **k != "http.status_code"
                    || !span.attributes.contains_key("http.response.status_code")
            })
            .filter_map(|k| span.attributes.get(*k).map(|v| format!("{k}={v}")))
            .collect();
        let status = match span.status.code {
            StatusCode::Error => "ERROR",
            StatusCode::Ok => "OK",
            StatusCode::Unset => "-",
        };
        let line = format!(
            "{label:<label_width$}  {:<8} {:>10} |{bar}| {status:<5} {}",
            span.kind.as_str(),
            format_ms(span.duration_ns()),
            attrs.join(" ")
        );
        let _ = writeln!(out, "{}", line.trim_end());
        let indent = "  ".repeat(depth + 1);
        if span.status.code == StatusCode::Error && !span.status.message.is_empty() {
            let _ = writeln!(out, "{indent}! {}", span.status.message);
        }
        for event in &span.events {
            if event.name == "exception" {
                let ty = event
                    .attributes
                    .get("exception.type")
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let msg = event
                    .attributes
                    .get("exception.message")
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let _ = writeln!(out, "{indent}! exception {ty}: {msg}");
            } else if event.name == "time_to_first_token" {
                let _ = writeln!(
                    out,
                    "{indent}· time_to_first_token at +{}",
                    format_ms(event.time_ns.saturating_sub(span.start_ns))
                );
            }
        }
    }
    out
}
