//! What HTTP instrumentation never records: secret headers, secret-looking
//! query parameters and body keys, URL credentials.

use std::borrow::Cow;

#[cfg(feature = "axum")]
use http::HeaderName;

#[cfg(feature = "axum")]
use super::config::DENIED_HEADERS;
// The project's one secret-name policy; it also covers the URL signature
// parameters of common schemes (`sig`, `X-Amz-Signature`, `AWSAccessKeyId`).
use crate::redact::is_secret_name;

/// The replacement of every redacted value.
pub(crate) const REDACTED: &str = "REDACTED";

#[cfg(feature = "axum")]
/// Whether a request header must never be recorded.
pub(crate) fn is_denied_header(name: &HeaderName) -> bool {
    DENIED_HEADERS.contains(&name.as_str()) || is_secret_name(name.as_str())
}

#[cfg(any(feature = "axum", feature = "reqwest"))]
/// The query string with the values of secret-looking parameters replaced by
/// `REDACTED`. Borrows when nothing is redacted.
pub(crate) fn redact_query(query: &str) -> Cow<'_, str> {
    let needs = query.split('&').any(|pair| {
        let name = pair.split_once('=').map_or(pair, |(n, _)| n);
        is_secret_name(name)
    });
    if !needs {
        return Cow::Borrowed(query);
    }
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if is_secret_name(name) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    Cow::Owned(out)
}

#[cfg(feature = "reqwest")]
/// A full URL with `user:password@` replaced by `REDACTED:REDACTED@` and
/// secret query parameters redacted.
pub(crate) fn redact_url(url: &str) -> Cow<'_, str> {
    let (before_query, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let fragment_less_query = query.map(|q| q.split('#').next().unwrap_or(q));
    let userinfo_end = before_query.find("://").and_then(|scheme_end| {
        let rest = &before_query[scheme_end + 3..];
        let authority_end = rest.find('/').unwrap_or(rest.len());
        rest[..authority_end]
            .rfind('@')
            .map(|at| (scheme_end + 3, scheme_end + 3 + at))
    });
    let query_redacted = fragment_less_query.map(redact_query);
    let query_changed = matches!(query_redacted, Some(Cow::Owned(_)));
    if userinfo_end.is_none() && !query_changed {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len() + 16);
    match userinfo_end {
        Some((start, at)) => {
            out.push_str(&before_query[..start]);
            out.push_str("REDACTED:REDACTED");
            out.push_str(&before_query[at..]);
        }
        None => out.push_str(before_query),
    }
    if let Some(q) = query_redacted {
        out.push('?');
        out.push_str(&q);
    }
    Cow::Owned(out)
}

#[cfg(feature = "axum")]
/// Replaces, at any depth, the values of secret-looking object keys with
/// `REDACTED`.
pub(crate) fn redact_json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_name(k) {
                    *v = serde_json::Value::String(REDACTED.to_owned());
                } else {
                    redact_json(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params_are_redacted_by_name() {
        assert_eq!(redact_query("a=1&b=2"), "a=1&b=2");
        assert_eq!(
            redact_query("a=1&api_key=s3cr3t&token=x&sig=y"),
            "a=1&api_key=REDACTED&token=REDACTED&sig=REDACTED"
        );
    }

    #[test]
    fn query_params_are_matched_on_segments_after_decoding() {
        assert_eq!(
            redact_query("key=1&pwd=2&auth=3&session=4&api%5Fkey=5&max_tokens=6"),
            "key=REDACTED&pwd=REDACTED&auth=REDACTED&session=REDACTED&api%5Fkey=REDACTED&max_tokens=6"
        );
        assert_eq!(
            redact_query("X-Amz-Signature=a&AWSAccessKeyId=b&x-goog-signature=c"),
            "X-Amz-Signature=REDACTED&AWSAccessKeyId=REDACTED&x-goog-signature=REDACTED"
        );
    }

    #[test]
    fn url_credentials_are_redacted() {
        assert_eq!(
            redact_url("https://user:pw@example.com:8443/a?x=1"),
            "https://REDACTED:REDACTED@example.com:8443/a?x=1"
        );
        assert_eq!(
            redact_url("http://example.com/a@b"),
            "http://example.com/a@b"
        );
        assert_eq!(
            redact_url("http://h/p?password=hunter2&q=1"),
            "http://h/p?password=REDACTED&q=1"
        );
    }

    #[test]
    fn body_keys_are_matched_on_segments() {
        let mut v = serde_json::json!({
            "passwd": "a", "pwd": "b", "auth": "c", "cookie": "d", "key": "e",
            "client_secret": "f", "nested": {"session_id": "g"},
            "max_tokens": 7, "prompt_tokens": 8
        });
        redact_json(&mut v);
        for k in ["passwd", "pwd", "auth", "cookie", "key", "client_secret"] {
            assert_eq!(v[k], "REDACTED", "{k}");
        }
        assert_eq!(v["nested"]["session_id"], "REDACTED");
        assert_eq!(v["max_tokens"], 7);
        assert_eq!(v["prompt_tokens"], 8);
    }

    #[test]
    fn nested_json_secrets_are_redacted() {
        let mut v = serde_json::json!({"a": {"api_key": "k", "b": [{"password": "p"}]}});
        redact_json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": {"api_key": "REDACTED", "b": [{"password": "REDACTED"}]}})
        );
    }
}
