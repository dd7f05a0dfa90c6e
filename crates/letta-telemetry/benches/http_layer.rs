//! Cost of the HTTP server layer per request, driven in-process with
//! `tower::ServiceExt::oneshot`: the bare router, the layer with telemetry
//! off, sampled and sampled out, and a minimal hand-written layer on the
//! plain `opentelemetry_sdk` doing the span work only, for comparison.
//!
//! The "off" cases run first: installing the tracer and the meter provider
//! is process-wide and cannot be undone. Spans go to the in-memory recorder
//! of `letta_telemetry::testing` (synchronous export) for every traced case,
//! plain SDK included, so the differences are the layers' own work.

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
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt as _, Tracer as _};
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
    router().layer(TelemetryLayer::new(config))
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

/// The plain-SDK comparison: a SERVER span with a handful of attributes
/// around the inner call, nothing else.
#[derive(Clone)]
struct PlainSdk<S>(S);

impl<S> Service<Request<Body>> for PlainSdk<S>
where
    S: Service<Request<Body>, Response = Response> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let tracer = opentelemetry::global::tracer("bench");
        let mut span = tracer
            .span_builder(format!("{} {}", req.method(), "/v1/agents/{agent_id}"))
            .with_kind(SpanKind::Server)
            .start(&tracer);
        span.set_attributes([
            KeyValue::new("http.request.method", req.method().as_str().to_owned()),
            KeyValue::new("url.path", req.uri().path().to_owned()),
            KeyValue::new("http.route", "/v1/agents/{agent_id}"),
        ]);
        let cx = opentelemetry::Context::current_with_span(span);
        let fut = self.0.call(req).with_context(cx.clone());
        Box::pin(async move {
            let response = fut.await;
            if let Ok(r) = &response {
                cx.span().set_attribute(KeyValue::new(
                    "http.response.status_code",
                    i64::from(r.status().as_u16()),
                ));
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
    let bare = router();
    let layered = instrumented();
    let mut group = c.benchmark_group("http_layer");
    // the span recorder keeps finished spans: forget them every 1024 requests
    let spans = std::cell::OnceCell::<letta_telemetry::testing::SpanRecorder>::new();
    let mut count = 0u32;
    let mut tick = || {
        count = count.wrapping_add(1);
        if count.is_multiple_of(1024)
            && let Some(s) = spans.get()
        {
            s.clear();
        }
    };
    macro_rules! case {
        ($name:expr, $service:expr, $traceparent:expr) => {
            group.bench_function($name, |b| {
                b.iter(|| {
                    let response = rt.block_on($service.clone().oneshot(request($traceparent)));
                    black_box(response.unwrap());
                    tick();
                });
            });
        };
    }
    case!("bare_router", bare, None);
    case!("layer_off", layered, None);

    let _ = spans.set(letta_telemetry::testing::install_span_recorder());
    let _metrics = letta_telemetry::testing::install_metric_recorder();
    case!("layer_sampled", layered, Some(SAMPLED));
    case!("layer_sampled_out", layered, Some(NOT_SAMPLED));
    let traced_only = router().layer(TelemetryLayer::default());
    case!(
        "layer_sampled_no_endpoint_metrics",
        traced_only,
        Some(SAMPLED)
    );
    let plain = PlainSdk(router().into_service::<Body>());
    case!("plain_sdk_layer_sampled", plain, Some(SAMPLED));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
