//! Tests of `otlp_json`: its bytes against the proto + serde path.

use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use opentelemetry::trace::{Event, Link, SpanContext, SpanKind, TraceFlags, TraceId, TraceState};
use opentelemetry::{InstrumentationScope, StringValue};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};

use super::*;
use crate::testing::sample_span;

/// The generic path this replaces: proto structs, then serde.
fn reference(resource: &ResourceAttributesWithSchema, spans: &[SpanData]) -> String {
    let mut scopes: Vec<ScopeSpans> = Vec::new();
    let mut keys: Vec<&InstrumentationScope> = Vec::new();
    for span in spans {
        let scope = &span.instrumentation_scope;
        let i = match keys.iter().position(|k| *k == scope) {
            Some(i) => i,
            None => {
                keys.push(scope);
                scopes.push(ScopeSpans {
                    scope: Some((scope, None).into()),
                    schema_url: scope.schema_url().unwrap_or_default().to_owned(),
                    spans: Vec::new(),
                });
                scopes.len() - 1
            }
        };
        scopes[i].spans.push(span.clone().into());
    }
    let request = ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(ProtoResource {
                attributes: resource.attributes.0.clone(),
                dropped_attributes_count: 0,
                entity_refs: Vec::new(),
            }),
            scope_spans: scopes,
            schema_url: resource.schema_url.clone().unwrap_or_default(),
        }],
    };
    serde_json::to_string(&request).expect("serializable")
}

fn ours(resource: &ResourceAttributesWithSchema, spans: &[SpanData]) -> String {
    let mut out = Vec::new();
    encode(&mut out, &ResourceJson::new(resource), spans);
    String::from_utf8(out).expect("UTF-8")
}

fn rich_span() -> SpanData {
    let cx = SpanContext::new(
        TraceId::from(0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10_u128),
        SpanId::from(0x1112_1314_1516_1718_u64),
        TraceFlags::SAMPLED,
        true,
        TraceState::from_key_value([("k", "v")]).expect("state"),
    );
    let mut events = SpanEvents::default();
    events.events.push(Event::new(
        "ev \"1\"",
        UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789),
        vec![KeyValue::new("e", 1.5)],
        2,
    ));
    events.dropped_count = 4;
    let mut links = SpanLinks::default();
    links
        .links
        .push(Link::new(cx.clone(), vec![KeyValue::new("l", true)], 1));
    let mut span = sample_span(
        "GET /x \"q\"\n\u{1}\u{1f}é\\",
        vec![
            KeyValue::new("s", "a\u{1}b\tc\u{8}\u{c}\r"),
            KeyValue::new("i", -42_i64),
            KeyValue::new("f", 0.1),
            KeyValue::new("nan", f64::NAN),
            KeyValue::new("b", false),
            KeyValue::new(
                "as",
                Value::Array(Array::String(vec![StringValue::from("x")])),
            ),
            KeyValue::new("ai", Value::Array(Array::I64(vec![1, i64::MIN]))),
            KeyValue::new("af", Value::Array(Array::F64(vec![1.0, 1e300]))),
            KeyValue::new("ab", Value::Array(Array::Bool(vec![true, false]))),
        ],
    );
    span.span_context = cx;
    span.parent_span_id = SpanId::from(0x2122_2324_2526_2728_u64);
    span.parent_span_is_remote = true;
    span.span_kind = SpanKind::Consumer;
    span.dropped_attributes_count = 3;
    span.events = events;
    span.links = links;
    span.status = Status::Error {
        description: Cow::Borrowed("bad \"thing\""),
    };
    span.instrumentation_scope = InstrumentationScope::builder("scope")
        .with_version("1.0")
        .with_schema_url("https://opentelemetry.io/schemas/1.26.0")
        .with_attributes([KeyValue::new("sa", "x")])
        .build();
    span
}

#[test]
fn writes_the_same_bytes_as_the_proto_and_serde_path() {
    let resource: ResourceAttributesWithSchema = (&Resource::builder_empty()
        .with_attributes([KeyValue::new("service.name", "svc"), KeyValue::new("n", 3)])
        .with_schema_url([], "https://opentelemetry.io/schemas/1.26.0")
        .build())
        .into();
    let mut plain = sample_span("plain", vec![]);
    plain.status = Status::Ok;
    let mut internal = sample_span("internal", vec![KeyValue::new("k", "v")]);
    internal.span_kind = SpanKind::Internal;
    internal.end_time = UNIX_EPOCH - Duration::from_secs(1); // before the epoch: 0
    let batches = [
        vec![rich_span()],
        vec![plain.clone(), rich_span(), internal.clone(), plain.clone()],
        vec![internal],
        vec![],
    ];
    for spans in &batches {
        assert_eq!(ours(&resource, spans), reference(&resource, spans));
        let empty = ResourceAttributesWithSchema::default();
        assert_eq!(ours(&empty, spans), reference(&empty, spans));
    }
}

#[test]
fn escapes_every_control_character_as_serde_json_does() {
    let all: String = (0u8..=0x7f)
        .map(char::from)
        .chain(['é', '€', '😀'])
        .collect();
    let mut out = Vec::new();
    string(&mut out, &all);
    assert_eq!(
        String::from_utf8(out).expect("UTF-8"),
        serde_json::to_string(&all).expect("string")
    );
}

#[test]
fn ids_are_quoted_lowercase_hex_for_every_byte_value() {
    let bytes: Vec<u8> = (0..=255).collect();
    for id in bytes.chunks(16).chain(bytes.chunks(8)).chain([&[][..]]) {
        let mut out = Vec::new();
        hex(&mut out, id);
        let expected: String = id.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(String::from_utf8(out).ok(), Some(format!("\"{expected}\"")));
    }
}

#[test]
fn escapes_at_every_offset() {
    // each character that needs escaping (and a few that do not), at every
    // position of strings long enough for a vectorised scan
    for special in [
        '"', '\\', '\n', '\u{0}', '\u{1f}', ' ', '!', '#', '[', ']', 'é', '\u{7f}',
    ] {
        for len in 0..40 {
            for at in 0..len {
                // and a second one further on, in the same word or another
                let second = at + 1 + (at * 7 + 3) % 9;
                let s: String = (0..len)
                    .map(|i| if i == at || i == second { special } else { 'a' })
                    .collect();
                let mut out = Vec::new();
                string(&mut out, &s);
                assert_eq!(
                    String::from_utf8(out).expect("UTF-8"),
                    serde_json::to_string(&s).expect("string"),
                    "{special:?} at {at} of {len}"
                );
            }
        }
    }
}
