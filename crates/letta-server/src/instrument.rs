//! Telemetry glue of the server: the HTTP layers, the instrumented HTTP
//! client, and runtime monitoring.

use letta_telemetry::http::{ClientTracing, HttpConfig, TelemetryLayer};

/// The outgoing HTTP client (model calls): a CLIENT span per call with
/// `traceparent` injected.
pub(crate) fn http_client()
-> Result<reqwest_middleware::ClientWithMiddleware, crate::start_error::StartError> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .map_err(|e| crate::start_error::StartError::HttpClient(e.to_string()))?;
    Ok(reqwest_middleware::ClientBuilder::new(client)
        .with(ClientTracing::default())
        .build())
}

/// The telemetry layers around the API router: a SERVER span per request,
/// request context attributes from the headers, endpoint and SSE metrics.
pub(crate) fn layers(router: axum::Router, http: HttpConfig) -> axum::Router {
    router.layer(TelemetryLayer::new(http))
}
