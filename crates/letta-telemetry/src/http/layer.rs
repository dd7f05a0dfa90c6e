//! The tower layer that an axum app adds in one call.

use tower_layer::Layer;

use super::config::HttpConfig;
use super::service::TelemetryService;

/// HTTP server instrumentation for axum.
///
/// Add it with [`axum::Router::layer`] **after** the routes, so that it runs
/// once the route is matched and sees the route template (`MatchedPath`) and
/// the path parameters:
///
/// ```
/// use axum::{Router, routing::get};
/// use letta_telemetry::http::{HttpConfig, TelemetryLayer};
///
/// let app: Router = Router::new()
///     .route("/v1/agents/{agent_id}", get(|| async { "ok" }))
///     .layer(TelemetryLayer::new(HttpConfig::default()));
/// ```
///
/// Requests that match no route (the fallback) are traced too, with the
/// concrete path in the span name and `endpoint_path = "unknown"`.
///
/// Per request it:
/// - opens a request context attribute scope (see [`crate::context`]) filled
///   from the request headers;
/// - starts a SERVER span `"<METHOD> <route template>"` continuing the
///   caller's trace from `traceparent`, unless the route is excluded, and
///   makes it current for the handler;
/// - answers a handler panic with a 500 JSON `{"detail", "trace_id"}`;
/// - adds the `x-trace-id` response header (configurable);
/// - ends the span and records endpoint metrics when the response body ends
///   or the client disconnects.
///
/// When tracing and metrics are both off it only forwards the call (and
/// still turns panics into 500 responses).
#[derive(Debug, Clone, Default)]
pub struct TelemetryLayer {
    config: HttpConfig,
}

impl TelemetryLayer {
    /// A layer with this configuration.
    pub fn new(config: HttpConfig) -> Self {
        Self { config }
    }
}

impl<S> Layer<S> for TelemetryLayer {
    type Service = TelemetryService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TelemetryService {
            inner,
            config: self.config.clone(),
            endpoint: Default::default(),
        }
    }
}
