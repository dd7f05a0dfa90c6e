//! Span attributes of an incoming request: the reference's names and the
//! stable semantic-convention names beside them.
//!
//! Built only for spans that record. Keys are static strings (or cached per
//! path parameter name), header values are read once and shared between the
//! request context attributes and the span, the authority is parsed once per
//! endpoint, and nothing goes through `format!`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, RawPathParams};
use http::request::Parts;
use http::{HeaderName, HeaderValue};
use opentelemetry::{Key, KeyValue, Value};
use smallvec::SmallVec;

use super::authority::{Authority, authority_text};
use super::client_address::ip_value;
use super::config::ConfigInner;
use super::endpoint::Endpoint;
use super::path_params::param_key;
use super::redact::{REDACTED, is_denied_header, redact_query};
use super::request_headers::RequestHeaders;
use super::shared_value::shared_value;
use super::span_header::SpanHeader;
use crate::metrics::method_value;
use crate::semconv;

/// Room left in a server span's attribute list for the response's
/// (`http.status_code`, `http.response.status_code`, `error.type`).
const RESPONSE_ATTRIBUTES: usize = 3;

/// Every attribute known when the request arrives (the body aside), in a
/// list with room for the response's attributes and no more: counted
/// first, so that the list is allocated once at its size (a small
/// allocation, the allocator's fast path) and a span in the export queue
/// holds no unused slack.
pub(crate) fn request_attributes(
    parts: &Parts,
    config: &ConfigInner,
    entry_ms: i64,
    route: Option<&MatchedPath>,
    endpoint: Option<&Endpoint>,
    headers: &mut RequestHeaders<'_>,
    params: Option<RawPathParams>,
) -> Vec<KeyValue> {
    let method = Value::String(method_value(parts.method.as_str()));
    let (scheme, scheme_str): (Value, &str) = match parts.uri.scheme_str() {
        None | Some("http") => (Value::from("http"), "http"),
        Some("https") => (Value::from("https"), "https"),
        Some(other) => (Value::from(other.to_owned()), other),
    };
    let path = parts.uri.path();
    let query = parts.uri.query().map(redact_query);
    let raw_authority = authority_text(parts, headers.host);
    let own_authority;
    let authority = match endpoint.and_then(|e| e.authority(raw_authority, scheme_str)) {
        Some(kept) => kept,
        None => {
            own_authority = Authority::new(raw_authority, scheme_str);
            &own_authority
        }
    };
    let server = authority.server();
    let route = match endpoint {
        Some(endpoint) => Some(endpoint.route_value()),
        None => route.map(|r| shared_value(r.as_str())),
    };
    let client = parts.extensions.get::<ConnectInfo<SocketAddr>>();
    let legacy = semconv::legacy_attributes();
    // looked up once: counted here, recorded below (inline: none are
    // configured by default)
    let extra_headers: SmallVec<[(&HeaderName, &String, &HeaderValue); 4]> = config
        .extra_headers
        .iter()
        .filter_map(|(name, key)| Some((name, key, parts.headers.get(name)?)))
        .collect();
    let param_count = params.as_ref().map_or(0, |p| p.iter().count());
    // entry time, method, path, scheme, protocol version: always
    let count = 5
        + 2 * usize::from(legacy)
        + usize::from(query.is_some())
        + usize::from(route.is_some())
        + server
            .as_ref()
            .map_or(0, |(_, port)| 1 + usize::from(port.is_some()))
        + client.map_or(0, |_| 1 + usize::from(config.client_port))
        + headers.present()
        + usize::from(headers.is_present(SpanHeader::UserAgent))
        + extra_headers.len()
        + param_count;
    let mut out = Vec::with_capacity(count + RESPONSE_ATTRIBUTES);

    out.push(KeyValue::new(
        Key::from_static_str("entry.timestamp_ms"),
        entry_ms,
    ));
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
        out.push(KeyValue::new(
            Key::from_static_str(semconv::legacy::HTTP_URL),
            authority.url(scheme_str, path, query.as_deref()),
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
    if let Some(route) = route {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::HTTP_ROUTE),
            route,
        ));
    }
    if let Some((host, port)) = server {
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
    if let Some(ConnectInfo(addr)) = client {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::CLIENT_ADDRESS),
            ip_value(addr.ip()),
        ));
        if config.client_port {
            out.push(KeyValue::new(
                Key::from_static_str(semconv::CLIENT_PORT),
                i64::from(addr.port()),
            ));
        }
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
    for (name, key, value) in extra_headers {
        let value = if is_denied_header(name) {
            REDACTED.to_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        out.push(KeyValue::new(key.clone(), value));
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpConfig;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut builder = http::Request::get(uri);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let (mut parts, ()) = builder
            .body(())
            .map(http::Request::into_parts)
            .unwrap_or_else(|_| http::Request::new(()).into_parts());
        let client = SocketAddr::from(([10, 0, 0, 9], 40000));
        parts.extensions.insert(ConnectInfo(client));
        parts
    }

    /// The attributes of `parts` (no route, no endpoint, no path parameters).
    fn attributes_of(parts: &Parts, config: &HttpConfig) -> Vec<KeyValue> {
        let mut headers = RequestHeaders::scan(&parts.headers);
        request_attributes(parts, &config.inner, 1, None, None, &mut headers, None)
    }

    fn value(list: &[KeyValue], key: &str) -> Option<Value> {
        list.iter()
            .find(|kv| kv.key.as_str() == key)
            .map(|kv| kv.value.clone())
    }

    fn text(list: &[KeyValue], key: &str) -> Option<String> {
        value(list, key).map(|v| v.as_str().into_owned())
    }

    /// Unused slots beyond the room kept for the response's attributes.
    fn slack(list: &Vec<KeyValue>) -> usize {
        list.capacity() - list.len() - RESPONSE_ATTRIBUTES
    }

    fn config(
        build: impl FnOnce(crate::http::HttpConfigBuilder) -> crate::http::HttpConfigBuilder,
    ) -> HttpConfig {
        build(HttpConfig::builder()).build().unwrap_or_default()
    }

    #[test]
    fn the_list_is_counted_exactly_with_room_for_the_response() {
        let with_headers = config(|b| {
            b.with_captured_header("x-request-id", "request.id")
                .with_captured_header("x-absent", "absent")
        });
        let full = parts(
            "/v1/agents/a1?q=1&api_key=k",
            &[
                ("host", "127.0.0.1:8283"),
                ("user-agent", "bench/1"),
                ("x-agent-id", "agent-1"),
                ("x-request-id", "r-1"),
                // not visible ASCII: counted, gives no attribute
                ("x-project-id", "caf\u{e9}"),
            ],
        );
        let list = attributes_of(&full, &with_headers);
        assert_eq!(slack(&list), 1, "{list:?}");
        assert_eq!(value(&list, "project.id"), None);
        for bare in [
            parts("http://example.com/v1/health", &[]),
            parts("/v1/health", &[]),
        ] {
            let list = attributes_of(&bare, &with_headers);
            assert_eq!(slack(&list), 0, "{list:?}");
        }
    }

    #[test]
    fn the_authority_and_the_client_are_recorded_and_client_port_is_opt_in() {
        let request = parts("http://example.com/v1/health", &[]);
        let list = attributes_of(&request, &HttpConfig::default());
        assert_eq!(
            text(&list, semconv::SERVER_ADDRESS).as_deref(),
            Some("example.com")
        );
        assert_eq!(value(&list, semconv::SERVER_PORT), Some(Value::I64(80)));
        assert_eq!(
            text(&list, semconv::CLIENT_ADDRESS).as_deref(),
            Some("10.0.0.9")
        );
        assert_eq!(value(&list, semconv::CLIENT_PORT), None);
        if semconv::legacy_attributes() {
            assert_eq!(
                text(&list, semconv::legacy::HTTP_URL).as_deref(),
                Some("http://example.com/v1/health")
            );
        }
        let list = attributes_of(&request, &config(|b| b.with_client_port(true)));
        assert_eq!(slack(&list), 0);
        assert_eq!(value(&list, semconv::CLIENT_PORT), Some(Value::I64(40000)));
    }

    #[test]
    fn the_query_is_redacted_and_headers_are_recorded() {
        let request = parts(
            "/v1/agents/a1?q=1&api_key=k",
            &[
                ("host", "127.0.0.1:8283"),
                ("user-agent", "bench/1"),
                ("x-agent-id", "agent-1"),
                ("x-request-id", "r-1"),
            ],
        );
        let list = attributes_of(
            &request,
            &config(|b| b.with_captured_header("x-request-id", "request.id")),
        );
        assert_eq!(slack(&list), 0);
        let text = |key: &str| text(&list, key);
        assert_eq!(
            text(semconv::URL_QUERY).as_deref(),
            Some("q=1&api_key=REDACTED")
        );
        assert_eq!(
            text(semconv::USER_AGENT_ORIGINAL).as_deref(),
            Some("bench/1")
        );
        assert_eq!(text("client").as_deref(), Some("bench/1"));
        assert_eq!(text("agent.id").as_deref(), Some("agent-1"));
        assert_eq!(text("request.id").as_deref(), Some("r-1"));
        assert_eq!(text(semconv::SERVER_ADDRESS).as_deref(), Some("127.0.0.1"));
        if semconv::legacy_attributes() {
            assert_eq!(
                text(semconv::legacy::HTTP_URL).as_deref(),
                Some("http://127.0.0.1:8283/v1/agents/a1?q=1&api_key=REDACTED")
            );
        }
    }
}
