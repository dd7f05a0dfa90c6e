//! Server spans of the HTTP layer, over real loopback requests: names,
//! attributes, propagation, status rules, panics and errors, excluded
//! routes. Request bodies are in `http_server_bodies.rs`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod http_support;

use http_support::{app, attr, attr_str, serve, wait_span};
use letta_telemetry::http::{HttpConfig, StatusRule};
use letta_telemetry::testing::install_span_recorder;
use opentelemetry::Value;
use opentelemetry::trace::{SpanKind, Status};

#[tokio::test]
async fn span_is_named_by_route_template_and_has_every_attribute() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let url = server.url("/v1/agents/agent-42/files/file-7?page=2&limit=10");
    let before_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let response = reqwest::Client::new()
        .get(&url)
        .header("user_id", "user-1")
        .header("x-organization-id", "org-1")
        .header("x-project-id", "proj-1")
        .header("x-agent-id", "agent-42")
        .header("x-template-id", "tmpl-1")
        .header("x-base-template-id", "base-1")
        .header("user-agent", "letta-test/1.0")
        .header("x-stainless-package-version", "0.1.2")
        .header("x-stainless-lang", "python")
        .header("x-letta-source", "cli")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let trace_header = response
        .headers()
        .get("x-trace-id")
        .expect("x-trace-id header")
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(response.text().await.unwrap(), "agent-42/file-7");

    let span = wait_span(&recorder, "GET /v1/agents/{agent_id}/files/{file_id}").await;
    assert_eq!(span.span_kind, SpanKind::Server);
    assert_eq!(span.status, Status::Ok);
    assert_eq!(
        trace_header,
        format!("{:032x}", span.span_context.trace_id())
    );

    let s = |k: &str| attr_str(&span, k);
    let port = i64::from(server.addr.port());
    assert_eq!(s("http.method").as_deref(), Some("GET"));
    assert_eq!(s("http.request.method").as_deref(), Some("GET"));
    assert_eq!(
        s("http.url"),
        Some(format!(
            "http://127.0.0.1:{port}/v1/agents/agent-42/files/file-7?page=2&limit=10"
        ))
    );
    assert_eq!(
        s("url.path").as_deref(),
        Some("/v1/agents/agent-42/files/file-7")
    );
    assert_eq!(s("url.scheme").as_deref(), Some("http"));
    assert_eq!(s("url.query").as_deref(), Some("page=2&limit=10"));
    assert_eq!(s("network.protocol.version").as_deref(), Some("1.1"));
    assert_eq!(
        s("http.route").as_deref(),
        Some("/v1/agents/{agent_id}/files/{file_id}")
    );
    assert_eq!(s("http.agent_id").as_deref(), Some("agent-42"));
    assert_eq!(s("http.file_id").as_deref(), Some("file-7"));
    assert_eq!(attr(&span, "http.status_code"), Some(&Value::I64(200)));
    assert_eq!(
        attr(&span, "http.response.status_code"),
        Some(&Value::I64(200))
    );
    assert_eq!(s("server.address").as_deref(), Some("127.0.0.1"));
    assert_eq!(attr(&span, "server.port"), Some(&Value::I64(port)));
    assert_eq!(s("client.address").as_deref(), Some("127.0.0.1"));
    assert_eq!(s("user_agent.original").as_deref(), Some("letta-test/1.0"));
    assert_eq!(s("client").as_deref(), Some("letta-test/1.0"));
    assert_eq!(s("user.id").as_deref(), Some("user-1"));
    assert_eq!(s("organization.id").as_deref(), Some("org-1"));
    assert_eq!(s("project.id").as_deref(), Some("proj-1"));
    assert_eq!(s("agent.id").as_deref(), Some("agent-42"));
    assert_eq!(s("template.id").as_deref(), Some("tmpl-1"));
    assert_eq!(s("base_template.id").as_deref(), Some("base-1"));
    assert_eq!(s("sdk.version").as_deref(), Some("0.1.2"));
    assert_eq!(s("sdk.language").as_deref(), Some("python"));
    assert_eq!(s("source").as_deref(), Some("cli"));
    assert_eq!(attr(&span, "error.type"), None);
    let Some(Value::I64(entry_ms)) = attr(&span, "entry.timestamp_ms") else {
        panic!("entry.timestamp_ms missing or not an integer");
    };
    assert!(*entry_ms >= before_ms && *entry_ms < before_ms + 10_000);
}

#[tokio::test]
async fn caller_trace_is_continued_from_traceparent() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent_span = "00f067aa0ba902b7";
    reqwest::Client::new()
        .get(server.url("/v1/status/204"))
        .header("traceparent", format!("00-{trace_id}-{parent_span}-01"))
        .send()
        .await
        .unwrap();
    let span = wait_span(&recorder, "GET /v1/status/{code}").await;
    assert_eq!(format!("{:032x}", span.span_context.trace_id()), trace_id);
    assert_eq!(format!("{:016x}", span.parent_span_id), parent_span);
    assert!(span.parent_span_is_remote);
}

#[tokio::test]
async fn an_unsampled_caller_gets_no_server_span_and_its_context_runs_the_request() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent_span = "00f067aa0ba902b7";
    let client = reqwest::Client::new();
    let seen = client
        .get(server.url("/v1/current-span"))
        .header("traceparent", format!("00-{trace_id}-{parent_span}-00"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // the parent-based sampler follows the caller: nothing of ours records
    assert_eq!(seen, format!("{trace_id}-{parent_span}-false"));
    // a sampled request after it is recorded, and is the only span
    client
        .get(server.url("/v1/status/204"))
        .send()
        .await
        .unwrap();
    wait_span(&recorder, "GET /v1/status/{code}").await;
    let spans = recorder.spans();
    assert!(
        spans
            .iter()
            .all(|s| format!("{:032x}", s.span_context.trace_id()) != trace_id),
        "{spans:#?}"
    );
}

#[tokio::test]
async fn status_rules_mark_errors() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let default = serve(app(HttpConfig::default())).await;
    let semconv = serve(app(HttpConfig::builder()
        .with_status_rule(StatusRule::ServerErrorsOnly)
        .build()
        .unwrap()))
    .await;
    let client = reqwest::Client::new();
    client
        .get(default.url("/v1/status/404"))
        .send()
        .await
        .unwrap();
    let span = wait_span(&recorder, "GET /v1/status/{code}").await;
    assert!(
        matches!(span.status, Status::Error { .. }),
        "{:?}",
        span.status
    );
    assert_eq!(attr_str(&span, "error.type").as_deref(), Some("404"));
    assert_eq!(attr(&span, "http.status_code"), Some(&Value::I64(404)));
    recorder.clear();

    client
        .get(semconv.url("/v1/status/404"))
        .send()
        .await
        .unwrap();
    let span = wait_span(&recorder, "GET /v1/status/{code}").await;
    assert_eq!(span.status, Status::Unset);
    assert_eq!(attr(&span, "error.type"), None);
    recorder.clear();

    client
        .get(semconv.url("/v1/status/503"))
        .send()
        .await
        .unwrap();
    let span = wait_span(&recorder, "GET /v1/status/{code}").await;
    assert!(matches!(span.status, Status::Error { .. }));
    assert_eq!(attr_str(&span, "error.type").as_deref(), Some("503"));
}

#[tokio::test]
async fn handler_panic_becomes_500_json_with_trace_id_and_exception() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let response = reqwest::get(server.url("/v1/panic")).await.unwrap();
    assert_eq!(response.status(), 500);
    let header = response
        .headers()
        .get("x-trace-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["detail"], "Internal Server Error");
    assert_eq!(body["trace_id"], header.as_str());
    assert_eq!(header.len(), 32);

    let span = wait_span(&recorder, "GET /v1/panic").await;
    assert!(matches!(span.status, Status::Error { .. }));
    assert_eq!(attr(&span, "http.status_code"), Some(&Value::I64(500)));
    assert_eq!(attr_str(&span, "error.type").as_deref(), Some("panic"));
    let event = span
        .events
        .iter()
        .find(|e| e.name == "exception")
        .expect("exception event");
    let get = |k: &str| {
        event
            .attributes
            .iter()
            .find(|kv| kv.key.as_str() == k)
            .map(|kv| kv.value.to_string())
    };
    assert_eq!(get("exception.type").as_deref(), Some("panic"));
    assert!(get("exception.message").unwrap().contains("PANIC-MARKER"));
    assert_eq!(format!("{:032x}", span.span_context.trace_id()), header);
}

#[tokio::test]
async fn handler_error_is_json_and_recorded_as_exception() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let response = reqwest::get(server.url("/v1/error")).await.unwrap();
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["detail"], "agent not found");
    let span = wait_span(&recorder, "GET /v1/error").await;
    assert_eq!(
        body["trace_id"],
        format!("{:032x}", span.span_context.trace_id())
    );
    assert_eq!(span.status, Status::error("NoResultFound: agent not found"));
    assert_eq!(
        attr_str(&span, "error.type").as_deref(),
        Some("NoResultFound")
    );
    let event = span
        .events
        .iter()
        .find(|e| e.name == "exception")
        .expect("exception event");
    assert!(
        event
            .attributes
            .iter()
            .any(|kv| kv.key.as_str() == "exception.type" && kv.value.as_str() == "NoResultFound")
    );
    assert!(
        event
            .attributes
            .iter()
            .any(|kv| kv.key.as_str() == "exception.message"
                && kv.value.as_str() == "agent not found")
    );
}

#[tokio::test]
async fn excluded_routes_get_no_span_and_unmatched_routes_are_named_by_method_alone() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let client = reqwest::Client::new();
    let health = client.get(server.url("/v1/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers().get("x-trace-id").is_none());
    client.get(server.url("/v1/nope")).send().await.unwrap();
    client
        .get(server.url("/v1/agents/..%2F..%2Fetc%2Fpasswd/x"))
        .send()
        .await
        .unwrap();
    // Unbounded paths never become span names: the method alone, the path
    // in url.path.
    let fallback = wait_span(&recorder, "GET").await;
    assert_eq!(attr(&fallback, "http.status_code"), Some(&Value::I64(404)));
    assert_eq!(attr(&fallback, "http.route"), None);
    assert_eq!(attr(&fallback, "url.path"), Some(&Value::from("/v1/nope")));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while recorder.named("GET").len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(recorder.named("GET").len(), 2);
    assert!(
        recorder
            .spans()
            .iter()
            .all(|s| !s.name.contains("nope") && !s.name.contains("passwd")),
        "{:?}",
        recorder
            .spans()
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    );
    assert!(recorder.spans().iter().all(|s| !s.name.contains("health")));

    // a custom list replaces the default
    let custom = serve(app(HttpConfig::builder()
        .with_excluded_routes(["^GET /v1/status/2"])
        .build()
        .unwrap()))
    .await;
    recorder.clear();
    client
        .get(custom.url("/v1/status/200"))
        .send()
        .await
        .unwrap();
    client
        .get(custom.url("/v1/status/404"))
        .send()
        .await
        .unwrap();
    client.get(custom.url("/v1/health")).send().await.unwrap();
    wait_span(&recorder, "GET /v1/health").await;
    let status_spans = recorder.named("GET /v1/status/{code}");
    assert_eq!(status_spans.len(), 1);
    assert_eq!(
        attr(&status_spans[0], "http.status_code"),
        Some(&Value::I64(404))
    );
}
