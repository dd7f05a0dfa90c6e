//! Request bodies on server spans, over real loopback requests: small JSON
//! bodies captured and passed on byte for byte, other bodies skipped but
//! passed on, body key allow and deny lists, and secrets that never reach a
//! span attribute.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod http_support;

use http_support::{app, assert_marker_absent, attr, attr_str, serve, wait_span};
use letta_telemetry::http::{BodyKeys, HttpConfig};
use letta_telemetry::settings::ContentCapture;
use letta_telemetry::testing::install_span_recorder;

#[tokio::test]
async fn json_body_is_captured_and_passed_on_byte_for_byte() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    // odd spacing and key order must survive unchanged
    let body = "{ \"note\" : \"hello\",\"n\":1, \"nested\": {\"a\": [1,2]}, \"flag\": true }";
    let echoed = reqwest::Client::new()
        .post(server.url("/v1/agents/a1/messages"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&echoed[..], body.as_bytes());
    let span = wait_span(&recorder, "POST /v1/agents/{agent_id}/messages").await;
    assert_eq!(
        attr_str(&span, "http.request.body.note").as_deref(),
        Some("hello")
    );
    assert_eq!(attr_str(&span, "http.request.body.n").as_deref(), Some("1"));
    assert_eq!(
        attr_str(&span, "http.request.body.nested").as_deref(),
        Some(r#"{"a":[1,2]}"#)
    );
    assert_eq!(
        attr_str(&span, "http.request.body.flag").as_deref(),
        Some("true")
    );
}

#[tokio::test]
async fn conversation_content_is_captured_only_under_genai_content_capture() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let body = r#"{"messages":[{"role":"user","content":"hi"}],"agent":"a"}"#;
    let send = || {
        reqwest::Client::new()
            .post(server.url("/v1/agents/a1/messages"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    send().await.unwrap();
    let off = wait_span(&recorder, "POST /v1/agents/{agent_id}/messages").await;
    assert_eq!(attr_str(&off, "http.request.body.messages"), None);
    assert_eq!(
        attr_str(&off, "http.request.body.agent").as_deref(),
        Some("a")
    );

    recorder.clear();
    letta_telemetry::genai::set_content_capture(ContentCapture::SpanOnly);
    send().await.unwrap();
    let on = wait_span(&recorder, "POST /v1/agents/{agent_id}/messages").await;
    assert_eq!(
        attr_str(&on, "http.request.body.messages").as_deref(),
        Some(r#"[{"content":"hi","role":"user"}]"#)
    );
}

#[tokio::test]
async fn oversized_non_json_and_invalid_utf8_bodies_are_skipped_but_passed_on() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::builder()
        .with_body_capture_limit(64)
        .build()
        .unwrap()))
    .await;
    let client = reqwest::Client::new();
    let big = format!("{{\"big\":\"{}\"}}", "x".repeat(100));
    let not_json = "this is not json".to_owned();
    let invalid_utf8: Vec<u8> = vec![b'{', b'"', b'k', b'"', b':', b'"', 0xff, 0xfe, b'"', b'}'];
    let bodies: Vec<Vec<u8>> = vec![big.into_bytes(), not_json.into_bytes(), invalid_utf8];
    for body in bodies {
        recorder.clear();
        let echoed = client
            .post(server.url("/v1/upload"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(&echoed[..], &body[..]);
        let span = wait_span(&recorder, "POST /v1/upload").await;
        assert!(
            span.attributes
                .iter()
                .all(|kv| !kv.key.as_str().starts_with("http.request.body.")),
            "{:?}",
            span.attributes
        );
    }
    // a streamed body of unknown length is never buffered, and still passes
    recorder.clear();
    let chunks = vec![Ok::<_, std::io::Error>("{\"a\":"), Ok("1}")];
    let echoed = client
        .post(server.url("/v1/upload"))
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks,
        )))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&echoed[..], b"{\"a\":1}");
    let span = wait_span(&recorder, "POST /v1/upload").await;
    assert_eq!(attr(&span, "http.request.body.a"), None);
}

#[tokio::test]
async fn body_key_allow_and_deny_lists() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let allow = serve(app(HttpConfig::builder()
        .with_body_keys(BodyKeys::Allow(vec!["keep".into()]))
        .build()
        .unwrap()))
    .await;
    let deny = serve(app(HttpConfig::builder()
        .with_body_keys(BodyKeys::Deny(vec!["drop".into()]))
        .build()
        .unwrap()))
    .await;
    let client = reqwest::Client::new();
    for (server, keep, dropped) in [(&allow, "keep", "other"), (&deny, "other", "drop")] {
        recorder.clear();
        client
            .post(server.url("/v1/upload"))
            .json(&serde_json::json!({"keep": 1, "drop": 2, "other": 3}))
            .send()
            .await
            .unwrap();
        let span = wait_span(&recorder, "POST /v1/upload").await;
        assert!(attr(&span, &format!("http.request.body.{keep}")).is_some());
        assert!(attr(&span, &format!("http.request.body.{dropped}")).is_none());
    }
}

#[tokio::test]
async fn secrets_never_reach_span_attributes() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::builder()
        .with_captured_header("authorization", "http.authorization")
        .with_captured_header("x-request-id", "http.request_id")
        .build()
        .unwrap()))
    .await;
    let marker = "SECRET-MARKER-91f3";
    let response = reqwest::Client::new()
        .post(server.url(&format!(
            "/v1/upload?api_key={marker}&token={marker}&page=1"
        )))
        .header("authorization", format!("Bearer {marker}"))
        .header("cookie", format!("session={marker}"))
        .header("x-api-key", marker)
        .header("proxy-authorization", marker)
        .header("x-request-id", "req-1")
        .json(&serde_json::json!({
            "password": marker,
            "api_key": marker,
            "note": "visible",
            "config": {"auth_token": marker, "credentials": [marker], "model": "gpt"},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // the handler got the secrets unchanged
    assert!(response.text().await.unwrap().contains(marker));
    let span = wait_span(&recorder, "POST /v1/upload").await;
    assert_marker_absent(&recorder, marker);
    assert_eq!(
        attr_str(&span, "http.request.body.note").as_deref(),
        Some("visible")
    );
    assert_eq!(
        attr_str(&span, "http.request.body.password").as_deref(),
        Some("REDACTED")
    );
    assert_eq!(
        attr_str(&span, "http.authorization").as_deref(),
        Some("REDACTED")
    );
    assert_eq!(attr_str(&span, "http.request_id").as_deref(), Some("req-1"));
    assert_eq!(
        attr_str(&span, "url.query").as_deref(),
        Some("api_key=REDACTED&token=REDACTED&page=1")
    );
    assert!(
        attr_str(&span, "http.request.body.config")
            .unwrap()
            .contains("\"model\":\"gpt\"")
    );
}
