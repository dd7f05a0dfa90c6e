//! What HTTP instrumentation never records: secret headers, secret-looking
//! query parameters and body keys, URL credentials.

#[cfg(feature = "axum")]
use http::HeaderName;

#[cfg(feature = "axum")]
use super::config::DENIED_HEADERS;
// The project's one secret-name policy; it also covers the URL signature
// parameters of common schemes (`sig`, `X-Amz-Signature`, `AWSAccessKeyId`).
#[cfg(feature = "axum")]
use crate::redact::is_secret_name;
#[cfg(feature = "axum")]
pub(crate) use crate::redact::redact_query;
#[cfg(feature = "reqwest")]
pub(crate) use crate::redact::redact_url;

/// The replacement of every redacted value.
#[cfg(feature = "axum")]
pub(crate) const REDACTED: &str = "REDACTED";

#[cfg(feature = "axum")]
/// Whether a request header must never be recorded.
pub(crate) fn is_denied_header(name: &HeaderName) -> bool {
    DENIED_HEADERS.contains(&name.as_str()) || is_secret_name(name.as_str())
}

#[cfg(feature = "axum")]
/// Replaces, at any depth, the values of secret-looking object keys with
/// [`REDACTED`].
pub(crate) fn redact_json(value: &mut serde_json::Value) {
    crate::redact::redact_json(value, REDACTED);
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
