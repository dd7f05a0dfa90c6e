//! Reader for OTLP-JSON lines files: one `ExportTraceServiceRequest` per line,
//! as written by letta-telemetry's file exporter and by the collector's
//! `file` exporter.
//!
//! Parsed with `serde_json::Value` so both encodings of the protobuf JSON
//! mapping are accepted (enums as numbers or names, 64-bit integers as numbers
//! or strings, camelCase or snake_case keys).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::Value;

use super::error::TraceError;
use super::model::{AttrValue, Span, SpanEvent, SpanKind, SpanStatus, StatusCode};

/// Spans read from a file, with the number of lines that could not be parsed.
#[derive(Debug, Clone, Default)]
pub struct FileSpans {
    /// Every span of every well-formed line.
    pub spans: Vec<Span>,
    /// Lines that were not valid OTLP-JSON and were skipped.
    pub skipped_lines: usize,
    /// The first skipped line's number (1-based) and reason, for the message.
    pub first_error: Option<(usize, String)>,
}

/// Reads every span of the OTLP-JSON lines file at `path`.
pub fn read_file(path: &Path) -> Result<FileSpans, TraceError> {
    let file = std::fs::File::open(path).map_err(|source| {
        if source.kind() == std::io::ErrorKind::NotFound {
            TraceError::NotFound {
                path: path.to_owned(),
            }
        } else {
            TraceError::Io {
                path: path.to_owned(),
                source,
            }
        }
    })?;
    let mut out = FileSpans::default();
    // Split on bytes, not `lines()`: a line torn by a full disk can end in
    // the middle of a UTF-8 character, and must be skipped like any other
    // malformed line rather than end the read.
    for (index, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line.map_err(|source| TraceError::Io {
            path: path.to_owned(),
            source,
        })?;
        let parsed = match std::str::from_utf8(&line) {
            Ok(text) if text.trim().is_empty() => continue,
            Ok(text) => parse_line(text),
            Err(e) => Err(format!("not UTF-8: {e}")),
        };
        match parsed {
            Ok(spans) => out.spans.extend(spans),
            Err(reason) => {
                out.skipped_lines += 1;
                if out.first_error.is_none() {
                    out.first_error = Some((index + 1, reason));
                }
            }
        }
    }
    Ok(out)
}

/// Parses one line (an `ExportTraceServiceRequest` in JSON) into spans.
pub fn parse_line(line: &str) -> Result<Vec<Span>, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let resource_spans = field(&value, "resourceSpans", "resource_spans")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            "no `resourceSpans` array (expected an ExportTraceServiceRequest)".to_owned()
        })?;
    let mut spans = Vec::new();
    for rs in resource_spans {
        let service_name = rs
            .get("resource")
            .and_then(|r| r.get("attributes"))
            .map(parse_attributes)
            .and_then(|attrs| attrs.get("service.name").map(ToString::to_string));
        let scope_spans = field(rs, "scopeSpans", "scope_spans")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for ss in scope_spans {
            let raw_spans = ss
                .get("spans")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for raw in raw_spans {
                spans.push(parse_span(raw, service_name.clone())?);
            }
        }
    }
    Ok(spans)
}

fn field<'a>(value: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    value.get(camel).or_else(|| value.get(snake))
}

fn id(value: &Value, camel: &str, snake: &str) -> Option<String> {
    field(value, camel, snake)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.bytes().any(|b| b != b'0'))
        .map(str::to_ascii_lowercase)
}

fn u64_of(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn parse_span(raw: &Value, service_name: Option<String>) -> Result<Span, String> {
    let trace_id = id(raw, "traceId", "trace_id").ok_or("a span has no traceId")?;
    let span_id = id(raw, "spanId", "span_id").ok_or("a span has no spanId")?;
    let name = raw
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let kind = match raw.get("kind") {
        Some(Value::Number(n)) => SpanKind::from_otlp(n.as_i64().unwrap_or(0)),
        Some(Value::String(s)) => SpanKind::from_name(s),
        _ => SpanKind::Unspecified,
    };
    let start_ns = u64_of(field(raw, "startTimeUnixNano", "start_time_unix_nano"))
        .ok_or("a span has no startTimeUnixNano")?;
    let end_ns = u64_of(field(raw, "endTimeUnixNano", "end_time_unix_nano")).unwrap_or(start_ns);
    let status = raw
        .get("status")
        .map(|s| SpanStatus {
            code: match s.get("code") {
                Some(Value::Number(n)) => StatusCode::from_otlp(n.as_i64().unwrap_or(0)),
                Some(Value::String(c)) => StatusCode::from_name(c),
                _ => StatusCode::Unset,
            },
            message: s
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        })
        .unwrap_or_default();
    let attributes = raw
        .get("attributes")
        .map(parse_attributes)
        .unwrap_or_default();
    let events = raw
        .get("events")
        .and_then(Value::as_array)
        .map(|events| {
            events
                .iter()
                .map(|e| SpanEvent {
                    name: e
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    time_ns: u64_of(field(e, "timeUnixNano", "time_unix_nano")).unwrap_or(0),
                    attributes: e
                        .get("attributes")
                        .map(parse_attributes)
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Span {
        trace_id,
        span_id,
        parent_span_id: id(raw, "parentSpanId", "parent_span_id"),
        name,
        kind,
        start_ns,
        end_ns,
        status,
        attributes,
        events,
        service_name,
    })
}

fn parse_attributes(value: &Value) -> BTreeMap<String, AttrValue> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|kv| {
                    let key = kv.get("key")?.as_str()?.to_owned();
                    let value = kv.get("value").and_then(parse_any_value)?;
                    Some((key, value))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn parse_any_value(value: &Value) -> Option<AttrValue> {
    if let Some(v) = field(value, "stringValue", "string_value") {
        return v.as_str().map(|s| AttrValue::Str(s.to_owned()));
    }
    if let Some(v) = field(value, "boolValue", "bool_value") {
        return v.as_bool().map(AttrValue::Bool);
    }
    if let Some(v) = field(value, "intValue", "int_value") {
        return match v {
            Value::Number(n) => n.as_i64().map(AttrValue::Int),
            Value::String(s) => s.parse().ok().map(AttrValue::Int),
            _ => None,
        };
    }
    if let Some(v) = field(value, "doubleValue", "double_value") {
        return match v {
            Value::Number(n) => n.as_f64().map(AttrValue::Double),
            Value::String(s) => s.parse().ok().map(AttrValue::Double),
            _ => None,
        };
    }
    if let Some(v) = field(value, "arrayValue", "array_value") {
        let values = v
            .get("values")
            .and_then(Value::as_array)
            .map(|vs| vs.iter().filter_map(parse_any_value).collect())
            .unwrap_or_default();
        return Some(AttrValue::Array(values));
    }
    if let Some(v) = field(value, "bytesValue", "bytes_value") {
        return v.as_str().map(|s| AttrValue::Str(s.to_owned()));
    }
    if let Some(v) = field(value, "kvlistValue", "kvlist_value") {
        return Some(AttrValue::Str(v.to_string()));
    }
    None
}
