//! Endpoint metrics of the HTTP layer: the opt-in route list and the
//! attributes.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod http_support;

use http_support::{app, serve};
use letta_telemetry::http::HttpConfig;
use letta_telemetry::testing::install_metric_recorder;
use opentelemetry::Value;

fn s(v: Option<&Value>) -> Option<String> {
    v.map(|v| v.to_string())
}

#[tokio::test]
async fn opted_in_routes_record_endpoint_metrics_with_context_attributes() {
    test_peers::own_process!();
    // tracing stays off in this process: metrics work on their own
    let metrics = install_metric_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let client = reqwest::Client::new();
    for _ in 0..2 {
        let response = client
            .post(server.url("/v1/agents/agent-9/messages"))
            .header("x-organization-id", "org-m")
            .header("x-project-id", "proj-m")
            .header("x-agent-id", "agent-9")
            .json(&serde_json::json!({"message": "hi"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
    // not on the opt-in list
    client
        .get(server.url("/v1/status/200"))
        .send()
        .await
        .unwrap();
    client
        .post(server.url("/v1/upload"))
        .body("x")
        .send()
        .await
        .unwrap();

    let points = metrics.collect();
    let counts: Vec<_> = points
        .iter()
        .filter(|p| p.name == "count_endpoint_requests")
        .collect();
    assert_eq!(counts.len(), 1, "{points:?}");
    let count = counts[0];
    assert_eq!(count.number(), 2.0);
    assert_eq!(
        s(count.attribute("endpoint_path")).as_deref(),
        Some("/v1/agents/{agent_id}/messages")
    );
    assert_eq!(s(count.attribute("method")).as_deref(), Some("POST"));
    assert_eq!(count.attribute("status_code"), Some(&Value::I64(200)));
    assert_eq!(
        s(count.attribute("organization.id")).as_deref(),
        Some("org-m")
    );
    assert_eq!(s(count.attribute("project.id")).as_deref(), Some("proj-m"));
    // high-cardinality ids stay off metrics
    assert_eq!(count.attribute("agent.id"), None);
    let hist: Vec<_> = points
        .iter()
        .filter(|p| p.name == "hist_endpoint_e2e_ms")
        .collect();
    assert_eq!(hist.len(), 1);
    assert_eq!(hist[0].count(), 2);
    assert_eq!(hist[0].unit, "ms");
    assert!(hist[0].number() > 0.0);
}

#[tokio::test]
async fn custom_metric_routes_and_unknown_endpoint_path() {
    test_peers::own_process!();
    let metrics = install_metric_recorder();
    let server = serve(app(HttpConfig::builder()
        .with_metric_routes(["^GET /v1/status/", "^GET /v1/missing$", "^GET /v1/panic$"])
        .build()
        .unwrap()))
    .await;
    let client = reqwest::Client::new();
    client
        .get(server.url("/v1/status/418"))
        .send()
        .await
        .unwrap();
    client.get(server.url("/v1/missing")).send().await.unwrap();
    client.get(server.url("/v1/panic")).send().await.unwrap();
    client
        .post(server.url("/v1/agents/a/messages"))
        .body("{}")
        .send()
        .await
        .unwrap();
    let points: Vec<_> = metrics
        .collect()
        .into_iter()
        .filter(|p| p.name == "count_endpoint_requests")
        .collect();
    let find = |path: &str| {
        points
            .iter()
            .find(|p| s(p.attribute("endpoint_path")).as_deref() == Some(path))
            .unwrap_or_else(|| panic!("no point for {path}: {points:?}"))
    };
    assert_eq!(
        find("/v1/status/{code}").attribute("status_code"),
        Some(&Value::I64(418))
    );
    assert_eq!(
        find("unknown").attribute("status_code"),
        Some(&Value::I64(404))
    );
    assert_eq!(
        find("/v1/panic").attribute("status_code"),
        Some(&Value::I64(500))
    );
    assert_eq!(points.len(), 3, "the default list was replaced: {points:?}");
}
