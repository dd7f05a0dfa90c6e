//! The legacy attribute names switched off (`LETTA_TELEMETRY_LEGACY_ATTRIBUTES
//! =false`): server and client spans and the resource carry only the stable
//! semantic conventions. Each test runs in its own process (nextest), so the
//! process-wide switch does not leak into other tests.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod http_support;

use http_support::{app, attr, attr_str, serve, wait_span};
use letta_telemetry::http::{ClientTracing, HttpConfig};
use letta_telemetry::testing::{install_span_recorder, set_legacy_attributes};
use letta_telemetry::{HostIdentity, Settings};
use opentelemetry::{Key, Value};

const LEGACY: [&str; 3] = ["http.method", "http.url", "http.status_code"];

#[tokio::test]
async fn without_legacy_names_spans_carry_the_stable_conventions_only() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    set_legacy_attributes(false);
    let server = serve(app(HttpConfig::default())).await;
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(ClientTracing::default())
        .build();
    let response = client
        .get(server.url("/v1/agents/agent-1/files/file-2?page=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    let server_span = wait_span(&recorder, "GET /v1/agents/{agent_id}/files/{file_id}").await;
    let client_span = wait_span(&recorder, "GET").await;
    for span in [&server_span, &client_span] {
        for key in LEGACY {
            assert!(attr(span, key).is_none(), "{key} on {}", span.name);
        }
        assert_eq!(
            attr_str(span, "http.request.method").as_deref(),
            Some("GET")
        );
        assert_eq!(
            attr(span, "http.response.status_code"),
            Some(&Value::I64(200))
        );
        assert_eq!(
            attr_str(span, "network.protocol.version").as_deref(),
            Some("1.1")
        );
    }
    assert_eq!(
        attr_str(&client_span, "url.full"),
        Some(server.url("/v1/agents/agent-1/files/file-2?page=1"))
    );
    assert_eq!(
        attr_str(&server_span, "url.query").as_deref(),
        Some("page=1")
    );
    // Fewer attributes than with the legacy names (two on the server span).
    set_legacy_attributes(true);
    let _ = client
        .get(server.url("/v1/agents/agent-1/files/file-3"))
        .send()
        .await
        .unwrap();
    let spans = recorder.named("GET /v1/agents/{agent_id}/files/{file_id}");
    let with_legacy = spans.last().unwrap();
    assert_eq!(attr_str(with_legacy, "http.method").as_deref(), Some("GET"));
    assert!(with_legacy.attributes.len() > server_span.attributes.len());
}

#[test]
fn the_resource_names_the_environment_once_without_legacy_names() {
    test_peers::own_process!();
    let host = HostIdentity::new(Some("h".into()), None);
    let get = |s: &Settings, k: &str| {
        letta_telemetry::build_resource_with(s, &host)
            .get(&Key::new(k.to_owned()))
            .map(|v| v.to_string())
    };
    let on = Settings::from_vars([("LETTA_ENVIRONMENT", "prod")]).unwrap();
    assert_eq!(get(&on, "deployment.environment").as_deref(), Some("prod"));
    assert_eq!(
        get(&on, "deployment.environment.name").as_deref(),
        Some("prod")
    );
    let off = Settings::from_vars([
        ("LETTA_ENVIRONMENT", "prod"),
        ("LETTA_TELEMETRY_LEGACY_ATTRIBUTES", "false"),
    ])
    .unwrap();
    assert!(!off.legacy_attributes);
    assert_eq!(get(&off, "deployment.environment"), None);
    assert_eq!(
        get(&off, "deployment.environment.name").as_deref(),
        Some("prod")
    );
    // The standard opt-in says the same.
    for (value, legacy) in [("http", false), ("http/dup", true), ("database", true)] {
        let s = Settings::from_vars([("OTEL_SEMCONV_STABILITY_OPT_IN", value)]).unwrap();
        assert_eq!(s.legacy_attributes, legacy, "{value}");
    }
}
