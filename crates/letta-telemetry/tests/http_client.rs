//! Client spans of outgoing reqwest calls and the client → server hop.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod http_support;

use http_support::{app, assert_marker_absent, attr, attr_str, is_server, serve, wait_span};
use letta_telemetry::http::{ClientTracing, HttpConfig};
use letta_telemetry::testing::install_span_recorder;
use opentelemetry::Value;
use opentelemetry::trace::{SpanKind, Status};

fn client() -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(ClientTracing::default())
        .build()
}

#[tokio::test]
async fn client_span_is_parent_of_server_span() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let response = client()
        .get(server.url("/v1/traceparent"))
        .send()
        .await
        .unwrap();
    let traceparent = response.text().await.unwrap();
    let server_span = wait_span(&recorder, "GET /v1/traceparent").await;
    let client_span = wait_span(&recorder, "GET").await;
    assert_eq!(client_span.span_kind, SpanKind::Client);
    assert!(is_server(&server_span));
    assert_eq!(
        server_span.span_context.trace_id(),
        client_span.span_context.trace_id()
    );
    assert_eq!(
        server_span.parent_span_id,
        client_span.span_context.span_id()
    );
    assert_eq!(
        traceparent,
        format!(
            "00-{:032x}-{:016x}-01",
            client_span.span_context.trace_id(),
            client_span.span_context.span_id()
        )
    );
    let port = i64::from(server.addr.port());
    assert_eq!(
        attr_str(&client_span, "http.request.method").as_deref(),
        Some("GET")
    );
    assert_eq!(
        attr_str(&client_span, "url.full"),
        Some(server.url("/v1/traceparent"))
    );
    assert_eq!(
        attr_str(&client_span, "server.address").as_deref(),
        Some("127.0.0.1")
    );
    assert_eq!(attr(&client_span, "server.port"), Some(&Value::I64(port)));
    assert_eq!(
        attr(&client_span, "http.response.status_code"),
        Some(&Value::I64(200))
    );
    assert_eq!(client_span.status, Status::Unset);
}

#[tokio::test]
async fn client_errors_from_400_and_redacted_urls() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let marker = "CLIENT-SECRET-77";
    let url = format!(
        "http://user:{marker}@{}/v1/status/404?api_key={marker}&q=1",
        server.addr
    );
    let response = client().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 404);
    let span = wait_span(&recorder, "GET").await;
    assert!(matches!(span.status, Status::Error { .. }));
    assert_eq!(attr_str(&span, "error.type").as_deref(), Some("404"));
    // reqwest moves `user:password@` into an Authorization header before
    // the middleware runs; the secret query parameter is redacted here
    let full = attr_str(&span, "url.full").unwrap();
    assert!(
        full == format!("http://{}/v1/status/404?api_key=REDACTED&q=1", server.addr)
            || full
                == format!(
                    "http://REDACTED:REDACTED@{}/v1/status/404?api_key=REDACTED&q=1",
                    server.addr
                ),
        "{full}"
    );
    wait_span(&recorder, "GET /v1/status/{code}").await;
    assert_marker_absent(&recorder, marker);
}

#[tokio::test]
async fn transport_error_is_recorded_as_exception() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    // a port that was free a moment ago: connection refused
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let marker = "REFUSED-SECRET-5";
    let result = client()
        .get(format!("http://u:{marker}@127.0.0.1:{port}/x"))
        .send()
        .await;
    assert!(result.is_err());
    let span = wait_span(&recorder, "GET").await;
    assert!(matches!(span.status, Status::Error { .. }));
    assert!(span.events.iter().any(|e| e.name == "exception"));
    assert_eq!(attr(&span, "http.response.status_code"), None);
    assert_marker_absent(&recorder, marker);
}

#[tokio::test]
async fn tracing_off_sends_no_traceparent() {
    test_peers::own_process!();
    // no recorder installed: tracing is off in this process
    let server = serve(app(HttpConfig::default())).await;
    let response = client()
        .get(server.url("/v1/traceparent"))
        .send()
        .await
        .unwrap();
    assert!(response.headers().get("x-trace-id").is_none());
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn baggage_goes_only_to_the_hosts_allowed() {
    test_peers::own_process!();
    use opentelemetry::KeyValue;
    use opentelemetry::baggage::BaggageExt as _;
    use opentelemetry::context::FutureExt as _;

    let _recorder = install_span_recorder();
    let server = serve(app(HttpConfig::default())).await;
    let cx = opentelemetry::Context::current_with_baggage([KeyValue::new("internal.user", "u-1")]);
    let fetch = |tracing: ClientTracing| {
        let url = server.url("/v1/baggage");
        let cx = cx.clone();
        async move {
            reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
                .with(tracing)
                .build()
                .get(url)
                .send()
                .with_context(cx)
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        fetch(ClientTracing::default()).await,
        "",
        "not forwarded by default"
    );
    assert_eq!(
        fetch(ClientTracing::default().with_baggage_to(["other.host"])).await,
        ""
    );
    assert_eq!(
        fetch(ClientTracing::default().with_baggage_to(["127.0.0.1"])).await,
        "internal.user=u-1"
    );
}
