//! Span attributes of an incoming request: the reference's names and the
//! stable semantic-convention names beside them.
//!
//! Built only for spans that record. Keys are static strings (or cached per
//! path parameter name), header values are read once and shared between the
//! request context attributes and the span, and nothing goes through
//! `format!`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, LazyLock, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::{ConnectInfo, MatchedPath, RawPathParams};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, header};
use opentelemetry::{Key, KeyValue, StringValue, Value};
use smallvec::SmallVec;

use super::config::ConfigInner;
use super::endpoint::Endpoint;
use super::redact::{REDACTED, is_denied_header, redact_query};
use crate::metrics::method_value;
use crate::redact::is_secret_name;
use crate::semconv;

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

/// Index in [`SPAN_HEADERS`] of `user-agent`.
const USER_AGENT_SLOT: usize = 6;

/// Indexes in [`SPAN_HEADERS`] of the headers whose values are few per
/// endpoint (client software and version, source), cached by
/// [`Endpoint::header_value`]; ids are not.
pub(crate) const COMMON_VALUE_SLOTS: [usize; 4] = [USER_AGENT_SLOT, 7, 8, 9];

/// Index in [`SPAN_HEADERS`] of each entry of
/// [`crate::context::CONTEXT_HEADERS`], in that order.
const CONTEXT_SLOTS: [usize; 5] = [1, 2, 5, 4, 3];

/// The headers of one request that instrumentation reads, found in one pass
/// over the header map (cheaper than a hashed lookup per name). Values are
/// turned into attribute values at most once and shared by the context
/// attributes and the span.
pub(crate) struct RequestHeaders<'a> {
    found: [Option<&'a HeaderValue>; 10],
    values: [Option<Option<Value>>; 10],
    /// `traceparent`, `tracestate`, whether `baggage` is present.
    pub(crate) w3c: W3cHeaders<'a>,
}

/// The W3C trace context headers of a request (first values).
#[derive(Default, Clone, Copy)]
pub(crate) struct W3cHeaders<'a> {
    pub(crate) traceparent: Option<&'a HeaderValue>,
    pub(crate) tracestate: Option<&'a HeaderValue>,
    pub(crate) baggage: bool,
}

impl<'a> RequestHeaders<'a> {
    /// Scans `headers` once. The first value of a repeated header wins, as
    /// with [`HeaderMap::get`].
    pub(crate) fn scan(headers: &'a HeaderMap) -> Self {
        let mut found: [Option<&'a HeaderValue>; 10] = [None; 10];
        let mut w3c = W3cHeaders::default();
        for (name, value) in headers {
            let slot = match name.as_str() {
                "user_id" => 0,
                "x-organization-id" => 1,
                "x-project-id" => 2,
                "x-agent-id" => 3,
                "x-template-id" => 4,
                "x-base-template-id" => 5,
                "user-agent" => USER_AGENT_SLOT,
                "x-stainless-package-version" => 7,
                "x-stainless-lang" => 8,
                "x-letta-source" => 9,
                "traceparent" => {
                    w3c.traceparent.get_or_insert(value);
                    continue;
                }
                "tracestate" => {
                    w3c.tracestate.get_or_insert(value);
                    continue;
                }
                "baggage" => {
                    w3c.baggage = true;
                    continue;
                }
                _ => continue,
            };
            found[slot].get_or_insert(value);
        }
        Self {
            found,
            values: Default::default(),
            w3c,
        }
    }

    /// The value of header `SPAN_HEADERS[slot]`, if present and visible
    /// ASCII.
    fn get(&mut self, slot: usize) -> Option<Value> {
        self.get_or(slot, None)
    }

    /// [`RequestHeaders::get`], taking the value from the endpoint's cache
    /// of common values when it has one for this header.
    fn get_or(&mut self, slot: usize, endpoint: Option<&Endpoint>) -> Option<Value> {
        let found = self.found[slot];
        self.values[slot]
            .get_or_insert_with(|| {
                let text = found.and_then(|v| v.to_str().ok())?;
                Some(match endpoint {
                    Some(endpoint) => endpoint.header_value(slot, text),
                    None => shared_value(text),
                })
            })
            .clone()
    }

    /// The request context attributes found in the headers, in
    /// [`crate::context::CONTEXT_HEADERS`] order.
    pub(crate) fn context_attributes(&mut self) -> impl Iterator<Item = KeyValue> + '_ {
        CONTEXT_SLOTS.iter().filter_map(move |&slot| {
            let value = self.get(slot)?;
            Some(KeyValue::new(
                Key::from_static_str(SPAN_HEADERS[slot].1),
                value,
            ))
        })
    }
}

/// A string value whose clones share one allocation.
pub(crate) fn shared_value(s: &str) -> Value {
    Value::String(StringValue::from(Arc::<str>::from(s)))
}

/// Wall-clock milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// `(host, port)` the request was addressed to, from the URI or `Host`.
fn server_address<'a>(parts: &'a Parts, scheme: &str) -> Option<(&'a str, Option<u16>)> {
    let authority = match parts.uri.authority() {
        Some(a) => a.as_str(),
        None => parts.headers.get(header::HOST)?.to_str().ok()?,
    };
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
    Some((host, port))
}

/// Appends the decimal digits of `n`.
fn push_decimal(out: &mut String, n: u16) {
    let mut buf = [0u8; 5];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        // n % 10 < 10: the cast cannot truncate
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// Number of decimal digits of `n`.
fn decimal_len(n: u16) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// An IP address as text (IPv4 without the formatting machinery).
fn ip_value(ip: IpAddr) -> Value {
    match ip {
        IpAddr::V4(v4) => {
            let mut s = String::with_capacity(15);
            for (i, octet) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    s.push('.');
                }
                push_decimal(&mut s, u16::from(octet));
            }
            Value::from(s)
        }
        IpAddr::V6(_) => Value::from(ip.to_string()),
    }
}

/// Room left in a server span's attribute list for the response's
/// (`http.status_code`, `http.response.status_code`, `error.type`).
const RESPONSE_ATTRIBUTES: usize = 3;

/// Most request attributes gathered on the stack before they are moved to
/// the span's list; more (many path parameters or extra headers) spill to
/// the heap.
const STAGED_ATTRIBUTES: usize = 28;

/// The legacy `http.url` of a server span: the request URL rebuilt from the
/// scheme, `Host` and path, with secret query values redacted. Sized
/// exactly, so that it becomes the attribute value without another copy;
/// built only while legacy attributes are on.
fn legacy_url(
    scheme_str: &str,
    server: Option<(&str, Option<u16>)>,
    path: &str,
    query: Option<&str>,
) -> String {
    let port_shown = server
        .and_then(|(_, port)| port)
        .filter(|port| !matches!((scheme_str, *port), ("http", 80) | ("https", 443)));
    let host_len = server.map_or(0, |(host, _)| {
        host.len() + 2 * usize::from(host.contains(':'))
    });
    let mut url = String::with_capacity(
        scheme_str.len()
            + 3
            + host_len
            + port_shown.map_or(0, |p| 1 + decimal_len(p))
            + path.len()
            + query.as_ref().map_or(0, |q| q.len() + 1),
    );
    url.push_str(scheme_str);
    url.push_str("://");
    if let Some((host, _)) = server {
        if host.contains(':') {
            url.push('[');
            url.push_str(host);
            url.push(']');
        } else {
            url.push_str(host);
        }
    }
    if let Some(port) = port_shown {
        url.push(':');
        push_decimal(&mut url, port);
    }
    url.push_str(path);
    if let Some(q) = &query {
        url.push('?');
        url.push_str(q);
    }

    url
}

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
    if let Some(ua) = headers.get_or(USER_AGENT_SLOT, endpoint) {
        out.push(KeyValue::new(
            Key::from_static_str(semconv::USER_AGENT_ORIGINAL),
            ua,
        ));
    }
    for (slot, (_, key)) in SPAN_HEADERS.iter().enumerate() {
        if let Some(value) = headers.get_or(slot, endpoint) {
            out.push(KeyValue::new(Key::from_static_str(key), value));
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

/// The path parameters of the matched route (recorded as `http.<name>`),
/// read from the request extensions alone (so that the headers can stay
/// borrowed meanwhile).
pub(crate) fn path_params(extensions: &mut http::Extensions) -> Option<RawPathParams> {
    use axum::extract::FromRequestParts as _;
    use futures_util::FutureExt as _;

    // A blank `Parts` (no allocation) lent the extensions for the extractor,
    // which only reads them and is ready at once.
    let (mut parts, ()) = http::Request::new(()).into_parts();
    std::mem::swap(&mut parts.extensions, extensions);
    let params = RawPathParams::from_request_parts(&mut parts, &())
        .now_or_never()
        .and_then(Result::ok);
    std::mem::swap(&mut parts.extensions, extensions);
    params
}

/// Most path parameter names remembered by [`param_key`]; route templates
/// are few, so this is never reached by a normal app.
const PARAM_KEY_CACHE_LIMIT: usize = 1024;

/// A path parameter name's attribute key and whether it looks secret, as of
/// a generation of the secret-name list.
struct ParamKey {
    key: Key,
    secret: bool,
    generation: u32,
}

static PARAM_KEYS: LazyLock<RwLock<HashMap<Box<str>, ParamKey>>> =
    LazyLock::new(|| RwLock::new(HashMap::new()));

/// `http.<name>` and whether `name` looks secret, remembered per name (and
/// re-checked when the secret-name list changes).
fn param_key(name: &str) -> (Key, bool) {
    let generation = crate::redact::generation();
    if let Ok(map) = PARAM_KEYS.read()
        && let Some(p) = map.get(name)
        && p.generation == generation
    {
        return (p.key.clone(), p.secret);
    }
    let mut text = String::with_capacity(5 + name.len());
    text.push_str("http.");
    text.push_str(name);
    let key = Key::from(Arc::<str>::from(text));
    let secret = is_secret_name(name);
    if let Ok(mut map) = PARAM_KEYS.write()
        && (map.len() < PARAM_KEY_CACHE_LIMIT || map.contains_key(name))
    {
        map.insert(
            name.into(),
            ParamKey {
                key: key.clone(),
                secret,
                generation,
            },
        );
    }
    (key, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_tables_agree() {
        let mut map = HeaderMap::new();
        for (i, (name, _)) in SPAN_HEADERS.iter().enumerate() {
            let name = http::HeaderName::from_static(name);
            map.append(name.clone(), HeaderValue::from(i));
            map.append(name, HeaderValue::from_static("second"));
        }
        map.insert("traceparent", HeaderValue::from_static("tp"));
        map.insert("baggage", HeaderValue::from_static("b"));
        let mut scanned = RequestHeaders::scan(&map);
        for i in 0..SPAN_HEADERS.len() {
            assert_eq!(scanned.get(i), Some(Value::from(i.to_string())), "{i}");
        }
        assert_eq!(
            scanned.w3c.traceparent.map(HeaderValue::as_bytes),
            Some(&b"tp"[..])
        );
        assert!(scanned.w3c.tracestate.is_none());
        assert!(scanned.w3c.baggage);
        assert_eq!(SPAN_HEADERS[USER_AGENT_SLOT].0, "user-agent");
        for (i, (name, key)) in crate::context::CONTEXT_HEADERS.iter().enumerate() {
            assert_eq!(SPAN_HEADERS[CONTEXT_SLOTS[i]], (*name, *key));
        }
    }

    #[test]
    fn numbers_and_addresses_are_written_plainly() {
        for n in [0u16, 7, 10, 80, 443, 8283, 65535] {
            let mut s = String::new();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
            assert_eq!(decimal_len(n), s.len());
        }
        let v4: IpAddr = "127.0.0.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ip_value(v4).as_str(), "127.0.0.1");
        let v4: IpAddr = "255.10.0.200".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ip_value(v4).as_str(), "255.10.0.200");
        let v6: IpAddr = "::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        assert_eq!(ip_value(v6).as_str(), "::1");
    }

    #[test]
    fn param_keys_follow_the_secret_list() {
        assert_eq!(param_key("agent_id").0.as_str(), "http.agent_id");
        assert!(!param_key("agent_id").1);
        assert!(param_key("api_key").1);
        // cached answers are the same
        assert!(param_key("api_key").1);
        assert!(!param_key("agent_id").1);
    }
}
