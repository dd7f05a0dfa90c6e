//! Streaming (SSE) responses: the span and the metrics end with the body or
//! with the client's disconnect.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod http_support;

use std::time::Duration;

use futures_util::StreamExt as _;
use http_support::{app, attr, attr_str, serve, wait_span};
use letta_telemetry::http::HttpConfig;
use letta_telemetry::testing::{install_metric_recorder, install_span_recorder};
use opentelemetry::Value;

const ROUTE: &str = "/v1/agents/{agent_id}/messages/stream";
const SPAN: &str = "POST /v1/agents/{agent_id}/messages/stream";

fn duration_ms(span: &opentelemetry_sdk::trace::SpanData) -> u128 {
    span.end_time
        .duration_since(span.start_time)
        .unwrap_or_default()
        .as_millis()
}

#[tokio::test]
async fn completed_stream_ends_span_and_metrics_with_the_body() {
    test_peers::own_process!();
    let spans = install_span_recorder();
    let metrics = install_metric_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let response = reqwest::Client::new()
        .post(server.url("/v1/agents/a1/messages/stream?events=5"))
        .header("x-organization-id", "org-sse")
        .json(&serde_json::json!({"message": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = response.bytes_stream();
    // headers are out, the first event read: the stream is still open
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(&first[..], b"data: 0\n\n");
    assert!(spans.named(SPAN).is_empty(), "span ended with the headers");
    let active = metrics.named("sse_active_sessions");
    assert_eq!(active.len(), 1, "{active:?}");
    assert_eq!(active[0].number(), 1.0);
    assert_eq!(
        active[0]
            .attribute("route_class")
            .map(|v| v.to_string())
            .as_deref(),
        Some(ROUTE)
    );

    let mut rest = Vec::new();
    while let Some(chunk) = stream.next().await {
        rest.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(rest, b"data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");

    let span = wait_span(&spans, SPAN).await;
    assert!(
        duration_ms(&span) >= 100,
        "span lasted {} ms",
        duration_ms(&span)
    );
    assert_eq!(
        attr_str(&span, "http.response.body.outcome").as_deref(),
        Some("completed")
    );
    assert!(span.events.iter().all(|e| e.name != "client_disconnect"));

    let points = metrics.collect();
    let named = |n: &str| points.iter().filter(|p| p.name == n).collect::<Vec<_>>();
    let duration = named("sse_duration_ms");
    assert_eq!(duration.len(), 1);
    assert_eq!(duration[0].count(), 1);
    assert!(duration[0].number() >= 80.0, "{}", duration[0].number());
    assert!(named("sse_disconnect_total").is_empty());
    let e2e = named("hist_endpoint_e2e_ms");
    assert_eq!(e2e.len(), 1, "{points:?}");
    assert!(e2e[0].number() >= 100.0, "e2e {} ms", e2e[0].number());
    assert_eq!(
        e2e[0]
            .attribute("endpoint_path")
            .map(|v| v.to_string())
            .as_deref(),
        Some(ROUTE)
    );
    assert_eq!(
        e2e[0]
            .attribute("organization.id")
            .map(|v| v.to_string())
            .as_deref(),
        Some("org-sse")
    );
}

#[tokio::test]
async fn client_disconnect_mid_stream_is_recorded() {
    test_peers::own_process!();
    let spans = install_span_recorder();
    let metrics = install_metric_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let response = reqwest::Client::new()
        .post(server.url("/v1/agents/a1/messages/stream"))
        .json(&serde_json::json!({"message": "endless"}))
        .send()
        .await
        .unwrap();
    let mut stream = response.bytes_stream();
    stream.next().await.unwrap().unwrap();
    stream.next().await.unwrap().unwrap();
    assert!(spans.named(SPAN).is_empty());
    drop(stream); // the client goes away mid-stream

    let span = wait_span(&spans, SPAN).await;
    assert_eq!(
        attr_str(&span, "http.response.body.outcome").as_deref(),
        Some("client_disconnect")
    );
    assert!(span.events.iter().any(|e| e.name == "client_disconnect"));
    assert_eq!(attr(&span, "http.status_code"), Some(&Value::I64(200)));
    assert!(duration_ms(&span) >= 40);

    // give the server a moment in case metrics lag the span (they do not)
    tokio::time::sleep(Duration::from_millis(20)).await;
    let points = metrics.collect();
    let disconnects: Vec<_> = points
        .iter()
        .filter(|p| p.name == "sse_disconnect_total")
        .collect();
    assert_eq!(disconnects.len(), 1, "{points:?}");
    assert_eq!(disconnects[0].number(), 1.0);
    assert_eq!(
        disconnects[0]
            .attribute("reason")
            .map(|v| v.to_string())
            .as_deref(),
        Some("client_disconnect")
    );
    assert_eq!(
        disconnects[0]
            .attribute("route_class")
            .map(|v| v.to_string())
            .as_deref(),
        Some(ROUTE)
    );
    let e2e: Vec<_> = points
        .iter()
        .filter(|p| p.name == "count_endpoint_requests")
        .collect();
    assert_eq!(e2e.len(), 1);
    assert_eq!(e2e[0].attribute("status_code"), Some(&Value::I64(200)));
}
