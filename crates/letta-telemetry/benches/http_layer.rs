//! Cost of the HTTP server layer per request, driven in-process with
//! `tower::ServiceExt::oneshot`: the bare router, the layer with telemetry
//! off, sampled and sampled out, and minimal hand-written layers on the
//! plain `opentelemetry` API doing the span work (and the endpoint metric
//! work) only, for comparison.
//!
//! The "off" cases run first: installing the tracer and the meter provider
//! is process-wide and cannot be undone. Every traced case, plain SDK
//! included, goes through the same provider: the crate's production span
//! pipeline (`BoundedBatchSpanProcessor`) to a void exporter, so the
//! differences are the layers' own work. Metrics go to the in-memory metric
//! recorder (aggregation only; it exports once an hour).
//!
//! Every router is resolved with `Router::with_state(())` before it is
//! driven, as `axum::serve` does (`Router::into_make_service`): otherwise
//! axum turns each handler into a route, and applies the layers to it, on
//! every request, which no served app does.

#![allow(missing_docs, clippy::unwrap_used)]

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use axum::Router;
use axum::body::Body;
use axum::response::Response;
use axum::routing::get;
use criterion::{Criterion, criterion_group, criterion_main};
use http::Request;
use letta_telemetry::http::{HttpConfig, TelemetryLayer};
use opentelemetry::KeyValue;
use opentelemetry::context::FutureExt as _;
use opentelemetry::global::BoxedTracer;
use opentelemetry::metrics::{Counter, Histogram};
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt as _, Tracer as _};
use opentelemetry_instrumentation_tower::http::extractors::AxumMatchedPathExtractor;
use opentelemetry_instrumentation_tower::http::server::LayerBuilder;
use tower::{Service, ServiceExt as _};

const SAMPLED: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const NOT_SAMPLED: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

fn router() -> Router {
    Router::new().route("/v1/agents/{agent_id}", get(|| async { "ok" }))
}

fn instrumented() -> Router {
    // endpoint metrics on for the benchmarked route
    let config = HttpConfig::builder()
        .with_metric_routes(["^GET /v1/agents/[^/]+$"])
        .build()
        .unwrap();
    router().layer(TelemetryLayer::new(config)).with_state(())
}

fn request(traceparent: Option<&str>) -> Request<Body> {
    let mut builder = Request::get("http://127.0.0.1:8283/v1/agents/agent-123")
        .header("host", "127.0.0.1:8283")
        .header("user-agent", "bench/1.0")
        .header("x-organization-id", "org-1")
        .header("x-agent-id", "agent-123");
    if let Some(tp) = traceparent {
        builder = builder.header("traceparent", tp);
    }
    builder.body(Body::empty()).unwrap()
}

/// W3C trace context extraction from request headers.
struct Headers<'a>(&'a http::HeaderMap);

impl opentelemetry::propagation::Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// Endpoint metrics of the plain comparison layer.
struct PlainMetrics {
    duration: Histogram<f64>,
    count: Counter<u64>,
}

/// The plain-SDK comparison: a SERVER span with a handful of attributes
/// around the inner call, and optionally a histogram and a counter with the
/// endpoint attributes at the end, nothing else. The tracer (and the
/// instruments) are made once, as a real layer would.
#[derive(Clone)]
struct PlainSdk<S> {
    inner: S,
    tracer: std::sync::Arc<BoxedTracer>,
    metrics: Option<std::sync::Arc<PlainMetrics>>,
}

impl<S> PlainSdk<S> {
    fn new(inner: S, meter: Option<&opentelemetry::metrics::Meter>) -> Self {
        let metrics = meter.map(|m| {
            std::sync::Arc::new(PlainMetrics {
                duration: m.f64_histogram("plain_e2e_ms").build(),
                count: m.u64_counter("plain_requests").build(),
            })
        });
        Self {
            inner,
            tracer: std::sync::Arc::new(opentelemetry::global::tracer("bench")),
            metrics,
        }
    }
}

impl<S> Service<Request<Body>> for PlainSdk<S>
where
    S: Service<Request<Body>, Response = Response> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let start = std::time::Instant::now();
        let tracer = &*self.tracer;
        let parent =
            opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(req.headers())));
        let mut span = tracer
            .span_builder(format!("{} {}", req.method(), "/v1/agents/{agent_id}"))
            .with_kind(SpanKind::Server)
            .start_with_context(tracer, &parent);
        span.set_attributes([
            KeyValue::new("http.request.method", req.method().as_str().to_owned()),
            KeyValue::new("url.path", req.uri().path().to_owned()),
            KeyValue::new("http.route", "/v1/agents/{agent_id}"),
        ]);
        let cx = parent.with_span(span);
        let method = req.method().clone();
        let metrics = self.metrics.clone();
        let fut = self.inner.call(req).with_context(cx.clone());
        Box::pin(async move {
            let response = fut.await;
            if let Ok(r) = &response {
                let status = i64::from(r.status().as_u16());
                cx.span()
                    .set_attribute(KeyValue::new("http.response.status_code", status));
                if let Some(m) = metrics {
                    let attributes = [
                        KeyValue::new("endpoint_path", "/v1/agents/{agent_id}"),
                        KeyValue::new("method", method.as_str().to_owned()),
                        KeyValue::new("status_code", status),
                    ];
                    let ms = start.elapsed().as_secs_f64() * 1000.0;
                    m.duration.record(ms, &attributes);
                    m.count.add(1, &attributes);
                }
            }
            cx.span().end();
            response
        })
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let bare = router().with_state(());
    let layered = instrumented();
    let mut group = c.benchmark_group("http_layer");
    macro_rules! case {
        ($name:expr, $service:expr, $traceparent:expr) => {
            group.bench_function($name, |b| {
                b.iter(|| {
                    let response = rt.block_on($service.clone().oneshot(request($traceparent)));
                    black_box(response.unwrap());
                });
            });
        };
    }
    case!("bare_router", bare, None);
    case!("layer_off", layered, None);

    assert!(letta_telemetry::testing::install_void_tracer());
    let metrics = letta_telemetry::testing::install_metric_recorder();
    case!("layer_sampled", layered, Some(SAMPLED));
    case!("layer_sampled_out", layered, Some(NOT_SAMPLED));
    let traced_only = router().layer(TelemetryLayer::default()).with_state(());
    case!(
        "layer_sampled_no_endpoint_metrics",
        traced_only,
        Some(SAMPLED)
    );
    let plain = PlainSdk::new(router().with_state(()).into_service::<Body>(), None);
    case!("plain_sdk_layer_sampled", plain, Some(SAMPLED));
    let meter = opentelemetry::metrics::MeterProvider::meter(metrics.provider(), "bench");
    let plain_metrics = PlainSdk::new(router().with_state(()).into_service::<Body>(), Some(&meter));
    case!(
        "plain_sdk_layer_sampled_metrics",
        plain_metrics,
        Some(SAMPLED)
    );
    // The OpenTelemetry tower layer (opentelemetry-rust-contrib), with axum's
    // route template, on the same tracer and meter providers.
    opentelemetry::global::set_meter_provider(metrics.provider().clone());
    let otel_tower = router()
        .layer(
            LayerBuilder::builder()
                .with_route_extractor(AxumMatchedPathExtractor)
                .build()
                .unwrap(),
        )
        .with_state(());
    case!(
        "otel_tower_layer_sampled_metrics",
        otel_tower,
        Some(SAMPLED)
    );
    group.finish();
    // spans the void pipeline dropped (queue full) would flatter the figures
    let stats = letta_telemetry::traces::stats().snapshot();
    eprintln!(
        "void pipeline: {} spans enqueued, {} dropped (queue full)",
        stats.spans_enqueued, stats.spans_dropped_queue_full
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
