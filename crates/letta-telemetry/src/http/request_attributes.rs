//! Span attributes of an incoming request: the reference's names and the
//! stable semantic-convention names beside them.

use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, RawPathParams};
use http::request::Parts;
use http::{HeaderMap, header};
use opentelemetry::{KeyValue, Value};

use super::config::ConfigInner;
use super::redact::{REDACTED, is_denied_header, is_secret_name, redact_query};

/// Request headers copied to span attributes when present (reference §3).
pub const SPAN_HEADERS: [(&str, &str); 10] = [
    ("user_id", "user.id"),
    ("x-organization-id", "organization.id"),
    ("x-project-id", "project.id"),
    ("x-agent-id", "agent.id"),
    ("x-template-id", "template.id"),
    ("x-base-template-id", "base_template.id"),
    ("user-agent", "client"),
    ("x-stainless-package-version", "sdk.version"),
    ("x-stainless-lang", "sdk.language"),
    ("x-letta-source", "source"),
];

/// The method as an attribute value, without allocating for the standard
/// methods.
fn method_value(method: &http::Method) -> Value {
    const STANDARD: [&str; 9] = [
        "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE",
    ];
    match STANDARD.iter().find(|m| **m == method.as_str()) {
        Some(m) => Value::from(*m),
        None => Value::from(method.as_str().to_owned()),
    }
}

/// Wall-clock milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `(host, port)` the request was addressed to, from the URI or `Host`.
fn server_address(parts: &Parts, scheme: &str) -> Option<(String, Option<u16>)> {
    let authority = parts
        .uri
        .authority()
        .map(|a| a.as_str())
        .or_else(|| header_str(&parts.headers, header::HOST.as_str()))?;
    // Drop any userinfo: it is never recorded.
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let (host, port) = if let Some(rest) = host_port.strip_prefix('[') {
        // IPv6 literal: `[::1]:8080`
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        (
            host,
            after.strip_prefix(':').and_then(|p| p.parse::<u16>().ok()),
        )
    } else {
        match host_port.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().ok()),
            None => (host_port, None),
        }
    };
    let port = port.or(match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    });
    Some((host.to_owned(), port))
}

/// Every attribute known when the request arrives (the body aside).
pub(crate) fn request_attributes(
    parts: &mut Parts,
    config: &ConfigInner,
    entry_ms: i64,
    route: Option<&str>,
) -> Vec<KeyValue> {
    let mut out = Vec::with_capacity(24);
    let method = method_value(&parts.method);
    let scheme: Value = match parts.uri.scheme_str() {
        None | Some("http") => Value::from("http"),
        Some("https") => Value::from("https"),
        Some(other) => Value::from(other.to_owned()),
    };
    let path = parts.uri.path();
    let query = parts.uri.query().map(redact_query);
    let scheme_str = scheme.as_str();
    let server = server_address(parts, &scheme_str);

    let mut url = String::with_capacity(64);
    url.push_str(&scheme_str);
    url.push_str("://");
    if let Some((host, port)) = &server {
        if host.contains(':') {
            url.push('[');
            url.push_str(host);
            url.push(']');
        } else {
            url.push_str(host);
        }
        if let Some(port) = port {
            let default = matches!((&*scheme_str, port), ("http", 80) | ("https", 443));
            if !default {
                url.push(':');
                url.push_str(&port.to_string());
            }
        }
    }
    url.push_str(path);
    if let Some(q) = &query {
        url.push('?');
        url.push_str(q);
    }

    out.push(KeyValue::new("entry.timestamp_ms", entry_ms));
    out.push(KeyValue::new("http.method", method.clone()));
    out.push(KeyValue::new("http.request.method", method));
    out.push(KeyValue::new("http.url", url));
    out.push(KeyValue::new("url.path", path.to_owned()));
    drop(scheme_str);
    out.push(KeyValue::new("url.scheme", scheme));
    if let Some(q) = query {
        out.push(KeyValue::new("url.query", q.into_owned()));
    }
    if let Some(route) = route {
        out.push(KeyValue::new("http.route", route.to_owned()));
    }
    if let Some((host, port)) = server {
        out.push(KeyValue::new("server.address", host));
        if let Some(port) = port {
            out.push(KeyValue::new("server.port", i64::from(port)));
        }
    }
    if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
        out.push(KeyValue::new("client.address", addr.ip().to_string()));
        out.push(KeyValue::new("client.port", i64::from(addr.port())));
    }
    if let Some(ua) = header_str(&parts.headers, header::USER_AGENT.as_str()) {
        out.push(KeyValue::new("user_agent.original", ua.to_owned()));
    }
    for (name, key) in SPAN_HEADERS {
        if let Some(value) = header_str(&parts.headers, name) {
            out.push(KeyValue::new(key, value.to_owned()));
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
    path_params(parts, &mut out);
    out
}

/// Each path parameter of the matched route as `http.<name>`.
fn path_params(parts: &mut Parts, out: &mut Vec<KeyValue>) {
    use axum::extract::FromRequestParts as _;
    use futures_util::FutureExt as _;

    // The extractor only reads the request extensions: it is ready at once.
    let Some(Ok(params)) = RawPathParams::from_request_parts(parts, &()).now_or_never() else {
        return;
    };
    for (name, value) in &params {
        let value = if is_secret_name(name) {
            REDACTED.to_owned()
        } else {
            value.to_owned()
        };
        out.push(KeyValue::new(format!("http.{name}"), value));
    }
}
