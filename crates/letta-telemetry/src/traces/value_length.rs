//! `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`: string attribute values longer
//! than the limit are cut to it when the span ends. The Rust SDK does not
//! implement this limit, so the processor applies it, and only when it is
//! set: with no limit nothing is scanned.

use opentelemetry::{Array, KeyValue, StringValue, Value};
use opentelemetry_sdk::trace::SpanData;

/// Cuts every string attribute value of `span` (its own, its events' and
/// its links') to at most `max_chars` characters, arrays of strings
/// included, as the specification's attribute limits say.
pub(crate) fn cut_attribute_values(span: &mut SpanData, max_chars: usize) {
    cut_all(&mut span.attributes, max_chars);
    for event in span.events.events.iter_mut() {
        cut_all(&mut event.attributes, max_chars);
    }
    for link in span.links.links.iter_mut() {
        cut_all(&mut link.attributes, max_chars);
    }
}

fn cut_all(attributes: &mut [KeyValue], max_chars: usize) {
    for kv in attributes {
        match &mut kv.value {
            Value::String(s) => cut(s, max_chars),
            Value::Array(Array::String(items)) => {
                for s in items {
                    cut(s, max_chars);
                }
            }
            _ => {}
        }
    }
}

fn cut(value: &mut StringValue, max_chars: usize) {
    let text = value.as_str();
    // A string of at most `max_chars` bytes has at most as many characters.
    if text.len() <= max_chars {
        return;
    }
    if let Some((end, _)) = text.char_indices().nth(max_chars) {
        *value = StringValue::from(text[..end].to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_on_characters_not_bytes() {
        let mut attrs = vec![
            KeyValue::new("a", "héllo wörld"),
            KeyValue::new("b", "ok"),
            KeyValue::new("n", 12345_i64),
            KeyValue::new(
                "list",
                Value::Array(Array::String(vec!["abcdef".into(), "xy".into()])),
            ),
        ];
        cut_all(&mut attrs, 4);
        assert_eq!(attrs[0].value.as_str(), "héll");
        assert_eq!(attrs[1].value.as_str(), "ok");
        assert_eq!(attrs[2].value, Value::I64(12345));
        assert_eq!(
            attrs[3].value,
            Value::Array(Array::String(vec!["abcd".into(), "xy".into()]))
        );
    }
}
