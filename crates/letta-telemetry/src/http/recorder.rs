//! What is remembered about one request between its arrival and the end of
//! its response body, and how it is finished: span end, endpoint and SSE
//! metrics. Finishing happens exactly once; dropping an unfinished recorder
//! (the client went away) finishes it as a disconnect.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::MatchedPath;
use axum::response::Response;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use http_body::Body as _;
use opentelemetry::trace::{Status, TraceContextExt as _};
use opentelemetry::{Context, ContextGuard, KeyValue};

use super::config::{ConfigInner, StatusRule};
use super::metrics;
use crate::exception::record_exception;
use crate::semconv;

/// Status code recorded on endpoint metrics when the client went away
/// before a response was produced ("client closed request").
pub(crate) const CLIENT_CLOSED_REQUEST: u16 = 499;

/// Marker put in the extensions of responses whose error was already
/// recorded as an exception (by [`super::HttpError`] or a caught panic).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ErrorRecorded;

/// How a request ended.
pub(crate) enum Outcome {
    /// The response (and its body) went out completely.
    Completed,
    /// The client disconnected before the end of the response.
    ClientDisconnect,
    /// The response body failed while streaming.
    BodyError(String),
    /// The inner service returned an error.
    Failed,
}

impl Outcome {
    fn as_str(&self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::ClientDisconnect => "client_disconnect",
            Self::BodyError(_) => "error",
            Self::Failed => "error",
        }
    }
}

/// Per-request state.
pub(crate) struct Recorder {
    config: Arc<ConfigInner>,
    /// The request context: the server span (when traced) and the request
    /// context attributes.
    cx: Context,
    traced: bool,
    metered: bool,
    start: Instant,
    method: Method,
    route: Option<MatchedPath>,
    status: Option<u16>,
    sse_start: Option<Instant>,
    streamed: bool,
    done: bool,
    /// Whether the request context is already current (set by the response
    /// future while it runs the recorder inside its own attach guard), so
    /// that finishing does not attach it a second time.
    pub(crate) in_context: bool,
}

impl Recorder {
    pub(crate) fn new(
        config: Arc<ConfigInner>,
        cx: Context,
        traced: bool,
        metered: bool,
        start: Instant,
        method: Method,
        route: Option<MatchedPath>,
    ) -> Self {
        Self {
            config,
            cx,
            traced,
            metered,
            start,
            method,
            route,
            status: None,
            sse_start: None,
            streamed: false,
            done: false,
            in_context: false,
        }
    }

    /// Makes the request context current (while polling the handler).
    pub(crate) fn attach(&self) -> ContextGuard {
        self.cx.clone().attach()
    }

    /// [`Recorder::attach`] unless the context is already current.
    fn attach_if_needed(&self) -> Option<ContextGuard> {
        (!self.in_context).then(|| self.attach())
    }

    /// The request context.
    pub(crate) fn context(&self) -> &Context {
        &self.cx
    }

    fn route_class(&self) -> &str {
        self.route.as_ref().map_or("unknown", MatchedPath::as_str)
    }

    /// Records a handler panic as an exception.
    pub(crate) fn record_panic(&self, message: &str) {
        if self.traced {
            record_exception(&self.cx.span(), "panic", message, Vec::new());
        }
    }

    /// The inner service returned an error: record it and finish.
    pub(crate) fn fail(mut self, error: &dyn std::fmt::Display) {
        if self.traced {
            record_exception(&self.cx.span(), "error", error.to_string(), Vec::new());
        }
        self.finish(Outcome::Failed);
    }

    /// The response headers are ready: records the status and adds the
    /// trace id header. When the body is already complete (or of known
    /// length) the request is finished now and `None` comes back; otherwise
    /// the recorder comes back for the response future to hand to the body
    /// ([`super::body::TelemetryBody`]), which finishes it at the body's end.
    pub(crate) fn respond(mut self, response: &mut Response) -> Option<Self> {
        let status = response.status();
        self.status = Some(status.as_u16());
        if self.traced {
            self.record_status(status, response);
            self.insert_trace_id(response.headers_mut());
        }
        let sse = is_event_stream(response.headers());
        if sse && metrics::enabled() {
            let _guard = self.attach_if_needed();
            metrics::sse_opened(self.route_class());
            self.sse_start = Some(Instant::now());
        }
        let body = response.body();
        if !sse && (body.is_end_stream() || body.size_hint().exact().is_some()) {
            self.finish(Outcome::Completed);
            return None;
        }
        self.streamed = true;
        // the body ends outside the response future's context
        self.in_context = false;
        Some(self)
    }

    fn record_status(&self, status: StatusCode, response: &Response) {
        let span = self.cx.span();
        if !span.is_recording() {
            return;
        }
        let code = i64::from(status.as_u16());
        let is_error = match self.config.status_rule {
            StatusRule::ServerErrorsOnly => status.is_server_error(),
            _ => status.as_u16() >= 400,
        };
        let recorded = response.extensions().get::<ErrorRecorded>().is_some();
        let stable = KeyValue::new(semconv::HTTP_RESPONSE_STATUS_CODE, code);
        let legacy = semconv::legacy_attributes()
            .then(|| KeyValue::new(semconv::legacy::HTTP_STATUS_CODE, code));
        let error_type = (is_error && !recorded)
            .then(|| KeyValue::new(semconv::ERROR_TYPE, status.as_str().to_owned()));
        span.set_attributes(legacy.into_iter().chain([stable]).chain(error_type));
        if is_error {
            if !recorded {
                span.set_status(Status::error(status.canonical_reason().unwrap_or("")));
            }
        } else if self.config.status_rule == StatusRule::ErrorFrom400 {
            span.set_status(Status::Ok);
        }
    }

    fn insert_trace_id(&self, headers: &mut HeaderMap) {
        let Some(name) = &self.config.trace_id_header else {
            return;
        };
        let span = self.cx.span();
        let span_context = span.span_context();
        // A trace that is not sampled cannot be found: no header.
        if !span_context.is_valid() || !span_context.is_sampled() {
            return;
        }
        let hex = trace_id_hex(span_context.trace_id().to_bytes());
        if let Ok(value) = HeaderValue::from_bytes(&hex) {
            headers.insert(name.clone(), value);
        }
    }

    /// Ends the request: endpoint and SSE metrics, span end. Idempotent.
    pub(crate) fn finish(&mut self, outcome: Outcome) {
        if self.done {
            return;
        }
        self.done = true;
        let elapsed_ms = self.start.elapsed().as_secs_f64() * 1000.0;
        let _guard = if self.metered || self.sse_start.is_some() {
            self.attach_if_needed()
        } else {
            None
        };
        if self.metered {
            let status = match (&outcome, self.status) {
                (Outcome::Failed, _) => 500,
                (_, Some(status)) => status,
                (Outcome::ClientDisconnect, None) => CLIENT_CLOSED_REQUEST,
                (_, None) => 500,
            };
            let path = self.route_class();
            metrics::record_endpoint(path, self.method.as_str(), status, elapsed_ms);
        }
        if let Some(sse_start) = self.sse_start {
            let reason = match outcome {
                Outcome::Completed => None,
                Outcome::ClientDisconnect => Some("client_disconnect"),
                Outcome::BodyError(_) | Outcome::Failed => Some("error"),
            };
            let ms = sse_start.elapsed().as_secs_f64() * 1000.0;
            metrics::sse_closed(self.route_class(), ms, reason);
        }
        if self.traced {
            let span = self.cx.span();
            if span.is_recording() {
                let unfinished =
                    self.status.is_none() && matches!(outcome, Outcome::ClientDisconnect);
                if self.streamed || unfinished {
                    span.set_attribute(KeyValue::new(
                        "http.response.body.outcome",
                        outcome.as_str(),
                    ));
                }
                match &outcome {
                    Outcome::ClientDisconnect => {
                        span.add_event("client_disconnect", Vec::new());
                    }
                    Outcome::BodyError(message) => {
                        record_exception(&self.cx.span(), "body_error", message, Vec::new());
                    }
                    Outcome::Completed | Outcome::Failed => {}
                }
            }
            span.end();
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.finish(Outcome::ClientDisconnect);
    }
}

/// The 32 lowercase hex digits of a trace id.
fn trace_id_hex(bytes: [u8; 16]) -> [u8; 32] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 32];
    for (i, b) in bytes.into_iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 0xf)];
    }
    out
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"))
}

#[cfg(test)]
mod tests {
    use super::trace_id_hex;
    use opentelemetry::trace::TraceId;

    #[test]
    fn trace_id_hex_matches_the_display_form() {
        for id in [1u128, 0x4bf9_2f35_77b3_4da6_a3ce_929d_0e0e_4736, u128::MAX] {
            let id = TraceId::from(id);
            let hex = trace_id_hex(id.to_bytes());
            assert_eq!(
                std::str::from_utf8(&hex).ok(),
                Some(id.to_string().as_str())
            );
        }
    }
}
