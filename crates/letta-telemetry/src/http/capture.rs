//! Request body capture: `http.request.body.<key>` for small JSON bodies of
//! POST, PUT and PATCH. The body is read once and handed on byte-for-byte.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use bytes::Bytes;
use http::request::Parts;
use http::{Method, header};
use http_body::{Frame, SizeHint};
use opentelemetry::KeyValue;

use super::config::{BodyKeys, ConfigInner};
use super::redact::{REDACTED, redact_json};
use crate::redact::is_secret_name;
use crate::semconv;

/// Whether the body of this request should be read for span attributes:
/// POST, PUT or PATCH, a `Content-Length` within the limit, and a JSON (or
/// absent) content type. Bodies of unknown length are never buffered.
pub(crate) fn wants_capture(parts: &Parts, config: &ConfigInner) -> bool {
    if config.body_capture_limit == 0 || matches!(config.body_keys, BodyKeys::None) {
        return false;
    }
    if !matches!(parts.method, Method::POST | Method::PUT | Method::PATCH) {
        return false;
    }
    let length = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    let Some(length) = length else {
        return false;
    };
    if length == 0 || length > config.body_capture_limit {
        return false;
    }
    match parts.headers.get(header::CONTENT_TYPE) {
        None => true,
        Some(ct) => ct
            .to_str()
            .is_ok_and(|ct| ct.to_ascii_lowercase().contains("json")),
    }
}

/// Top-level body keys that carry conversation content (what a user says to
/// an agent, or an agent's prompt). They are recorded only while GenAI
/// content capture is on
/// (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`): with it off, as by
/// default, no message content leaves the process, whichever layer sees it.
pub(crate) const CONTENT_KEYS: [&str; 8] = [
    "messages",
    "message",
    "content",
    "text",
    "input",
    "prompt",
    "system",
    "tool_returns",
];

/// The `http.request.body.<key>` attributes of a JSON object body, and the
/// semantic conventions' `http.request.body.size` (bytes, an integer). A
/// top-level key named `size` is not recorded: its attribute would take the
/// conventions' name with another meaning; nor are the [`CONTENT_KEYS`]
/// while content capture is off. A body that is not valid UTF-8 or not a
/// JSON object gives none.
pub(crate) fn body_attributes(bytes: &[u8], keys: &BodyKeys) -> Vec<KeyValue> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(map.len() + 1);
    out.push(KeyValue::new(
        semconv::HTTP_REQUEST_BODY_SIZE,
        i64::try_from(bytes.len()).unwrap_or(i64::MAX),
    ));
    let content = crate::genai::content_capture().any();
    for (key, mut value) in map {
        if key == "size" || !keys.admits(&key) || (!content && CONTENT_KEYS.contains(&key.as_str()))
        {
            continue;
        }
        let rendered = if is_secret_name(&key) {
            REDACTED.to_owned()
        } else {
            redact_json(&mut value);
            match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            }
        };
        out.push(KeyValue::new(format!("http.request.body.{key}"), rendered));
    }
    out
}

/// Reads the whole body (its length is known to be within the limit).
/// Returns the bytes and a body that yields exactly those bytes, or, when
/// reading fails, no bytes and a body that yields the same error to the
/// handler.
pub(crate) async fn read_body(body: Body, limit: usize) -> (Option<Bytes>, Body) {
    use http_body_util::BodyExt as _;
    match http_body_util::Limited::new(body, limit).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            (Some(bytes.clone()), Body::from(bytes))
        }
        Err(error) => (None, Body::new(FailedBody(Some(error)))),
    }
}

/// A body that fails once with the error met while reading the original.
struct FailedBody(Option<axum::BoxError>);

impl http_body::Body for FailedBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        Poll::Ready(self.0.take().map(Err))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_keys_are_rendered_and_filtered() {
        let attrs = body_attributes(
            br#"{"a":"x","n":1,"o":{"token":"t","k":2},"password":"p"}"#,
            &BodyKeys::All,
        );
        let get = |k: &str| {
            attrs
                .iter()
                .find(|kv| kv.key.as_str() == k)
                .map(|kv| kv.value.to_string())
        };
        assert_eq!(get("http.request.body.a").as_deref(), Some("x"));
        assert_eq!(get("http.request.body.n").as_deref(), Some("1"));
        assert_eq!(
            get("http.request.body.o").as_deref(),
            Some(r#"{"k":2,"token":"REDACTED"}"#)
        );
        assert_eq!(
            get("http.request.body.password").as_deref(),
            Some("REDACTED")
        );

        // The size in bytes is the conventions' attribute, an integer.
        assert_eq!(get("http.request.body.size").as_deref(), Some("54"));

        let allow = body_attributes(br#"{"a":1,"b":2}"#, &BodyKeys::Allow(vec!["b".into()]));
        assert_eq!(allow.len(), 2);
        let deny = body_attributes(br#"{"a":1,"b":2}"#, &BodyKeys::Deny(vec!["b".into()]));
        assert_eq!(deny.len(), 2);
        assert_eq!(deny[1].key.as_str(), "http.request.body.a");

        // A key named `size` would collide with the conventions' attribute.
        let sized = body_attributes(br#"{"size":"large","b":2}"#, &BodyKeys::All);
        let size = sized
            .iter()
            .find(|kv| kv.key.as_str() == "http.request.body.size");
        assert_eq!(
            size.map(|kv| kv.value.clone()),
            Some(opentelemetry::Value::I64(22))
        );
        assert_eq!(sized.len(), 2);
    }

    #[test]
    fn conversation_content_is_left_out_while_content_capture_is_off() {
        // Content capture is off unless `init` or a test turns it on.
        let attrs = body_attributes(
            br#"{"messages":[{"role":"user","content":"hi"}],"text":"t","agent_id":"a"}"#,
            &BodyKeys::All,
        );
        let keys: Vec<&str> = attrs.iter().map(|kv| kv.key.as_str()).collect();
        assert_eq!(
            keys,
            ["http.request.body.size", "http.request.body.agent_id"]
        );
    }

    #[test]
    fn non_json_and_invalid_utf8_are_skipped() {
        assert!(body_attributes(b"not json", &BodyKeys::All).is_empty());
        assert!(body_attributes(b"[1,2]", &BodyKeys::All).is_empty());
        assert!(body_attributes(&[0xff, 0xfe, b'{', b'}'], &BodyKeys::All).is_empty());
    }
}
