//! The middleware service: one SERVER span per request, the request context
//! attributes, body capture, endpoint metrics.

use std::cell::RefCell;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::response::Response;
use http::{Method, Request};
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt as _, Tracer as _};
use tower_service::Service;

use super::capture::{body_attributes, read_body, wants_capture};
use super::config::HttpConfig;
use super::future::ResponseFuture;
use super::metrics;
use super::propagation::extract;
use super::recorder::Recorder;
use super::request_attributes::{now_ms, request_attributes};
use crate::context::{CONTEXT_HEADERS, RequestAttributes, current_with_ctx_attributes};

/// The service made by [`TelemetryLayer`](super::TelemetryLayer).
#[derive(Debug, Clone)]
pub struct TelemetryService<S> {
    pub(crate) inner: S,
    pub(crate) config: HttpConfig,
}

thread_local! {
    static ROUTE_KEY: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Calls `f` with `"<METHOD> <path>"`, built in a reused buffer.
fn with_route_key<R>(method: &Method, path: &str, f: impl FnOnce(&str) -> R) -> R {
    let build = |s: &mut String| {
        s.clear();
        s.push_str(method.as_str());
        s.push(' ');
        s.push_str(path);
    };
    ROUTE_KEY.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => {
            build(&mut s);
            f(&s)
        }
        Err(_) => {
            let mut s = String::new();
            build(&mut s);
            f(&s)
        }
    })
}

impl<S> Service<Request<Body>> for TelemetryService<S>
where
    S: Service<Request<Body>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display + Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let tracer = crate::global::tracer();
        let metrics_on = metrics::enabled();
        if tracer.is_none() && !metrics_on {
            return ResponseFuture::direct(self.inner.call(request), None);
        }
        let start = Instant::now();
        let config = &self.config.inner;
        let (mut parts, body) = request.into_parts();
        let route = parts.extensions.get::<MatchedPath>().cloned();
        let (traced, metered) = with_route_key(&parts.method, parts.uri.path(), |key| {
            (
                tracer.is_some() && !config.excluded_routes.is_match(key),
                metrics_on && config.metric_routes.is_match(key),
            )
        });

        let mut cx = current_with_ctx_attributes();
        if let Some(attributes) = cx.get::<RequestAttributes>() {
            for (name, key) in CONTEXT_HEADERS {
                if let Some(value) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
                    attributes.insert(key, value.to_owned());
                }
            }
        }

        let mut capture = false;
        if let (true, Some(tracer)) = (traced, tracer) {
            let parent = extract(&cx, &parts.headers);
            let target = route.as_ref().map_or(parts.uri.path(), MatchedPath::as_str);
            let name = format!("{} {}", parts.method, target);
            let mut span = tracer
                .span_builder(name)
                .with_kind(SpanKind::Server)
                .start_with_context(tracer, &parent);
            if span.is_recording() {
                let route = route.as_ref().map(MatchedPath::as_str);
                span.set_attributes(request_attributes(&mut parts, config, now_ms(), route));
                capture = wants_capture(&parts, config);
            }
            cx = parent.with_span(span);
        }

        let method = parts.method.clone();
        let recorder = Recorder::new(
            self.config.inner.clone(),
            cx,
            traced,
            metered,
            start,
            method,
            route,
        );
        if capture {
            let limit = config.body_capture_limit;
            let config = self.config.clone();
            let span_cx = recorder.context().clone();
            let ready = self.inner.clone();
            let mut inner = std::mem::replace(&mut self.inner, ready);
            let call = async move {
                let (bytes, body) = read_body(body, limit).await;
                if let Some(bytes) = bytes {
                    let attributes = body_attributes(&bytes, &config.inner.body_keys);
                    span_cx.span().set_attributes(attributes);
                }
                inner.call(Request::from_parts(parts, body)).await
            };
            return ResponseFuture::boxed(Box::pin(call), Some(recorder));
        }
        let request = Request::from_parts(parts, body);
        ResponseFuture::direct(self.inner.call(request), Some(recorder))
    }
}
