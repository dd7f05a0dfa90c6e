//! Rendering one log line in each [`LogFormat`].

use std::fmt::Write as _;
use std::time::SystemTime;

use tracing::Level;

use super::config::{DatadogLogTags, LogFormat};
use super::context::LogField;
use super::record::{EventFields, Exception, FieldValue, TraceIds};
use crate::timestamp::{write_asctime, write_rfc3339_micros};

/// Keys the JSON format writes itself; event fields with these names are
/// written as `fields.<name>` so that no key appears twice.
const RESERVED: [&str; 16] = [
    "timestamp",
    "level",
    "logger",
    "message",
    "module",
    "function",
    "line",
    "trace_id",
    "span_id",
    "dd.trace_id",
    "dd.span_id",
    "dd.service",
    "dd.env",
    "dd.version",
    "exception",
    "file",
];

/// Everything one line is made of.
pub(crate) struct LineData<'a> {
    pub(crate) time: SystemTime,
    pub(crate) level: &'a Level,
    pub(crate) target: &'a str,
    pub(crate) module: Option<&'a str>,
    pub(crate) function: Option<&'a str>,
    pub(crate) line: Option<u32>,
    pub(crate) event: &'a EventFields,
    pub(crate) trace: Option<TraceIds>,
    pub(crate) context: &'a [LogField],
    pub(crate) datadog: Option<&'a DatadogLogTags>,
    pub(crate) dd_trace_id_128: bool,
}

/// Python's level names, which dashboards and alerts match on.
pub(crate) fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "TRACE",
        Level::DEBUG => "DEBUG",
        Level::INFO => "INFO",
        Level::WARN => "WARNING",
        Level::ERROR => "ERROR",
    }
}

/// Appends the line, newline included, to `out`.
pub(crate) fn render(format: LogFormat, d: &LineData<'_>, out: &mut String) {
    match format {
        LogFormat::Json => render_json(d, out),
        LogFormat::Standard => {
            write_asctime(out, d.time);
            out.push_str(" - ");
            render_text_tail(d, out);
        }
        LogFormat::Console => render_text_tail(d, out),
        LogFormat::Datadog => render_datadog(d, out),
    }
}

fn render_text_tail(d: &LineData<'_>, out: &mut String) {
    let _ = write!(out, "{} - {} - ", d.target, level_name(d.level));
    render_message_and_fields(d, out);
}

fn render_datadog(d: &LineData<'_>, out: &mut String) {
    write_asctime(out, d.time);
    let _ = write!(out, " - {} - {} - [", d.target, level_name(d.level));
    let (env, service, version) = match d.datadog {
        Some(t) => (t.env.as_str(), t.service.as_str(), t.version.as_str()),
        None => ("", "", ""),
    };
    let (trace_id, span_id) = match d.trace {
        Some(t) => (t.dd_trace_id(d.dd_trace_id_128), t.span_id.to_string()),
        None => ("0".to_owned(), "0".to_owned()),
    };
    let _ = write!(
        out,
        "dd.env={env} dd.service={service} dd.version={version} dd.trace_id={trace_id} dd.span_id={span_id}] - "
    );
    render_message_and_fields(d, out);
}

/// `message k=v k=v`, then the exception's lines, then a newline.
fn render_message_and_fields(d: &LineData<'_>, out: &mut String) {
    out.push_str(&d.event.message);
    for (k, v) in d.context {
        let _ = write!(out, " {k}={v}");
    }
    for (k, v) in &d.event.fields {
        let _ = write!(out, " {k}={v}");
    }
    if let Some(e) = &d.event.exception {
        let _ = write!(out, "\n{}: {}", e.kind, e.message);
        if let Some(st) = &e.stacktrace {
            out.push('\n');
            out.push_str(st);
        }
    }
    out.push('\n');
}

fn render_json(d: &LineData<'_>, out: &mut String) {
    out.push_str("{\"timestamp\":\"");
    write_rfc3339_micros(out, d.time);
    out.push_str("\",\"level\":\"");
    out.push_str(level_name(d.level));
    out.push('"');
    key(out, "logger");
    json_str(out, d.target);
    key(out, "message");
    json_str(out, &d.event.message);
    key(out, "module");
    opt_str(out, d.module);
    key(out, "function");
    opt_str(out, d.function);
    key(out, "line");
    match d.line {
        Some(l) => {
            let _ = write!(out, "{l}");
        }
        None => out.push_str("null"),
    }
    if let Some(t) = d.trace {
        key(out, "trace_id");
        let _ = write!(out, "\"{:032x}\"", t.trace_id);
        key(out, "span_id");
        let _ = write!(out, "\"{:016x}\"", t.span_id);
        key(out, "dd.trace_id");
        let _ = write!(out, "\"{}\"", t.dd_trace_id(d.dd_trace_id_128));
        key(out, "dd.span_id");
        let _ = write!(out, "\"{}\"", t.span_id);
    }
    if let Some(tags) = d.datadog {
        key(out, "dd.service");
        json_str(out, &tags.service);
        key(out, "dd.env");
        json_str(out, &tags.env);
        key(out, "dd.version");
        json_str(out, &tags.version);
    }
    if let Some(e) = &d.event.exception {
        key(out, "exception");
        exception(out, e);
    }
    for (k, v) in d.context {
        // An event field of the same name wins.
        if d.event.fields.iter().any(|(f, _)| *f == k.as_ref()) {
            continue;
        }
        field_key(out, k);
        json_str(out, v);
    }
    for (i, (k, v)) in d.event.fields.iter().enumerate() {
        // With repeated names, the last value wins.
        if d.event.fields[i + 1..].iter().any(|(f, _)| f == k) {
            continue;
        }
        field_key(out, k);
        field_value(out, v);
    }
    out.push_str("}\n");
}

fn exception(out: &mut String, e: &Exception) {
    out.push_str("{\"type\":");
    json_str(out, &e.kind);
    out.push_str(",\"message\":");
    json_str(out, &e.message);
    out.push_str(",\"stacktrace\":");
    opt_str(out, e.stacktrace.as_deref());
    out.push('}');
}

fn key(out: &mut String, k: &str) {
    out.push(',');
    json_str(out, k);
    out.push(':');
}

fn field_key(out: &mut String, k: &str) {
    if RESERVED.contains(&k) {
        out.push_str(",\"fields.");
        json_escape(out, k);
        out.push_str("\":");
    } else {
        key(out, k);
    }
}

fn field_value(out: &mut String, v: &FieldValue) {
    match v {
        FieldValue::Str(s) => json_str(out, s),
        FieldValue::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        FieldValue::I64(n) => {
            let _ = write!(out, "{n}");
        }
        FieldValue::U64(n) => {
            let _ = write!(out, "{n}");
        }
        // Beyond 2^53 JSON readers lose precision: write big ints as strings.
        FieldValue::I128(n) => {
            let _ = write!(out, "\"{n}\"");
        }
        FieldValue::U128(n) => {
            let _ = write!(out, "\"{n}\"");
        }
        FieldValue::F64(f) if f.is_finite() => {
            let _ = write!(out, "{f}");
        }
        FieldValue::F64(f) => {
            let _ = write!(out, "\"{f}\"");
        }
    }
}

fn opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.push_str("null"),
    }
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    json_escape(out, s);
    out.push('"');
}

fn json_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}
