//! Tests of `otlp_proto`: its bytes against the proto structs + prost path.

use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use opentelemetry::trace::{Event, Link, SpanContext, SpanKind, TraceFlags, TraceId, TraceState};
use opentelemetry::{InstrumentationScope, KeyValue, StringValue};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};
use prost::Message as _;

use super::*;
use crate::testing::sample_span;

/// The path this replaces: `opentelemetry-proto`'s structs, then prost
/// (scopes in order of first appearance, where `opentelemetry-otlp` takes
/// a hash map's order).
fn reference(resource: &Resource, spans: &[SpanData]) -> Vec<u8> {
    let resource = ResourceAttributesWithSchema::from(resource);
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
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(ProtoResource {
                attributes: resource.attributes.0.clone(),
                dropped_attributes_count: 0,
                entity_refs: Vec::new(),
            }),
            scope_spans: scopes,
            schema_url: resource.schema_url.clone().unwrap_or_default(),
        }],
    }
    .encode_to_vec()
}

fn ours(resource: &Resource, spans: &[SpanData]) -> Vec<u8> {
    let mut out = Vec::new();
    encode(&mut out, &ResourceProto::new(resource), spans);
    out
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
        "ev",
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
        "GET /x é",
        vec![
            KeyValue::new("s", "a\u{1}b"),
            KeyValue::new("empty", ""),
            KeyValue::new("", "no key"),
            KeyValue::new("i", -42_i64),
            KeyValue::new("zero", 0_i64),
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
            KeyValue::new("empty array", Value::Array(Array::I64(vec![]))),
            // long enough that its length needs two and three varint bytes
            KeyValue::new("long", "x".repeat(300)),
            KeyValue::new("longer", "y".repeat(20_000)),
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
        description: Cow::Borrowed("bad thing"),
    };
    span.instrumentation_scope = InstrumentationScope::builder("scope")
        .with_version("1.0")
        .with_schema_url("https://opentelemetry.io/schemas/1.26.0")
        .with_attributes([KeyValue::new("sa", "x")])
        .build();
    span
}

#[test]
fn writes_the_same_bytes_as_the_proto_and_prost_path() {
    let resource = Resource::builder_empty()
        .with_attributes([KeyValue::new("service.name", "svc"), KeyValue::new("n", 3)])
        .with_schema_url([], "https://opentelemetry.io/schemas/1.26.0")
        .build();
    let mut plain = sample_span("plain", vec![]);
    plain.status = Status::Ok;
    let mut internal = sample_span("internal", vec![KeyValue::new("k", "v")]);
    internal.span_kind = SpanKind::Internal;
    internal.end_time = UNIX_EPOCH - Duration::from_secs(1); // before the epoch: 0
    let mut unset = sample_span("", vec![]);
    unset.status = Status::Unset;
    unset.start_time = UNIX_EPOCH;
    let many: Vec<SpanData> = (0..200).map(|_| plain.clone()).collect();
    let batches = [
        vec![rich_span()],
        vec![plain.clone(), rich_span(), internal.clone(), plain.clone()],
        vec![internal, unset],
        many,
        vec![],
    ];
    for spans in &batches {
        assert_eq!(ours(&resource, spans), reference(&resource, spans));
        let empty = Resource::builder_empty().build();
        assert_eq!(ours(&empty, spans), reference(&empty, spans));
    }
}

#[test]
fn attributes_around_the_one_byte_length_limit_are_the_same_bytes() {
    // keys and values whose KeyValue is just under, at and over 127 bytes
    // (the encoder's small path), integers of every varint width
    let resource = Resource::builder_empty().build();
    let mut attributes = Vec::new();
    for key_len in [0, 1, 60, 120, 125, 126, 127, 128, 200] {
        for value_len in [0, 1, 60, 118, 119, 120, 121, 122, 123, 127, 128] {
            attributes.push(KeyValue::new("k".repeat(key_len), "v".repeat(value_len)));
        }
        for n in [0, 1, 127, 128, 1 << 40, i64::MAX, -1, i64::MIN] {
            attributes.push(KeyValue::new("k".repeat(key_len), n));
        }
        attributes.push(KeyValue::new("k".repeat(key_len), true));
        attributes.push(KeyValue::new("k".repeat(key_len), -0.0));
    }
    let spans = vec![sample_span("limits", attributes)];
    assert_eq!(ours(&resource, &spans), reference(&resource, &spans));
}

#[test]
fn decodes_back_into_the_spans() {
    let resource = Resource::builder_empty()
        .with_attributes([KeyValue::new("service.name", "svc")])
        .build();
    let spans = vec![rich_span(), sample_span("second", vec![])];
    let request = ExportTraceServiceRequest::decode(ours(&resource, &spans).as_slice())
        .expect("valid protobuf");
    let scopes = &request.resource_spans[0].scope_spans;
    let names: Vec<&str> = scopes
        .iter()
        .flat_map(|s| &s.spans)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["GET /x é", "second"]);
    let long = scopes[0].spans[0]
        .attributes
        .iter()
        .find(|kv| kv.key == "longer")
        .and_then(|kv| kv.value.as_ref());
    assert!(format!("{long:?}").contains(&"y".repeat(20_000)));
}
