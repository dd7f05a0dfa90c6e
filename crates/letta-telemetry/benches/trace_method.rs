//! `#[trace_method]` against an untraced call and the plain SDK span.
//!
//! Spans go to a processor that discards them, so the figures are the cost
//! of creating, filling and ending spans, not of exporting them.
//!
//! `two_params/*`: a call with a `&str` and an `i64` parameter — untraced,
//! traced with tracing off (run first, before a tracer is installed),
//! sampled, sampled out (under a non-sampled remote parent), and the plain
//! SDK span with the same two attributes: alone (`sdk_plain`), made current
//! like the traced span (`sdk_plain_current`), and made current with status
//! OK set before it ends (`sdk_plain_current_ok`, the same work as a traced
//! call). `async_sampled` / `async_sampled_out`: the same call as an `async
//! fn` whose body completes on its first poll. `large/*`: 5 MB and 50 MB `String` and `Vec<u64>`
//! parameters; formatting stops at the 2 MiB limit, so 50 MB should cost
//! about the same as 5 MB.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use letta_telemetry::trace_method;
use opentelemetry::trace::{
    SpanContext, SpanId, Status, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider, Span, SpanData, SpanProcessor};

#[trace_method]
fn traced(user: &str, n: i64) -> i64 {
    black_box(n) + black_box(user.len() as i64)
}

#[trace_method]
async fn traced_async(user: &str, n: i64) -> i64 {
    black_box(n) + black_box(user.len() as i64)
}

/// Polls a future that completes on its first poll.
fn run_ready<F: Future>(future: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::pin!(future).poll(&mut cx) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => unreachable!("the body never awaits"),
    }
}

#[inline(never)]
fn untraced(user: &str, n: i64) -> i64 {
    black_box(n) + black_box(user.len() as i64)
}

#[trace_method]
fn big_string(value: &str) -> usize {
    black_box(value.len())
}

#[trace_method]
fn big_vec(values: &Vec<u64>) -> usize {
    black_box(values.len())
}

#[derive(Debug)]
struct Discard;

impl SpanProcessor for Discard {
    fn on_start(&self, _: &mut Span, _: &Context) {}
    fn on_end(&self, span: SpanData) {
        black_box(span);
    }
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _: Duration) -> OTelSdkResult {
        Ok(())
    }
}

fn tracer() -> SdkTracer {
    static PROVIDER: std::sync::OnceLock<SdkTracer> = std::sync::OnceLock::new();
    PROVIDER
        .get_or_init(|| {
            let provider = SdkTracerProvider::builder()
                .with_span_processor(Discard)
                .build();
            let tracer = provider.tracer("bench");
            letta_telemetry::__private::install_tracer(tracer.clone());
            tracer
        })
        .clone()
}

fn off(c: &mut Criterion) {
    let mut group = c.benchmark_group("two_params");
    group.bench_function("untraced", |b| {
        b.iter(|| untraced(black_box("agent-1"), black_box(42)))
    });
    group.bench_function("off", |b| {
        b.iter(|| traced(black_box("agent-1"), black_box(42)))
    });
    group.finish();
}

fn on(c: &mut Criterion) {
    let tracer = tracer();
    let mut group = c.benchmark_group("two_params");
    group.bench_function("sampled", |b| {
        b.iter(|| traced(black_box("agent-1"), black_box(42)))
    });
    group.bench_function("async_sampled", |b| {
        b.iter(|| run_ready(traced_async(black_box("agent-1"), black_box(42))))
    });
    group.bench_function("sampled_out", |b| {
        let parent = Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(7u128),
            SpanId::from(9u64),
            TraceFlags::default(),
            true,
            TraceState::default(),
        ));
        let _attached = parent.attach();
        b.iter(|| traced(black_box("agent-1"), black_box(42)))
    });
    group.bench_function("async_sampled_out", |b| {
        let parent = Context::new().with_remote_span_context(SpanContext::new(
            TraceId::from(7u128),
            SpanId::from(9u64),
            TraceFlags::default(),
            true,
            TraceState::default(),
        ));
        let _attached = parent.attach();
        b.iter(|| run_ready(traced_async(black_box("agent-1"), black_box(42))))
    });
    group.bench_function("sdk_plain", |b| {
        b.iter(|| {
            let (user, n) = (black_box("agent-1"), black_box(42));
            let mut span = tracer
                .span_builder("bench.plain")
                .with_attributes([
                    KeyValue::new("parameter.user", user.to_owned()),
                    KeyValue::new("parameter.n", n),
                ])
                .start(&tracer);
            let out = untraced(user, n);
            opentelemetry::trace::Span::end(&mut span);
            out
        })
    });
    group.bench_function("sdk_plain_current", |b| {
        b.iter(|| {
            let (user, n) = (black_box("agent-1"), black_box(42));
            let span = tracer
                .span_builder("bench.plain")
                .with_attributes([
                    KeyValue::new("parameter.user", user.to_owned()),
                    KeyValue::new("parameter.n", n),
                ])
                .start(&tracer);
            let cx = Context::current_with_span(span);
            let out = {
                let _attached = cx.clone().attach();
                untraced(user, n)
            };
            cx.span().end();
            out
        })
    });
    group.bench_function("sdk_plain_current_ok", |b| {
        b.iter(|| {
            let (user, n) = (black_box("agent-1"), black_box(42));
            let span = tracer
                .span_builder("bench.plain")
                .with_attributes([
                    KeyValue::new("parameter.user", user.to_owned()),
                    KeyValue::new("parameter.n", n),
                ])
                .start(&tracer);
            let cx = Context::current_with_span(span);
            let out = {
                let _attached = cx.clone().attach();
                untraced(user, n)
            };
            let span = cx.span();
            span.set_status(Status::Ok);
            span.end();
            out
        })
    });
    group.finish();

    let mut group = c.benchmark_group("large");
    group.sample_size(20);
    for mb in [5, 50] {
        let text = "x".repeat(mb * 1_000_000);
        group.bench_function(format!("string_{mb}mb"), |b| {
            b.iter(|| big_string(black_box(&text)))
        });
        let values: Vec<u64> = (0..(mb * 1_000_000 / 8) as u64).map(|i| i * 7919).collect();
        group.bench_function(format!("vec_u64_{mb}mb"), |b| {
            b.iter(|| big_vec(black_box(&values)))
        });
    }
    group.finish();
}

criterion_group!(benches, off, on);
criterion_main!(benches);
