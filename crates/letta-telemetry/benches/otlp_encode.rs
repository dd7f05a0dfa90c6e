//! OTLP encoding throughput of a batch of 512 spans: the plain SDK path
//! (transform to protobuf and `prost` encoding, as `opentelemetry-otlp`
//! does) beside ours (the same plus our size estimate of every span);
//! `prost` encoding of a transformed batch alone and with our estimate
//! (the estimate also sizes the output buffer); the estimate alone; and
//! the encoders the span exporters use (`letta_proto`, `letta_json`),
//! written straight from the spans.
//!
//! `large_span`: one span with a 3.9 MiB attribute, near the 4 MiB request
//! limit: its plain protobuf encoding beside sizing it, cutting it to a
//! smaller budget and encoding the result (what the export worker does
//! with a span over the limit).

use std::hint::black_box;
use std::time::SystemTime;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use letta_telemetry::testing::encode::{otlp_json, otlp_proto};
use letta_telemetry::testing::size::{span_size_upper_bound, truncate_span};
use opentelemetry::trace::{
    Event, SpanContext, SpanId, SpanKind, Status, TraceFlags, TraceId, TraceState,
};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SpanData, SpanEvents, SpanLinks};
use prost::Message;

const BATCH: usize = 512;

fn span(i: u64, scope: &InstrumentationScope) -> SpanData {
    let mut events = SpanEvents::default();
    if i.is_multiple_of(4) {
        events.events.push(Event::new(
            "time_to_first_token",
            SystemTime::now(),
            vec![KeyValue::new("ttft_ms", 120)],
            0,
        ));
    }
    SpanData {
        span_context: SpanContext::new(
            TraceId::from(u128::from(i) + 1),
            SpanId::from(i + 1),
            TraceFlags::SAMPLED,
            false,
            TraceState::NONE,
        ),
        parent_span_id: SpanId::from(i + 1000),
        parent_span_is_remote: false,
        span_kind: SpanKind::Server,
        name: "POST /v1/agents/{agent_id}/messages".into(),
        start_time: SystemTime::now(),
        end_time: SystemTime::now(),
        attributes: vec![
            KeyValue::new("http.method", "POST"),
            KeyValue::new("http.status_code", 200),
            KeyValue::new(
                "http.url",
                "http://localhost:8283/v1/agents/agent-1/messages",
            ),
            KeyValue::new("agent.id", format!("agent-{i}")),
            KeyValue::new(
                "organization.id",
                "org-00000000-0000-4000-8000-000000000000",
            ),
            KeyValue::new(
                "parameter.request_data",
                "{\"messages\":[{\"role\":\"user\"}]}",
            ),
        ],
        dropped_attributes_count: 0,
        events,
        links: SpanLinks::default(),
        status: Status::Ok,
        instrumentation_scope: scope.clone(),
    }
}

fn bench(c: &mut Criterion) {
    let scope = InstrumentationScope::builder("letta").build();
    let resource = Resource::builder_empty()
        .with_service_name("letta-server")
        .build();
    let resource = ResourceAttributesWithSchema::from(&resource);
    let batch: Vec<SpanData> = (0..BATCH as u64).map(|i| span(i, &scope)).collect();

    let mut group = c.benchmark_group("otlp_encode_512_spans");
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function(BenchmarkId::new("encode", "sdk"), |b| {
        b.iter_batched(
            || batch.clone(),
            |spans| {
                let request = ExportTraceServiceRequest {
                    resource_spans: group_spans_by_resource_and_scope(spans, &resource),
                };
                black_box(request.encode_to_vec())
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function(BenchmarkId::new("encode", "letta"), |b| {
        b.iter_batched(
            || batch.clone(),
            |spans| {
                let estimate: usize = spans.iter().map(span_size_upper_bound).sum();
                let request = ExportTraceServiceRequest {
                    resource_spans: group_spans_by_resource_and_scope(spans, &resource),
                };
                black_box((estimate, request.encode_to_vec()))
            },
            criterion::BatchSize::LargeInput,
        )
    });
    // What the target is about: our estimate plus `prost` encoding of an
    // already transformed batch (the transform is the SDK's own cost).
    let request = ExportTraceServiceRequest {
        resource_spans: group_spans_by_resource_and_scope(batch.clone(), &resource),
    };
    group.bench_function(BenchmarkId::new("prost_only", "sdk"), |b| {
        b.iter(|| black_box(request.encode_to_vec()))
    });
    group.bench_function(BenchmarkId::new("estimate_and_prost", "letta"), |b| {
        b.iter(|| {
            let estimate: usize = batch.iter().map(span_size_upper_bound).sum();
            let mut buf = Vec::with_capacity(estimate);
            let encoded = request.encode(&mut buf);
            black_box((encoded, buf))
        })
    });
    group.bench_function(BenchmarkId::new("estimate_only", "letta"), |b| {
        b.iter(|| black_box(batch.iter().map(span_size_upper_bound).sum::<usize>()))
    });
    let sdk_resource = Resource::builder_empty()
        .with_service_name("letta-server")
        .build();
    group.bench_function(BenchmarkId::new("encode", "letta_proto"), |b| {
        b.iter(|| black_box(otlp_proto(&sdk_resource, &batch)))
    });
    group.bench_function(BenchmarkId::new("encode", "letta_json"), |b| {
        b.iter(|| black_box(otlp_json(&sdk_resource, &batch)))
    });
    group.bench_function(BenchmarkId::new("off", "none"), |b| {
        b.iter(|| black_box(batch.len()))
    });
    group.finish();

    let mut large = span(1, &scope);
    large
        .attributes
        .push(KeyValue::new("parameter.document", "x".repeat(LARGE)));
    let one = vec![large];
    let mut group = c.benchmark_group("large_span");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(LARGE as u64));
    group.bench_function("plain_encode", |b| {
        b.iter(|| black_box(otlp_proto(&sdk_resource, &one)))
    });
    group.bench_function("size_and_encode", |b| {
        b.iter(|| {
            let estimate = span_size_upper_bound(&one[0]);
            black_box((estimate, otlp_proto(&sdk_resource, &one)))
        })
    });
    group.bench_function("size_cut_and_encode", |b| {
        b.iter_batched(
            || one.clone(),
            |mut spans| {
                let estimate = span_size_upper_bound(&spans[0]);
                truncate_span(&mut spans[0], estimate / 2);
                black_box(otlp_proto(&sdk_resource, &spans))
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

/// The large attribute: 3.9 MiB.
const LARGE: usize = 3_900 * 1024;

criterion_group!(benches, bench);
criterion_main!(benches);
