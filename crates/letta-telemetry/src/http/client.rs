//! Outgoing HTTP: a CLIENT span per reqwest call, with `traceparent`
//! injected.

use http::Extensions;
use opentelemetry::context::FutureExt as _;
use opentelemetry::trace::{Span as _, SpanKind, Status, TraceContextExt as _, Tracer as _};
use opentelemetry::{Context, KeyValue};
use reqwest_middleware::{Middleware, Next};

use super::propagation::inject;
use super::redact::redact_url;
use crate::exception::record_exception;
use crate::semconv;

/// Middleware for [`reqwest_middleware`] that traces outgoing calls.
///
/// Each call gets a CLIENT span named after the method, child of the current
/// span, with `http.request.method`, `url.full` (credentials and secret
/// query parameters `REDACTED`), `server.address`, `server.port` and
/// `http.response.status_code`; the status is ERROR from 400 up and on
/// transport errors. The span context is injected (`traceparent`) so the
/// server continues the trace. Baggage (the `baggage` header, which may
/// carry what an inbound request put there) is sent only to the hosts named
/// with [`ClientTracing::with_baggage_to`]: none by default. When tracing is
/// off the call goes straight through.
///
/// ```
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(letta_telemetry::http::ClientTracing::default())
///     .build();
/// # drop(client);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientTracing {
    /// Hosts (lower case) that receive the `baggage` header.
    baggage_hosts: Vec<String>,
}

impl ClientTracing {
    /// Sends the `baggage` header to these hosts (exact host names, any
    /// port) besides `traceparent`; every other destination gets trace
    /// context only.
    ///
    /// ```
    /// let tracing = letta_telemetry::http::ClientTracing::default()
    ///     .with_baggage_to(["billing.internal"]);
    /// # drop(tracing);
    /// ```
    #[must_use]
    pub fn with_baggage_to<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.baggage_hosts = hosts
            .into_iter()
            .map(|h| h.as_ref().to_ascii_lowercase())
            .collect();
        self
    }

    fn sends_baggage_to(&self, url: &reqwest::Url) -> bool {
        url.host_str()
            .is_some_and(|h| self.baggage_hosts.iter().any(|b| b.eq_ignore_ascii_case(h)))
    }
}

#[async_trait::async_trait]
impl Middleware for ClientTracing {
    async fn handle(
        &self,
        mut request: reqwest::Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let Some(tracer) = crate::global::tracer() else {
            return next.run(request, extensions).await;
        };
        let method = request.method().as_str().to_owned();
        let raw_url = request.url().as_str().to_owned();
        let url = redact_url(&raw_url).into_owned();
        let parent = Context::current();
        let mut span = tracer
            .span_builder(method.clone())
            .with_kind(SpanKind::Client)
            .start_with_context(tracer, &parent);
        if span.is_recording() {
            let mut attributes = Vec::with_capacity(8);
            if semconv::legacy_attributes() {
                attributes.push(KeyValue::new(semconv::legacy::HTTP_METHOD, method.clone()));
                attributes.push(KeyValue::new(semconv::legacy::HTTP_URL, url.clone()));
            }
            attributes.push(KeyValue::new(semconv::HTTP_REQUEST_METHOD, method));
            attributes.push(KeyValue::new(semconv::URL_FULL, url.clone()));
            if let Some(host) = request.url().host_str() {
                attributes.push(KeyValue::new(semconv::SERVER_ADDRESS, host.to_owned()));
            }
            if let Some(port) = request.url().port_or_known_default() {
                attributes.push(KeyValue::new(semconv::SERVER_PORT, i64::from(port)));
            }
            span.set_attributes(attributes);
        }
        let cx = parent.with_span(span);
        let baggage = self.sends_baggage_to(request.url());
        inject(&cx, request.headers_mut(), baggage);

        let result = next.run(request, extensions).with_context(cx.clone()).await;

        let span = cx.span();
        if span.is_recording() {
            match &result {
                Ok(response) => {
                    let status = response.status();
                    let code = i64::from(status.as_u16());
                    span.set_attribute(KeyValue::new(semconv::HTTP_RESPONSE_STATUS_CODE, code));
                    if semconv::legacy_attributes() {
                        span.set_attribute(KeyValue::new(semconv::legacy::HTTP_STATUS_CODE, code));
                    }
                    span.set_attribute(KeyValue::new(
                        semconv::NETWORK_PROTOCOL_VERSION,
                        semconv::protocol_version(response.version()),
                    ));
                    if status.as_u16() >= 400 {
                        span.set_attribute(KeyValue::new(
                            semconv::ERROR_TYPE,
                            status.as_str().to_owned(),
                        ));
                        span.set_status(Status::error(status.canonical_reason().unwrap_or("")));
                    }
                }
                Err(error) => {
                    // Error messages may quote the URL: never its credentials.
                    let message = error.to_string().replace(&raw_url, &url);
                    let kind = if error.is_middleware() {
                        "middleware"
                    } else {
                        "reqwest::Error"
                    };
                    record_exception(&cx.span(), kind, message, Vec::new());
                }
            }
        }
        span.end();
        result
    }
}
