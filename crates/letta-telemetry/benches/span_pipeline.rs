//! Span start + end through the whole trace pipeline (our bounded batch
//! processor to a void exporter) beside the plain SDK (`BatchSpanProcessor`
//! to the same void exporter); the same sampled out; tracing disabled (the
//! `letta_telemetry::tracer()` check); and "off", no instrumentation at all.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use letta_telemetry::traces::{BatchConfig, BoundedBatchSpanProcessor, stats};
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{
    BatchSpanProcessor, Sampler, SdkTracer, SdkTracerProvider, SpanData, SpanExporter,
};

/// Accepts every batch and does nothing with it.
#[derive(Debug)]
struct Void;

impl SpanExporter for Void {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        black_box(batch);
        Ok(())
    }
}

fn ours(sampler: Sampler) -> (SdkTracerProvider, SdkTracer) {
    let config = BatchConfig::default().with_split_on_too_large(false);
    let processor = match BoundedBatchSpanProcessor::new(config, || Ok(Void)) {
        Ok(p) => p,
        Err(e) => panic!("could not start the processor: {e}"),
    };
    let provider = SdkTracerProvider::builder()
        .with_sampler(sampler)
        .with_span_processor(processor)
        .build();
    let tracer = provider.tracer("bench");
    (provider, tracer)
}

fn sdk(sampler: Sampler) -> (SdkTracerProvider, SdkTracer) {
    let provider = SdkTracerProvider::builder()
        .with_sampler(sampler)
        .with_span_processor(BatchSpanProcessor::builder(Void).build())
        .build();
    let tracer = provider.tracer("bench");
    (provider, tracer)
}

fn attributes(n: usize) -> Vec<KeyValue> {
    [
        KeyValue::new("http.method", "POST"),
        KeyValue::new("http.status_code", 200),
        KeyValue::new("agent.id", "agent-3b1f0a"),
        KeyValue::new("cached", true),
    ]
    .into_iter()
    .take(n)
    .collect()
}

fn one_span(tracer: &SdkTracer, attrs: usize) {
    let mut builder = tracer.span_builder("POST /v1/agents/{agent_id}/messages");
    if attrs > 0 {
        builder = builder.with_attributes(attributes(attrs));
    }
    builder.start(tracer).end();
}

fn bench(c: &mut Criterion) {
    let (ours_provider, ours_tracer) = ours(Sampler::AlwaysOn);
    let (sdk_provider, sdk_tracer) = sdk(Sampler::AlwaysOn);
    let (ours_off_provider, ours_off_tracer) = ours(Sampler::AlwaysOff);
    let (sdk_off_provider, sdk_off_tracer) = sdk(Sampler::AlwaysOff);

    for attrs in [0usize, 4] {
        let mut group = c.benchmark_group(format!("span_{attrs}_attributes"));
        group.bench_function(BenchmarkId::new("pipeline", "letta"), |b| {
            b.iter(|| one_span(&ours_tracer, attrs))
        });
        group.bench_function(BenchmarkId::new("pipeline", "sdk"), |b| {
            b.iter(|| one_span(&sdk_tracer, attrs))
        });
        group.bench_function(BenchmarkId::new("sampled_out", "letta"), |b| {
            b.iter(|| one_span(&ours_off_tracer, attrs))
        });
        group.bench_function(BenchmarkId::new("sampled_out", "sdk"), |b| {
            b.iter(|| one_span(&sdk_off_tracer, attrs))
        });
        // Not initialised: the tracer check is all instrumentation costs.
        group.bench_function(BenchmarkId::new("disabled", "letta"), |b| {
            b.iter(|| {
                if let Some(tracer) = letta_telemetry::tracer() {
                    one_span(tracer, attrs);
                }
                black_box(attrs)
            })
        });
        group.bench_function(BenchmarkId::new("off", "none"), |b| {
            b.iter(|| black_box(attrs))
        });
        group.finish();
    }

    let _ = ours_provider.shutdown();
    let _ = sdk_provider.shutdown();
    let _ = ours_off_provider.shutdown();
    let _ = sdk_off_provider.shutdown();
    let s = stats().snapshot();
    eprintln!(
        "letta pipeline: {} spans exported, {} dropped (queue full)",
        s.spans_exported, s.spans_dropped_queue_full
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
