//! The span size estimate bounds the real protobuf encoding from above, and
//! truncation brings a span under its budget with a marker.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use letta_telemetry::testing::size::{
    TRUNCATION_MARKER, resource_size_upper_bound, scope_size_upper_bound, span_size_upper_bound,
    truncate_span,
};
use letta_telemetry::traces::TRUNCATED_ATTRIBUTE;
use opentelemetry::trace::{
    Event, Link, SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{Array, InstrumentationScope, KeyValue, StringValue, Value};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span as ProtoSpan;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};
use prost::Message;

/// A small deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn text(&mut self, max: u64) -> String {
        const PIECES: [&str; 6] = ["a", "Z9", "é", "日本", "🦀", " \"\\\n"];
        let len = self.below(max + 1);
        (0..len)
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }
    fn value(&mut self) -> Value {
        match self.below(8) {
            0 => Value::Bool(self.below(2) == 1),
            1 => Value::I64(-(self.next() as i64) * 7919),
            2 => Value::I64(self.next() as i64),
            3 => Value::F64(self.next() as f64 / 3.0),
            4 => Value::Array(Array::String(
                (0..self.below(5))
                    .map(|_| StringValue::from(self.text(20)))
                    .collect(),
            )),
            5 => Value::Array(Array::I64(
                (0..self.below(5)).map(|_| -(self.next() as i64)).collect(),
            )),
            _ => Value::from(self.text(300)),
        }
    }
    fn attributes(&mut self, max: u64) -> Vec<KeyValue> {
        (0..self.below(max + 1))
            .map(|_| KeyValue::new(self.text(12), self.value()))
            .collect()
    }
}

fn context(r: &mut Lcg) -> SpanContext {
    let state = if r.below(2) == 0 {
        TraceState::NONE
    } else {
        TraceState::from_key_value([("vendor", "abc"), ("other", "x-y")]).unwrap_or_default()
    };
    SpanContext::new(
        TraceId::from(u128::from(r.next()) << 64 | 1),
        SpanId::from(r.next() | 1),
        TraceFlags::SAMPLED,
        r.below(2) == 0,
        state,
    )
}

fn random_span(r: &mut Lcg, scope: &InstrumentationScope) -> SpanData {
    let events = (0..r.below(4))
        .map(|_| {
            Event::new(
                r.text(20),
                SystemTime::now(),
                r.attributes(3),
                r.below(3) as u32,
            )
        })
        .collect();
    let links = (0..r.below(3))
        .map(|_| Link::new(context(r), r.attributes(2), 0))
        .collect();
    SpanData {
        span_context: context(r),
        parent_span_id: if r.below(2) == 0 {
            SpanId::INVALID
        } else {
            SpanId::from(r.next() | 1)
        },
        parent_span_is_remote: r.below(2) == 0,
        span_kind: SpanKind::Server,
        name: Cow::Owned(r.text(40)),
        start_time: SystemTime::UNIX_EPOCH + Duration::from_nanos(r.next()),
        end_time: SystemTime::now(),
        attributes: r.attributes(12),
        dropped_attributes_count: r.below(1000) as u32,
        events: {
            let mut e = SpanEvents::default();
            e.events = events;
            e.dropped_count = r.below(5) as u32;
            e
        },
        links: {
            let mut l = SpanLinks::default();
            l.links = links;
            l
        },
        status: if r.below(2) == 0 {
            Status::Ok
        } else {
            Status::error(r.text(50))
        },
        instrumentation_scope: scope.clone(),
    }
}

fn varint_len(n: usize) -> usize {
    prost::encoding::encoded_len_varint(n as u64)
}

#[test]
fn estimate_is_an_upper_bound_of_the_prost_encoding() {
    let mut r = Lcg(42);
    let scope = InstrumentationScope::builder("letta")
        .with_version("1.2.3")
        .with_attributes([KeyValue::new("k", "v")])
        .build();
    for _ in 0..2000 {
        let span = random_span(&mut r, &scope);
        let estimate = span_size_upper_bound(&span);
        let encoded = ProtoSpan::from(span.clone()).encoded_len();
        // The span's own field prefix inside ScopeSpans: tag + length.
        let real = 1 + varint_len(encoded) + encoded;
        assert!(
            estimate >= real,
            "estimate {estimate} < encoded {real} for {span:#?}"
        );
    }
}

#[test]
fn estimate_of_a_whole_request_bounds_its_encoding() {
    let mut r = Lcg(7);
    let resource = Resource::builder_empty()
        .with_service_name("letta-server")
        .with_attributes([KeyValue::new("host.name", "h"), KeyValue::new("n", 3)])
        .build();
    let scopes = [
        InstrumentationScope::builder("letta").build(),
        InstrumentationScope::builder("other")
            .with_version("0.1")
            .with_schema_url("https://opentelemetry.io/schemas/1.21.0")
            .build(),
    ];
    for _ in 0..50 {
        let spans: Vec<SpanData> = (0..r.below(600))
            .map(|_| {
                let scope = &scopes[r.below(2) as usize];
                random_span(&mut r, scope)
            })
            .collect();
        let mut estimate = resource_size_upper_bound(&resource);
        for scope in &scopes {
            if spans.iter().any(|s| &s.instrumentation_scope == scope) {
                estimate += scope_size_upper_bound(scope);
            }
        }
        estimate += spans.iter().map(span_size_upper_bound).sum::<usize>();
        let request = ExportTraceServiceRequest {
            resource_spans: group_spans_by_resource_and_scope(
                spans,
                &ResourceAttributesWithSchema::from(&resource),
            ),
        };
        let real = request.encoded_len();
        assert!(estimate >= real, "estimate {estimate} < encoded {real}");
    }
}

fn big_span(text: String) -> SpanData {
    let mut r = Lcg(1);
    let mut span = random_span(&mut r, &InstrumentationScope::builder("letta").build());
    span.attributes = vec![
        KeyValue::new("small", "kept"),
        KeyValue::new("parameter.big", text),
        KeyValue::new("n", 4),
    ];
    span
}

#[test]
fn a_span_over_budget_is_cut_on_a_char_boundary_with_a_marker() {
    // Multi-byte characters everywhere, so a cut at a byte count would split one.
    let text: String = "日本🦀é".repeat(6 * 1024 * 1024 / 11);
    let original_len = text.len();
    let mut span = big_span(text);
    let budget = 4 * 1024 * 1024 - 8192;
    assert!(truncate_span(&mut span, budget));
    assert!(span_size_upper_bound(&span) <= budget);
    let get = |k: &str| span.attributes.iter().find(|kv| kv.key.as_str() == k);
    let big = get("parameter.big").map(|kv| kv.value.as_str().into_owned());
    let big = big.unwrap_or_default();
    assert!(big.ends_with(TRUNCATION_MARKER));
    assert!(
        big.len() < original_len && big.len() > 3 * 1024 * 1024,
        "{}",
        big.len()
    );
    assert_eq!(
        get(TRUNCATED_ATTRIBUTE).map(|kv| kv.value.clone()),
        Some(Value::Bool(true))
    );
    assert_eq!(
        get("small").map(|kv| kv.value.as_str().into_owned()),
        Some("kept".into())
    );
    // Still encodable and within the budget once encoded.
    assert!(ProtoSpan::from(span).encoded_len() <= budget);
}

#[test]
fn a_span_within_budget_is_left_alone() {
    let mut span = big_span("x".repeat(1000));
    let before = span.clone();
    assert!(!truncate_span(&mut span, 1 << 20));
    assert_eq!(span, before);
}

#[test]
fn many_small_attributes_over_budget_are_dropped_and_counted() {
    let mut span = big_span(String::new());
    span.attributes = (0..5000)
        .map(|i| KeyValue::new(format!("k{i}"), i64::from(i)))
        .collect();
    span.dropped_attributes_count = 0;
    assert!(truncate_span(&mut span, 10_000));
    assert!(span_size_upper_bound(&span) <= 10_000);
    assert!(span.dropped_attributes_count > 0);
}
