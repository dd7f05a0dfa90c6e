//! The axum app under test for the HTTP instrumentation tests, served on
//! 127.0.0.1 with a real listener.

#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use letta_telemetry::context;
use letta_telemetry::http::{HttpConfig, HttpError, TelemetryLayer};
use opentelemetry::trace::SpanKind;
use opentelemetry_sdk::trace::SpanData;

/// The app: routes like the agent server's, instrumented with `config`.
pub fn app(config: HttpConfig) -> Router {
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/agents/{agent_id}/messages", post(echo))
        .route("/v1/agents/{agent_id}/messages/stream", post(sse))
        .route("/v1/agents/{agent_id}/messages/async", post(echo))
        .route("/v1/agents/{agent_id}/files/{file_id}", get(ids))
        .route("/v1/status/{code}", get(status))
        .route("/v1/panic", get(panics))
        .route("/v1/error", get(error))
        .route("/v1/context", get(context_attributes))
        .route("/v1/upload", post(echo))
        .route("/v1/traceparent", get(traceparent))
        .route("/v1/baggage", get(baggage))
        .route("/v1/current-span", get(current_span))
        .layer(TelemetryLayer::new(config))
}

/// Echoes the request body bytes unchanged.
async fn echo(body: Bytes) -> Bytes {
    body
}

/// Returns the `traceparent` header the request came with (or nothing).
async fn traceparent(headers: axum::http::HeaderMap) -> String {
    headers
        .get("traceparent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

/// The handler's current span context: `<trace id>-<span id>-<sampled>`.
async fn current_span() -> String {
    use opentelemetry::trace::TraceContextExt as _;
    let cx = opentelemetry::Context::current();
    let span = cx.span();
    let sc = span.span_context();
    format!("{}-{}-{}", sc.trace_id(), sc.span_id(), sc.is_sampled())
}

/// Returns the `baggage` header the request came with (or nothing).
async fn baggage(headers: axum::http::HeaderMap) -> String {
    headers
        .get("baggage")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

async fn ids(Path((agent_id, file_id)): Path<(String, String)>) -> String {
    format!("{agent_id}/{file_id}")
}

async fn status(Path(code): Path<u16>) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::IM_A_TEAPOT)
}

async fn panics() -> &'static str {
    panic!("handler exploded with marker PANIC-MARKER");
}

async fn error() -> Result<&'static str, HttpError> {
    Err(HttpError::new(StatusCode::NOT_FOUND, "agent not found").with_type("NoResultFound"))
}

/// Reads the context attributes in the handler and in a spawned task, and
/// adds one in the spawned task that the handler then sees.
async fn context_attributes() -> String {
    context::add_ctx_attribute("handler.added", "yes");
    let spawned = context::spawn(async {
        context::add_ctx_attribute("task.added", "yes");
        context::get_ctx_attributes().len()
    })
    .await
    .unwrap_or(0);
    let mut all: Vec<String> = context::get_ctx_attributes()
        .into_iter()
        .map(|kv| format!("{}={}", kv.key, kv.value))
        .collect();
    all.sort();
    let metric: Vec<String> = context::metric_attributes()
        .into_iter()
        .map(|kv| kv.key.to_string())
        .collect();
    format!("{}|{}|{}", all.join(","), spawned, metric.join(","))
}

#[derive(serde::Deserialize)]
struct SseParams {
    /// Number of events; 0 means endless (one every 20 ms).
    #[serde(default)]
    events: u32,
}

/// A `text/event-stream` response of `events` events, or endless.
async fn sse(Query(p): Query<SseParams>, _body: Bytes) -> Response {
    let stream = futures_util::stream::unfold(0u32, move |i| async move {
        if p.events != 0 && i >= p.events {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        Some((Ok::<_, Infallible>(format!("data: {i}\n\n")), i + 1))
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    response
}

/// A running server; stopped on drop.
pub struct Server {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `app` on 127.0.0.1 on a free port.
pub async fn serve(app: Router) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("local addr");
    let task = tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    Server { addr, task }
}

/// Waits (up to 5 s) until a span named `name` has finished.
pub async fn wait_span(recorder: &letta_telemetry::testing::SpanRecorder, name: &str) -> SpanData {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(span) = recorder.named(name).into_iter().next() {
            return span;
        }
        assert!(
            Instant::now() < deadline,
            "no span named {name:?}; have {:?}",
            recorder
                .spans()
                .iter()
                .map(|s| s.name.to_string())
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

pub use letta_telemetry::testing::span_attribute as attr;

/// The value of attribute `key` on `span` as a string.
pub fn attr_str(span: &SpanData, key: &str) -> Option<String> {
    attr(span, key).map(|v| v.as_str().into_owned())
}

/// Asserts that `marker` appears in no attribute, event or status of any
/// recorded span.
pub fn assert_marker_absent(recorder: &letta_telemetry::testing::SpanRecorder, marker: &str) {
    for span in recorder.spans() {
        let rendered = format!(
            "{:?} {:?} {:?} {:?}",
            span.name, span.attributes, span.events, span.status
        );
        assert!(
            !rendered.contains(marker),
            "marker {marker:?} leaked into span {:?}: {rendered}",
            span.name
        );
    }
}

/// Whether `span` is a SERVER span.
pub fn is_server(span: &SpanData) -> bool {
    span.span_kind == SpanKind::Server
}
