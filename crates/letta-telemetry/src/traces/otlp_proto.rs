//! The OTLP protobuf `ExportTraceServiceRequest` of a batch of spans,
//! written straight from the SDK's [`SpanData`] into a byte buffer: the
//! body of the gRPC exporter's requests.
//!
//! Hand-written, not a crate: `opentelemetry-otlp` deep-copies the batch,
//! converts every span into `opentelemetry-proto`'s structs (a `String` or
//! `Vec` per id, name, key and value) and then encodes those with prost:
//! ~50 thousand instructions per read request of the reference server, a
//! third of a sampled request's CPU. This writes the same bytes (the tests
//! compare them with prost's output byte for byte) without copying a span.
//!
//! Protobuf is prost's: fields in tag order, scalar fields left out when
//! zero or empty, message fields and `oneof` members always written. A
//! nested message's length comes before its body; one byte is kept for it
//! and the body moved up in the rare case it needs more (a message of 128
//! bytes or more), so each nesting level copies its bytes at most once.

use opentelemetry::trace::{SpanContext, SpanId, Status};
use opentelemetry::{Array, InstrumentationScope, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SpanData;

use super::otlp_fields::{flags, nanos, span_kind};
use super::scopes::{distinct_scopes, spans_of};

/// Wire types.
const VARINT: u32 = 0;
const FIXED64: u32 = 1;
const LEN: u32 = 2;
const FIXED32: u32 = 5;

/// The resource's part of every request, encoded once per resource: the
/// `resource` field of `ResourceSpans`, and its `schema_url` field.
#[derive(Debug, Clone)]
pub(crate) struct ResourceProto {
    resource: Vec<u8>,
    schema_url: Vec<u8>,
}

impl Default for ResourceProto {
    fn default() -> Self {
        Self::new(&Resource::builder_empty().build())
    }
}

impl ResourceProto {
    /// The envelope of `resource`, its attributes in the resource's order.
    pub(crate) fn new(resource: &Resource) -> Self {
        let mut field = Vec::new();
        message(&mut field, 1, |out| {
            for (key, value) in resource.iter() {
                key_value(out, 1, key.as_str(), value);
            }
        });
        let mut schema_url = Vec::new();
        string(
            &mut schema_url,
            3,
            resource.schema_url().unwrap_or_default(),
        );
        Self {
            resource: field,
            schema_url,
        }
    }
}

/// Appends the `ExportTraceServiceRequest` of `spans` (one resource, one
/// `ScopeSpans` per distinct scope, in order of first appearance) to `out`.
pub(crate) fn encode(out: &mut Vec<u8>, resource: &ResourceProto, spans: &[SpanData]) {
    // ExportTraceServiceRequest.resource_spans
    message(out, 1, |out| {
        out.extend_from_slice(&resource.resource);
        for scope in distinct_scopes(spans) {
            // ResourceSpans.scope_spans
            message(out, 2, |out| {
                message(out, 1, |out| scope_body(out, scope));
                for span in spans_of(spans, scope) {
                    message(out, 2, |out| span_body(out, span));
                }
                string(out, 3, scope.schema_url().unwrap_or_default());
            });
        }
        out.extend_from_slice(&resource.schema_url);
    });
}

fn scope_body(out: &mut Vec<u8>, scope: &InstrumentationScope) {
    string(out, 1, scope.name());
    string(out, 2, scope.version().unwrap_or_default());
    for kv in scope.attributes() {
        key_value(out, 3, kv.key.as_str(), &kv.value);
    }
}

fn span_body(out: &mut Vec<u8>, span: &SpanData) {
    let cx = &span.span_context;
    context_ids(out, cx);
    if span.parent_span_id != SpanId::INVALID {
        bytes(out, 4, &span.parent_span_id.to_bytes());
    }
    string(out, 5, &span.name);
    uint(out, 6, u64::from(span_kind(&span.span_kind)));
    fixed64(out, 7, nanos(span.start_time));
    fixed64(out, 8, nanos(span.end_time));
    for kv in &span.attributes {
        key_value(out, 9, kv.key.as_str(), &kv.value);
    }
    uint(out, 10, u64::from(span.dropped_attributes_count));
    for event in span.events.iter() {
        message(out, 11, |out| {
            fixed64(out, 1, nanos(event.timestamp));
            string(out, 2, &event.name);
            for kv in &event.attributes {
                key_value(out, 3, kv.key.as_str(), &kv.value);
            }
            uint(out, 4, u64::from(event.dropped_attributes_count));
        });
    }
    uint(out, 12, u64::from(span.events.dropped_count));
    for link in span.links.iter() {
        let lcx = &link.span_context;
        message(out, 13, |out| {
            context_ids(out, lcx);
            for kv in &link.attributes {
                key_value(out, 4, kv.key.as_str(), &kv.value);
            }
            uint(out, 5, u64::from(link.dropped_attributes_count));
            fixed32(out, 6, flags(lcx.trace_flags().to_u8(), lcx.is_remote()));
        });
    }
    uint(out, 14, u64::from(span.links.dropped_count));
    let (text, code) = match &span.status {
        Status::Unset => ("", 0),
        Status::Ok => ("", 1),
        Status::Error { description } => (description.as_ref(), 2),
    };
    message(out, 15, |out| {
        string(out, 2, text);
        uint(out, 3, code);
    });
    fixed32(
        out,
        16,
        flags(cx.trace_flags().to_u8(), span.parent_span_is_remote),
    );
}

/// Fields 1 to 3 of a span or a link: trace id, span id, trace state.
fn context_ids(out: &mut Vec<u8>, cx: &SpanContext) {
    bytes(out, 1, &cx.trace_id().to_bytes());
    bytes(out, 2, &cx.span_id().to_bytes());
    string(out, 3, &cx.trace_state().header());
}

/// A `KeyValue` message as field `field`.
fn key_value(out: &mut Vec<u8>, field: u32, key: &str, value: &Value) {
    if small_key_value(out, field, key, value) {
        return;
    }
    message(out, field, |out| {
        string(out, 1, key);
        message(out, 2, |out| any_value_body(out, value));
    });
}

/// Largest body whose length is one varint byte.
const ONE_BYTE: usize = 0x7f;

/// [`key_value`] for the common attribute: a scalar value (string, integer,
/// boolean, double) in a `KeyValue` of at most 127 bytes, in a field below
/// 16. Every length is then one byte and known up front, so the headers
/// are written whole instead of byte by byte with a length kept back and
/// filled in (this is most of an encoded span). Returns `false`, writing
/// nothing, for any other attribute.
fn small_key_value(out: &mut Vec<u8>, field: u32, key: &str, value: &Value) -> bool {
    let mut number = [0u8; 10];
    let (value_tag, scalar): (u8, &[u8]) = match value {
        Value::String(s) => (1 << 3 | LEN as u8, s.as_str().as_bytes()),
        Value::I64(i) => (3 << 3 | VARINT as u8, varint_bytes(&mut number, *i as u64)),
        Value::Bool(b) => (2 << 3 | VARINT as u8, if *b { &[1] } else { &[0] }),
        Value::F64(f) => {
            number[..8].copy_from_slice(&f.to_bits().to_le_bytes());
            (4 << 3 | FIXED64 as u8, &number[..8])
        }
        _ => return false,
    };
    // a string carries its length; the other scalars are their bytes
    let is_string = matches!(value, Value::String(_));
    let any_value_len = 1 + usize::from(is_string) + scalar.len();
    let key_len = if key.is_empty() { 0 } else { 2 + key.len() };
    let body_len = key_len + 2 + any_value_len;
    if field >= 16 || body_len > ONE_BYTE {
        return false;
    }
    // all lengths below 128: the casts are exact
    out.reserve(2 + body_len);
    out.extend_from_slice(&[(field << 3 | LEN) as u8, body_len as u8]);
    if !key.is_empty() {
        out.extend_from_slice(&[1 << 3 | LEN as u8, key.len() as u8]);
        out.extend_from_slice(key.as_bytes());
    }
    out.extend_from_slice(&[2 << 3 | LEN as u8, any_value_len as u8, value_tag]);
    if is_string {
        out.push(scalar.len() as u8);
    }
    out.extend_from_slice(scalar);
    true
}

/// The varint bytes of `n`, written into `buf`.
fn varint_bytes(buf: &mut [u8; 10], mut n: u64) -> &[u8] {
    let mut len = 0;
    while n >= 0x80 {
        buf[len] = n as u8 | 0x80;
        n >>= 7;
        len += 1;
    }
    buf[len] = n as u8;
    &buf[..=len]
}

/// The body of an `AnyValue`: its one `oneof` member, always written.
fn any_value_body(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Bool(b) => bool_value(out, *b),
        Value::I64(i) => int_value(out, *i),
        Value::F64(f) => double_value(out, *f),
        Value::String(s) => string_value(out, s.as_str()),
        Value::Array(array) => message(out, 5, |out| match array {
            Array::Bool(v) => each(out, v, |out, b| bool_value(out, *b)),
            Array::I64(v) => each(out, v, |out, i| int_value(out, *i)),
            Array::F64(v) => each(out, v, |out, f| double_value(out, *f)),
            Array::String(v) => each(out, v, |out, s| string_value(out, s.as_str())),
            // A kind of array newer than this encoder: its text form.
            other => message(out, 1, |out| string_value(out, &other.to_string())),
        }),
        // A kind of value newer than this encoder: its text form.
        other => string_value(out, &other.to_string()),
    }
}

/// `ArrayValue.values`, one `AnyValue` per element.
fn each<T>(out: &mut Vec<u8>, values: &[T], mut body: impl FnMut(&mut Vec<u8>, &T)) {
    for v in values {
        message(out, 1, |out| body(out, v));
    }
}

fn bool_value(out: &mut Vec<u8>, b: bool) {
    key(out, 2, VARINT);
    out.push(u8::from(b));
}

fn int_value(out: &mut Vec<u8>, i: i64) {
    key(out, 3, VARINT);
    varint(out, i as u64);
}

fn double_value(out: &mut Vec<u8>, f: f64) {
    key(out, 4, FIXED64);
    out.extend_from_slice(&f.to_bits().to_le_bytes());
}

fn string_value(out: &mut Vec<u8>, s: &str) {
    key(out, 1, LEN);
    varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// A length-delimited field whose body `body` writes. One byte is kept for
/// the length; a body of 128 bytes or more is moved up to make room.
fn message(out: &mut Vec<u8>, field: u32, body: impl FnOnce(&mut Vec<u8>)) {
    key(out, field, LEN);
    let at = out.len();
    out.push(0);
    body(out);
    let len = out.len() - at - 1;
    if len < 0x80 {
        out[at] = len as u8;
        return;
    }
    let mut buf = [0u8; 10];
    let prefix = varint_bytes(&mut buf, len as u64);
    let width = prefix.len();
    out.resize(out.len() + width - 1, 0);
    out.copy_within(at + 1..at + 1 + len, at + width);
    out[at..at + width].copy_from_slice(prefix);
}

/// A string field, left out when empty.
fn string(out: &mut Vec<u8>, field: u32, s: &str) {
    bytes(out, field, s.as_bytes());
}

/// A bytes field, left out when empty.
fn bytes(out: &mut Vec<u8>, field: u32, b: &[u8]) {
    if !b.is_empty() {
        key(out, field, LEN);
        varint(out, b.len() as u64);
        out.extend_from_slice(b);
    }
}

/// A varint field (uint32, uint64 or enum), left out when zero.
fn uint(out: &mut Vec<u8>, field: u32, n: u64) {
    if n != 0 {
        key(out, field, VARINT);
        varint(out, n);
    }
}

/// A fixed64 field, left out when zero.
fn fixed64(out: &mut Vec<u8>, field: u32, n: u64) {
    if n != 0 {
        key(out, field, FIXED64);
        out.extend_from_slice(&n.to_le_bytes());
    }
}

/// A fixed32 field, left out when zero.
fn fixed32(out: &mut Vec<u8>, field: u32, n: u32) {
    if n != 0 {
        key(out, field, FIXED32);
        out.extend_from_slice(&n.to_le_bytes());
    }
}

fn key(out: &mut Vec<u8>, field: u32, wire_type: u32) {
    varint(out, u64::from(field << 3 | wire_type));
}

fn varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

#[cfg(test)]
#[path = "otlp_proto_tests.rs"]
mod tests;
