//! Span attributes of an incoming request: the reference's names and the
//! stable semantic-convention names beside them.
//!
//! Built only for spans that record. Keys are static strings (or cached per
//! path parameter name), header values are read once and shared between the
//! request context attributes and the span, and nothing goes through
//! `format!`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, RawPathParams};
use http::request::Parts;
use opentelemetry::{Key, KeyValue, Value};
use smallvec::SmallVec;

use super::config::ConfigInner;
use super::endpoint::Endpoint;
use super::path_params::param_key;
use super::redact::{REDACTED, is_denied_header, redact_query};
use super::request_headers::RequestHeaders;
use super::server_address::{ip_value, legacy_url, server_address};
use super::shared_value::shared_value;
use super::span_header::SpanHeader;
use crate::metrics::method_value;
use crate::semconv;

/// Room left in a server span's attribute list for the response's
/// (`http.status_code`, `http.response.status_code`, `error.type`).
const RESPONSE_ATTRIBUTES: usize = 3;

/// Most request attributes gathered on the stack before they are moved to
/// the span's list; more (many path parameters or extra headers) spill to
/// the heap.
const STAGED_ATTRIBUTES: usize = 28;

/// Every attribute known when the request arrives (the body aside), in a
/// list with room for the response's attributes and no more: sized so
/// that, for a typical request, it is a small allocation (the allocator's
/// fast path) and a span in the export queue holds no unused slack.
pub(crate) fn request_attributes(
    parts: &Parts,
    config: &ConfigInner,
    entry_ms: i64,
    route: Option<&MatchedPath>,
    endpoint: Option<&Endpoint>,
    headers: &mut RequestHeaders<'_>,
    params: Option<RawPathParams>,
) -> Vec<KeyValue> {
    let mut out = SmallVec::<[KeyValue; STAGED_ATTRIBUTES]>::new();
    let method = Value::String(method_value(parts.method.as_str()));
    let (scheme, scheme_str): (Value, &str) = match parts.uri.scheme_str() {
        None | Some("http") => (Value::from("http"), "http"),
        Some("https") => (Value::from("https"), "https"),
        Some(other) => (Value::from(other.to_owned()), other),
    };
    let path = parts.uri.path();
    let query = parts.uri.query().map(redact_query);
    let server = server_address(parts, scheme_str);

    out.push(KeyValue::new(
        Key::from_static_str("entry.timestamp_ms"),
        entry_ms,
    ));
    let legacy = semconv::legacy_attributes();
    if legacy {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::legacy::HTTP_METHOD),
            method.clone(),
        ));
    }
    out.push(KeyValue::new(
        Key::from_static_str(semconv::HTTP_REQUEST_METHOD),
        method,
    ));
    if legacy {
        let url = legacy_url(scheme_str, server, path, query.as_deref());
        out.push(KeyValue::new(
            Key::from_static_str(semconv::legacy::HTTP_URL),
            url,
        ));
    }
    out.push(KeyValue::new(
        Key::from_static_str(semconv::URL_PATH),
        shared_value(path),
    ));
    out.push(KeyValue::new(
        Key::from_static_str(semconv::URL_SCHEME),
        scheme,
    ));
    if let Some(q) = query {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::URL_QUERY),
            shared_value(&q),
        ));
    }
    out.push(KeyValue::new(
        Key::from_static_str(semconv::NETWORK_PROTOCOL_VERSION),
        semconv::protocol_version(parts.version),
    ));
    let route = match endpoint {
        Some(endpoint) => Some(endpoint.route_value()),
        None => route.map(|r| shared_value(r.as_str())),
    };
    if let Some(route) = route {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::HTTP_ROUTE),
            route,
        ));
    }
    if let Some((host, port)) = server {
        let host = match endpoint {
            Some(endpoint) => endpoint.host_value(host),
            None => shared_value(host),
        };
        out.push(KeyValue::new(
            Key::from_static_str(semconv::SERVER_ADDRESS),
            host,
        ));
        if let Some(port) = port {
            out.push(KeyValue::new(
                Key::from_static_str(semconv::SERVER_PORT),
                i64::from(port),
            ));
        }
    }
    if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::CLIENT_ADDRESS),
            ip_value(addr.ip()),
        ));
        out.push(KeyValue::new(
            Key::from_static_str(semconv::CLIENT_PORT),
            i64::from(addr.port()),
        ));
    }
    if let Some(ua) = headers.get_or(SpanHeader::UserAgent, endpoint) {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::USER_AGENT_ORIGINAL),
            ua,
        ));
    }
    for header in SpanHeader::ALL {
        if let Some(value) = headers.get_or(header, endpoint) {
            out.push(KeyValue::new(Key::from_static_str(header.key()), value));
        }
    }
    for (name, key) in &config.extra_headers {
        if let Some(value) = parts.headers.get(name) {
            let value = if is_denied_header(name) {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            out.push(KeyValue::new(key.clone(), value));
        }
    }
    if let Some(params) = params {
        for (name, value) in &params {
            let (key, secret) = param_key(name);
            let value = if secret {
                Value::from(REDACTED)
            } else {
                shared_value(value)
            };
            out.push(KeyValue::new(key, value));
        }
    }
    let mut list = Vec::with_capacity(out.len() + RESPONSE_ATTRIBUTES);
    list.extend(out.drain(..));
    list
}
