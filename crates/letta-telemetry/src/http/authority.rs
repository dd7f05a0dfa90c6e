//! Where a request was addressed, as span attribute values:
//! `server.address` and `server.port` from the URI's authority or the
//! `Host` header, and the `scheme://host[:port]` start of the legacy
//! `http.url`.
//!
//! A server is addressed by one name or a few, so the endpoint cache keeps
//! the first authority it sees parsed ([`super::endpoint::Endpoint`]): a
//! later request with the same text and scheme takes its values by
//! comparing the text, instead of parsing it and formatting the URL's start
//! again (~1.3 thousand instructions per traced request).

use http::HeaderValue;
use http::request::Parts;
use opentelemetry::Value;

use super::client_address::push_decimal;
use super::shared_value::shared_value;

/// A request's authority, parsed.
#[derive(Debug)]
pub(crate) struct Authority {
    /// For a parse that is kept for later requests: the text it was parsed
    /// from (`None`: the request had neither an absolute URI nor a `Host`
    /// header) and the scheme (it decides the default port).
    key: Option<(Option<Box<str>>, Box<str>)>,
    /// `server.address` and `server.port` (the scheme's default port when
    /// the authority names none, none for an unknown scheme).
    server: Option<(Value, Option<u16>)>,
    /// `scheme://host[:port]`, the port left out when it is the scheme's
    /// default.
    url_prefix: Box<str>,
}

/// The authority text of a request: the URI's, else the `Host` header's
/// (`host`, found by the one scan of the headers).
pub(crate) fn authority_text<'a>(
    parts: &'a Parts,
    host: Option<&'a HeaderValue>,
) -> Option<&'a str> {
    match parts.uri.authority() {
        Some(a) => Some(a.as_str()),
        None => host?.to_str().ok(),
    }
}

impl Authority {
    /// Parses `raw` for later requests with the same text and scheme
    /// ([`Authority::is_for`]).
    pub(crate) fn kept(raw: Option<&str>, scheme: &str) -> Self {
        Self {
            key: Some((raw.map(Box::from), scheme.into())),
            ..Self::new(raw, scheme)
        }
    }

    /// Parses `raw` for one request (any userinfo is dropped: it is never
    /// recorded).
    pub(crate) fn new(raw: Option<&str>, scheme: &str) -> Self {
        let parsed = raw.map(|raw| split_host_port(raw, scheme));
        let mut url_prefix = String::with_capacity(scheme.len() + 3 + raw.map_or(0, str::len));
        url_prefix.push_str(scheme);
        url_prefix.push_str("://");
        if let Some((host, port)) = parsed {
            if host.contains(':') {
                url_prefix.push('[');
                url_prefix.push_str(host);
                url_prefix.push(']');
            } else {
                url_prefix.push_str(host);
            }
            let default = matches!((scheme, port), ("http", Some(80)) | ("https", Some(443)));
            if let (Some(port), false) = (port, default) {
                url_prefix.push(':');
                push_decimal(&mut url_prefix, port);
            }
        }
        Self {
            key: None,
            server: parsed.map(|(host, port)| (shared_value(host), port)),
            url_prefix: url_prefix.into_boxed_str(),
        }
    }

    /// Whether this is a kept parse of `raw` with `scheme`.
    pub(crate) fn is_for(&self, raw: Option<&str>, scheme: &str) -> bool {
        self.key
            .as_ref()
            .is_some_and(|(kept, kept_scheme)| kept.as_deref() == raw && **kept_scheme == *scheme)
    }

    /// `server.address` and `server.port`, when the request named a host.
    pub(crate) fn server(&self) -> Option<(Value, Option<u16>)> {
        self.server.clone()
    }

    /// The legacy `http.url`: this authority's URL start, `path` and the
    /// (already redacted) `query`, sized exactly so that it becomes the
    /// attribute value without another copy.
    pub(crate) fn url(&self, path: &str, query: Option<&str>) -> String {
        let query_len = query.map_or(0, |q| q.len() + 1);
        let mut url = String::with_capacity(self.url_prefix.len() + path.len() + query_len);
        url.push_str(&self.url_prefix);
        url.push_str(path);
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        url
    }
}

/// `(host, port)` of an authority; the port is the scheme's default when
/// the authority names none.
fn split_host_port<'a>(authority: &'a str, scheme: &str) -> (&'a str, Option<u16>) {
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
    (host, port)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, host: Option<&str>) -> Parts {
        let mut builder = http::Request::get(uri);
        if let Some(host) = host {
            builder = builder.header("host", host);
        }
        builder
            .body(())
            .map(http::Request::into_parts)
            .map_or_else(|_| http::Request::new(()).into_parts().0, |(p, ())| p)
    }

    fn server(a: &Authority) -> Option<(String, Option<u16>)> {
        a.server()
            .map(|(host, port)| (host.as_str().into_owned(), port))
    }

    #[test]
    fn addresses_come_from_the_uri_or_the_host_header() {
        let p = parts("http://user:pw@[::1]:8080/x", Some("ignored:1"));
        let host = p.headers.get("host");
        let a = Authority::new(authority_text(&p, host), "http");
        assert_eq!(server(&a), Some(("::1".into(), Some(8080))));
        assert_eq!(a.url("/x", Some("a=1")), "http://[::1]:8080/x?a=1");

        let p = parts("/x", Some("example.com"));
        let a = Authority::new(authority_text(&p, p.headers.get("host")), "https");
        assert_eq!(server(&a), Some(("example.com".into(), Some(443))));
        assert_eq!(a.url("/x", None), "https://example.com/x");

        let a = Authority::new(Some("example.com:80"), "http");
        assert_eq!(a.url("/", None), "http://example.com/");
        let a = Authority::new(Some("example.com:8443"), "https");
        assert_eq!(a.url("/", None), "https://example.com:8443/");
        let a = Authority::new(Some("example.com"), "grpc");
        assert_eq!(server(&a), Some(("example.com".into(), None)));

        let p = parts("/x", None);
        let a = Authority::new(authority_text(&p, None), "http");
        assert_eq!(server(&a), None);
        assert_eq!(a.url("/x", None), "http:///x");
    }

    #[test]
    fn a_parse_is_for_its_own_text_and_scheme_only() {
        let a = Authority::kept(Some("127.0.0.1:8283"), "http");
        assert!(a.is_for(Some("127.0.0.1:8283"), "http"));
        assert_eq!(server(&a), Some(("127.0.0.1".into(), Some(8283))));
        assert!(!a.is_for(Some("127.0.0.1:8283"), "https"));
        assert!(!a.is_for(Some("127.0.0.1:8284"), "http"));
        assert!(!a.is_for(None, "http"));
        assert!(Authority::kept(None, "http").is_for(None, "http"));
        // a parse for one request is for no later one
        assert!(
            !Authority::new(Some("127.0.0.1:8283"), "http").is_for(Some("127.0.0.1:8283"), "http")
        );
    }
}
