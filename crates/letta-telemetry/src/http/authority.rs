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

use super::client_address::{decimal_len, push_decimal};
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
    /// The port `http.url` shows: none when it is the scheme's default.
    shown_port: Option<u16>,
    /// For a kept parse, `scheme://host[:port]`, written once; a parse for
    /// one request writes it straight into its URL instead.
    url_prefix: Option<Box<str>>,
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
        let mut kept = Self::new(raw, scheme);
        let mut prefix = String::with_capacity(kept.prefix_len(scheme));
        kept.write_prefix(&mut prefix, scheme);
        kept.url_prefix = Some(prefix.into_boxed_str());
        kept.key = Some((raw.map(Box::from), scheme.into()));
        kept
    }

    /// Parses `raw` for one request (any userinfo is dropped: it is never
    /// recorded).
    pub(crate) fn new(raw: Option<&str>, scheme: &str) -> Self {
        let parsed = raw.map(|raw| split_host_port(raw, scheme));
        let shown_port = parsed
            .and_then(|(_, port)| port)
            .filter(|port| !matches!((scheme, *port), ("http", 80) | ("https", 443)));
        Self {
            key: None,
            server: parsed.map(|(host, port)| (shared_value(host), port)),
            shown_port,
            url_prefix: None,
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

    /// The legacy `http.url`: `scheme://host[:port]` (`scheme` is the one
    /// this authority was parsed with), `path` and the (already redacted)
    /// `query`, sized exactly so that it becomes the attribute value
    /// without another copy.
    pub(crate) fn url(&self, scheme: &str, path: &str, query: Option<&str>) -> String {
        let prefix_len = self
            .url_prefix
            .as_deref()
            .map_or_else(|| self.prefix_len(scheme), str::len);
        let query_len = query.map_or(0, |q| q.len() + 1);
        let mut url = String::with_capacity(prefix_len + path.len() + query_len);
        match &self.url_prefix {
            Some(prefix) => url.push_str(prefix),
            None => self.write_prefix(&mut url, scheme),
        }
        url.push_str(path);
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        url
    }

    /// The host as `http.url` shows it, and whether it is bracketed (an
    /// IPv6 literal).
    fn url_host(&self) -> (std::borrow::Cow<'_, str>, bool) {
        let host = self
            .server
            .as_ref()
            .map_or(std::borrow::Cow::Borrowed(""), |(host, _)| host.as_str());
        let bracketed = host.contains(':');
        (host, bracketed)
    }

    /// The length of `scheme://host[:port]`.
    fn prefix_len(&self, scheme: &str) -> usize {
        let (host, bracketed) = self.url_host();
        scheme.len()
            + 3
            + host.len()
            + 2 * usize::from(bracketed)
            + self.shown_port.map_or(0, |p| 1 + decimal_len(p))
    }

    /// Appends `scheme://host[:port]`.
    fn write_prefix(&self, out: &mut String, scheme: &str) {
        let (host, bracketed) = self.url_host();
        out.push_str(scheme);
        out.push_str("://");
        if bracketed {
            out.push('[');
            out.push_str(&host);
            out.push(']');
        } else {
            out.push_str(&host);
        }
        if let Some(port) = self.shown_port {
            out.push(':');
            push_decimal(out, port);
        }
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
        assert_eq!(a.url("http", "/x", Some("a=1")), "http://[::1]:8080/x?a=1");

        let p = parts("/x", Some("example.com"));
        let a = Authority::new(authority_text(&p, p.headers.get("host")), "https");
        assert_eq!(server(&a), Some(("example.com".into(), Some(443))));
        assert_eq!(a.url("https", "/x", None), "https://example.com/x");

        let a = Authority::new(Some("example.com:80"), "http");
        assert_eq!(a.url("http", "/", None), "http://example.com/");
        let a = Authority::new(Some("example.com:8443"), "https");
        assert_eq!(a.url("https", "/", None), "https://example.com:8443/");
        let a = Authority::new(Some("example.com"), "grpc");
        assert_eq!(server(&a), Some(("example.com".into(), None)));

        let p = parts("/x", None);
        let a = Authority::new(authority_text(&p, None), "http");
        assert_eq!(server(&a), None);
        assert_eq!(a.url("http", "/x", None), "http:///x");
    }

    #[test]
    fn a_kept_parse_and_a_one_off_parse_write_the_same_url_sized_exactly() {
        for (raw, scheme) in [
            (Some("[::1]:8080"), "http"),
            (Some("u:p@example.com:443"), "https"),
            (Some("example.com:8283"), "http"),
            (Some("example.com"), "grpc"),
            (None, "http"),
        ] {
            let (kept, once) = (Authority::kept(raw, scheme), Authority::new(raw, scheme));
            let (a, b) = (
                kept.url(scheme, "/p", Some("q=1")),
                once.url(scheme, "/p", None),
            );
            assert_eq!(a, format!("{b}?q=1"), "{raw:?}");
            assert_eq!((a.capacity(), b.capacity()), (a.len(), b.len()), "{raw:?}");
        }
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
