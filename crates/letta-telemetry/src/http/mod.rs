//! HTTP instrumentation: the server layer for axum (`TelemetryLayer`,
//! feature `axum`) and the client middleware for reqwest (`ClientTracing`,
//! feature `reqwest`). [`HttpConfig`] and the default route lists are always
//! there: the settings read them.
//!
//! Server spans follow the reference and carry the stable semantic
//! convention names beside the reference's: `http.method` and
//! `http.request.method`, `http.url` and `url.path`/`url.scheme`/`url.query`,
//! `http.status_code` and `http.response.status_code`, `http.route`,
//! `http.<path param>`, `user_agent.original`, `client.address`,
//! `server.address`, `server.port`, `error.type`, the reference's header
//! table (`user.id`, `organization.id`, ... `client`, `sdk.version`), and
//! `http.request.body.<key>` for small JSON bodies.
//!
//! Never recorded: `Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key` and
//! similar headers ([`DENIED_HEADERS`]); the values of secret-looking body
//! keys, path parameters and query parameters, and URL credentials, which
//! become `REDACTED`.
//!
//! ```
//! use axum::{Router, routing::get};
//! use letta_telemetry::http::{HttpConfig, TelemetryLayer};
//!
//! let app: Router = Router::new()
//!     .route("/v1/agents", get(|| async { "[]" }))
//!     .layer(TelemetryLayer::new(HttpConfig::default())); // a SERVER span per request
//! ```

#[cfg(feature = "axum")]
mod authority;
#[cfg(feature = "axum")]
mod body;
#[cfg(feature = "axum")]
mod capture;
#[cfg(feature = "reqwest")]
mod client;
#[cfg(feature = "axum")]
mod client_address;
mod config;
#[cfg(feature = "axum")]
mod endpoint;
#[cfg(feature = "axum")]
mod error;
#[cfg(feature = "axum")]
mod future;
#[cfg(feature = "axum")]
mod layer;
#[cfg(feature = "axum")]
mod metrics;
#[cfg(feature = "axum")]
mod path_params;
#[cfg(any(feature = "axum", feature = "reqwest"))]
mod propagation;
#[cfg(feature = "axum")]
mod recorder;
#[cfg(any(feature = "axum", feature = "reqwest"))]
mod redact;
#[cfg(feature = "axum")]
mod request_attributes;
#[cfg(feature = "axum")]
mod request_headers;
mod route_set;
#[cfg(feature = "axum")]
mod service;
#[cfg(feature = "axum")]
mod shared_value;
#[cfg(feature = "axum")]
mod span_header;

#[cfg(feature = "reqwest")]
pub use client::ClientTracing;
pub use config::{
    BodyKeys, DEFAULT_BODY_CAPTURE_LIMIT, DEFAULT_EXCLUDED_ROUTES, DEFAULT_METRIC_ROUTES,
    DEFAULT_TRACE_ID_HEADER, DENIED_HEADERS, HttpConfig, HttpConfigBuilder, HttpConfigError,
    StatusRule,
};
#[cfg(feature = "axum")]
pub use error::{HttpError, error_response};
#[cfg(feature = "axum")]
pub use future::ResponseFuture;
#[cfg(feature = "axum")]
pub use layer::TelemetryLayer;
#[cfg(feature = "axum")]
pub use service::TelemetryService;
#[cfg(feature = "axum")]
pub use span_header::SPAN_HEADERS;
