//! Hot paths of the metric registry: a counter add and a histogram record
//! with five request-context attributes, and a recorded model call.
//!
//! Groups: `off` (before the pipeline is installed: the no-op registry),
//! `letta` (the registry on the installed pipeline, reading the context
//! attributes from the current OpenTelemetry context), and `plain_sdk`
//! (the same record on a plain `opentelemetry_sdk` meter with the same five
//! attributes built per call).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use letta_telemetry::context;
use letta_telemetry::genai::{LlmCall, LlmResponse};
use letta_telemetry::metrics::{self, MetricsOptions};
use letta_telemetry::testing;
use opentelemetry::KeyValue;
use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_sdk::metrics::Temporality;

const CONTEXT: [(&str, &str); 5] = [
    ("organization.id", "org-8c1f2a"),
    ("project.id", "proj-42"),
    ("template.id", "tmpl-7"),
    ("base_template.id", "base-3"),
    ("agent.id", "agent-d41d8cd9"),
];

fn model_call() {
    let call = LlmCall::builder("openai", "gpt-4o").start();
    call.first_token();
    call.finish(
        LlmResponse::new()
            .response_model("gpt-4o-2024-08-06")
            .usage(1200, 250)
            .cost_usd(0.0042)
            .finish_reason("stop"),
    );
}

fn bench(c: &mut Criterion) {
    // Five context attributes, all allow-listed for metrics.
    context::set_metric_attribute_keys(CONTEXT.iter().map(|(k, _)| *k));
    let _scope = context::current_with_ctx_attributes().attach();
    for (k, v) in CONTEXT {
        // owned values, as application code adds them (the store keeps
        // metric attributes shared, see `RequestAttributes::insert`)
        context::add_ctx_attribute(k, v.to_owned());
    }

    {
        let mut g = c.benchmark_group("off");
        let r = metrics::registry();
        g.bench_function("counter_add_5ctx", |b| {
            b.iter(|| r.add_user_messages(black_box(1)))
        });
        g.bench_function("histogram_record_5ctx", |b| {
            b.iter(|| r.record_step_execution_time(black_box(12.5)))
        });
        g.bench_function("model_call", |b| b.iter(model_call));
        g.finish();
    }

    let rec = testing::install_metric_recorder_with(Temporality::Delta, &MetricsOptions::default());
    {
        let mut g = c.benchmark_group("letta");
        let r = metrics::registry();
        g.bench_function("counter_add_5ctx", |b| {
            b.iter(|| r.add_user_messages(black_box(1)))
        });
        g.bench_function("histogram_record_5ctx", |b| {
            b.iter(|| r.record_step_execution_time(black_box(12.5)))
        });
        g.bench_function("endpoint_request_3own_5ctx", |b| {
            b.iter(|| {
                r.record_endpoint_request(
                    "/v1/agents/{agent_id}/messages",
                    "POST",
                    200,
                    black_box(9.0),
                )
            })
        });
        g.bench_function("model_call", |b| b.iter(model_call));
        g.finish();
    }
    {
        let mut g = c.benchmark_group("plain_sdk");
        let meter = rec.provider().meter("bench");
        let counter = meter.u64_counter("plain_counter").build();
        let hist = meter.f64_histogram("plain_hist").build();
        let attrs = || CONTEXT.map(|(k, v)| KeyValue::new(k, v.to_owned()));
        g.bench_function("counter_add_5attrs", |b| {
            b.iter(|| counter.add(black_box(1), &attrs()))
        });
        g.bench_function("histogram_record_5attrs", |b| {
            b.iter(|| hist.record(black_box(12.5), &attrs()))
        });
        let fixed = attrs();
        g.bench_function("counter_add_5attrs_prebuilt", |b| {
            b.iter(|| counter.add(black_box(1), &fixed))
        });
        g.finish();
    }
    let _ = rec.collect();
}

criterion_group!(benches, bench);
criterion_main!(benches);
