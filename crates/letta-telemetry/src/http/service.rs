//! The middleware service: one SERVER span per request, the request context
//! attributes, body capture, endpoint metrics.

use std::borrow::Cow;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::response::Response;
use http::Request;
use opentelemetry::Context as OtelContext;
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt as _, Tracer as _};
use tower_service::Service;

use super::capture::{body_attributes, read_body, wants_capture};
use super::config::HttpConfig;
use super::endpoint::{EndpointCache, span_name, unmatched_span_name};
use super::future::ResponseFuture;
use super::metrics;
use super::path_params::path_params;
use super::propagation::extract;
use super::recorder::Recorder;
use super::request_attributes::request_attributes;
use super::request_headers::RequestHeaders;
use crate::context::with_ctx_attributes_set;
use crate::prediction::predict;
use crate::timestamp::now_ms;

/// The service made by [`TelemetryLayer`](super::TelemetryLayer).
#[derive(Debug, Clone)]
pub struct TelemetryService<S> {
    pub(crate) inner: S,
    pub(crate) config: HttpConfig,
    pub(crate) endpoint: Arc<EndpointCache>,
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
        let method = parts.method.as_str();
        let path = parts.uri.path();
        let traced = tracer.is_some() && !config.excluded_routes.is_match(method, path);
        let metered = metrics_on && config.metric_routes.is_match(method, path);

        // The server span, when traced: the caller's parent, the sampling
        // decision, and for a span that records (only then) its attributes,
        // built before the span starts when the sampler's decision is known
        // from the parent alone.
        let mut headers = RequestHeaders::scan(&parts.headers);
        let endpoint = self.endpoint.get(route.as_ref(), &parts.method);
        let mut span = None;
        let mut parent = None;
        let mut capture = false;
        // Expanded in place (not closures) so that the borrows of the
        // request's parts stay per field.
        // A request no route matched is named by its method alone: its raw
        // path (`/v1/agents/../../etc/passwd`) would make span names
        // unbounded. The path is in `url.path`.
        macro_rules! full_name {
            () => {
                match route.as_ref() {
                    Some(route) => span_name(method, route.as_str()),
                    None => Cow::Borrowed(unmatched_span_name(&parts.method)),
                }
            };
        }
        macro_rules! attributes {
            () => {{
                let params = path_params(&mut parts.extensions);
                let (route, entry_ms) = (route.as_ref(), now_ms());
                request_attributes(
                    &parts,
                    config,
                    entry_ms,
                    route,
                    endpoint,
                    &mut headers,
                    params,
                )
            }};
        }
        if let (true, Some(tracer)) = (traced, tracer) {
            let parent_cx =
                OtelContext::map_current(|current| extract(current, &parts.headers, headers.w3c));
            let prediction = predict(&parent_cx);
            let records = prediction.records;
            // A span known to record nothing (a caller's decision not to
            // record that the sampler follows, or a root the ratio sampler
            // drops): no server span (its id would reach no backend). The
            // request runs in the context the prediction gives; its children
            // see the same decision and trace id.
            match prediction.unrecorded_context(parent_cx) {
                Ok(unrecorded) => parent = Some(unrecorded),
                Err(parent_cx) => {
                    let name = match (records, endpoint) {
                        (Some(false), _) => Cow::Borrowed(""),
                        (_, Some(endpoint)) => Cow::Borrowed(endpoint.name()),
                        (_, None) => full_name!(),
                    };
                    let mut builder = tracer.span_builder(name).with_kind(SpanKind::Server);
                    let prebuilt = records == Some(true);
                    if prebuilt {
                        builder = builder.with_attributes(attributes!());
                    }
                    let mut started =
                        prediction.start(|| builder.start_with_context(tracer, &parent_cx));
                    if started.is_recording() {
                        if !prebuilt {
                            if records == Some(false) {
                                // the sampler decided otherwise than predicted
                                started.update_name(full_name!());
                            }
                            started.set_attributes(attributes!());
                        }
                        capture = wants_capture(&parts, config);
                    }
                    span = Some(started);
                    parent = Some(parent_cx);
                }
            }
        }

        // The request context attributes: one store, filled from the headers.
        let attributes = headers.context_attributes();
        let mut cx = match &parent {
            Some(parent) => with_ctx_attributes_set(parent, attributes),
            None => {
                OtelContext::map_current(|current| with_ctx_attributes_set(current, attributes))
            }
        };
        drop(parent);
        if let Some(span) = span {
            cx = cx.with_span(span);
        }
        drop(headers);

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
