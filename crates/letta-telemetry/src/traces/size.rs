//! Cheap upper bounds of the OTLP protobuf size of spans, and the truncation
//! of a span that alone would exceed the request size limit.
//!
//! Every length-delimited field is counted with a 2-byte tag and a 5-byte
//! length (enough for lengths below 32 GiB) and every varint with 10 bytes,
//! so the estimate is never below what `prost` encodes; the
//! `size_estimate` test checks this against the real encoding.

use opentelemetry::{Array, InstrumentationScope, KeyValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SpanData;

/// Tag plus length prefix of a length-delimited field.
const FIELD: usize = 7;
/// Tag plus the longest varint.
const VARINT: usize = 12;
/// Tag plus a fixed64.
const FIXED64: usize = 10;
/// Tag plus a fixed32.
const FIXED32: usize = 6;

/// Name of the attribute set on a span that was cut down to fit a request.
pub const TRUNCATED_ATTRIBUTE: &str = "letta.truncated";

/// Suffix appended to an attribute value that was cut down.
pub const TRUNCATION_MARKER: &str = "...(truncated by letta-telemetry)";

/// Values at most this long are never cut (attributes are dropped instead).
const MIN_CUT: usize = 256;

/// An upper bound of the encoded size of `span` inside an OTLP
/// `ExportTraceServiceRequest`, including its own field prefix.
pub fn span_size_upper_bound(span: &SpanData) -> usize {
    let mut n = FIELD // the Span entry in ScopeSpans.spans
        + FIELD + 16 // trace_id
        + FIELD + 8 // span_id
        + FIELD + span.span_context.trace_state().header_delimited("=", ",").len()
        + FIELD + 8 // parent_span_id
        + FIXED32 // flags
        + FIELD + span.name.len()
        + VARINT // kind
        + 2 * FIXED64 // start, end
        + 3 * VARINT // dropped attributes, events, links
        + FIELD + VARINT + FIELD; // status with code and message
    if let opentelemetry::trace::Status::Error { description } = &span.status {
        n += description.len();
    }
    n += attributes_size(&span.attributes);
    for event in span.events.iter() {
        n += FIELD + FIXED64 + FIELD + event.name.len() + VARINT;
        n += attributes_size(&event.attributes);
    }
    for link in span.links.iter() {
        n += FIELD + FIELD + 16 + FIELD + 8 + VARINT + FIXED32;
        n += FIELD
            + link
                .span_context
                .trace_state()
                .header_delimited("=", ",")
                .len();
        n += attributes_size(&link.attributes);
    }
    n
}

/// An upper bound of the bytes an instrumentation scope adds to a request
/// (its `ScopeSpans` entry without the spans).
pub fn scope_size_upper_bound(scope: &InstrumentationScope) -> usize {
    FIELD
        + FIELD
        + FIELD
        + scope.name().len()
        + FIELD
        + scope.version().map_or(0, str::len)
        + attributes_size_iter(scope.attributes())
        + VARINT
        + FIELD
        + scope.schema_url().map_or(0, str::len)
}

/// An upper bound of the bytes the request envelope and the resource add to
/// a request (without scopes and spans).
pub fn resource_size_upper_bound(resource: &Resource) -> usize {
    let mut n = FIELD + FIELD + VARINT + FIELD + resource.schema_url().map_or(0, str::len);
    for (k, v) in resource.iter() {
        n += kv_size(k.as_str(), v);
    }
    n
}

fn attributes_size(attrs: &[KeyValue]) -> usize {
    attributes_size_iter(attrs.iter())
}

fn attributes_size_iter<'a>(attrs: impl Iterator<Item = &'a KeyValue>) -> usize {
    attrs.map(|kv| kv_size(kv.key.as_str(), &kv.value)).sum()
}

fn kv_size(key: &str, value: &Value) -> usize {
    FIELD + FIELD + key.len() + FIELD + value_size(value)
}

fn value_size(value: &Value) -> usize {
    match value {
        Value::Bool(_) | Value::I64(_) | Value::F64(_) => VARINT,
        Value::String(s) => FIELD + s.as_str().len(),
        Value::Array(a) => {
            FIELD
                + match a {
                    Array::Bool(v) => v.len() * (FIELD + VARINT),
                    Array::I64(v) => v.len() * (FIELD + VARINT),
                    Array::F64(v) => v.len() * (FIELD + VARINT),
                    Array::String(v) => v.iter().map(|s| 2 * FIELD + s.as_str().len()).sum(),
                    // Unknown array kinds: their text form bounds each item.
                    other => 2 * FIELD + other.to_string().len() * (FIELD + 1),
                }
        }
        // Unknown value kinds: bounded by their text form.
        other => FIELD + 2 * other.as_str().len(),
    }
}

/// Cuts `span` down until [`span_size_upper_bound`] is at most `budget`:
/// the largest string attribute values (of the span and its events) are
/// truncated on a UTF-8 boundary and suffixed with [`TRUNCATION_MARKER`];
/// when no value is long enough to cut, the largest attributes are removed
/// (and counted in `dropped_attributes_count`). The span gets
/// `letta.truncated = true`. Returns whether anything was changed.
pub fn truncate_span(span: &mut SpanData, budget: usize) -> bool {
    let mut size = span_size_upper_bound(span);
    if size <= budget {
        return false;
    }
    // Room for the marker attribute itself.
    let budget = budget.saturating_sub(FIELD * 4 + TRUNCATED_ATTRIBUTE.len() + VARINT);
    while size > budget {
        let Some((place, len)) = largest_value(span) else {
            break;
        };
        let excess = size - budget;
        let attrs = match place.event {
            Some(e) => match span.events.events.get_mut(e) {
                Some(ev) => &mut ev.attributes,
                None => break,
            },
            None => &mut span.attributes,
        };
        if len > MIN_CUT && len > excess + TRUNCATION_MARKER.len() {
            let keep = (len - excess - TRUNCATION_MARKER.len()).max(MIN_CUT / 2);
            if let Some(kv) = attrs.get_mut(place.index) {
                let text = kv.value.as_str();
                let mut cut = keep.min(text.len());
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let mut short = String::with_capacity(cut + TRUNCATION_MARKER.len());
                short.push_str(&text[..cut]);
                short.push_str(TRUNCATION_MARKER);
                kv.value = Value::from(short);
            }
        } else {
            attrs.remove(place.index);
            match place.event {
                Some(e) => {
                    if let Some(ev) = span.events.events.get_mut(e) {
                        ev.dropped_attributes_count += 1;
                    }
                }
                None => span.dropped_attributes_count += 1,
            }
        }
        let next = span_size_upper_bound(span);
        if next >= size {
            break;
        }
        size = next;
    }
    if size > budget {
        // Nothing left to cut in attributes: drop events and links, then
        // shorten the name.
        span.events.dropped_count += span.events.events.len() as u32;
        span.events.events.clear();
        span.links.dropped_count += span.links.links.len() as u32;
        span.links.links.clear();
        if span.name.len() > MIN_CUT {
            let mut cut = MIN_CUT;
            while !span.name.is_char_boundary(cut) {
                cut -= 1;
            }
            span.name = format!("{}{TRUNCATION_MARKER}", &span.name[..cut]).into();
        }
    }
    span.attributes
        .push(KeyValue::new(TRUNCATED_ATTRIBUTE, true));
    true
}

struct Place {
    event: Option<usize>,
    index: usize,
}

/// The attribute (of the span or one of its events) whose value is largest.
fn largest_value(span: &SpanData) -> Option<(Place, usize)> {
    let mut best: Option<(Place, usize)> = None;
    let mut consider = |event: Option<usize>, attrs: &[KeyValue]| {
        for (index, kv) in attrs.iter().enumerate() {
            let len = value_size(&kv.value) + kv.key.as_str().len();
            if best.as_ref().is_none_or(|(_, l)| len > *l) {
                best = Some((Place { event, index }, len));
            }
        }
    };
    consider(None, &span.attributes);
    for (i, ev) in span.events.iter().enumerate() {
        consider(Some(i), &ev.attributes);
    }
    // Report the text length for string values (what can be cut).
    best.map(|(place, len)| {
        let attrs = match place.event {
            Some(e) => span.events.events.get(e).map(|ev| &ev.attributes[..]),
            None => Some(&span.attributes[..]),
        };
        let text_len = attrs
            .and_then(|a| a.get(place.index))
            .and_then(|kv| match &kv.value {
                Value::String(s) => Some(s.as_str().len()),
                _ => None,
            })
            .unwrap_or(len.min(MIN_CUT));
        (place, text_len)
    })
}
