//! HTTP instrumentation: the server layer for axum ([`TelemetryLayer`]) and
//! the client middleware for reqwest ([`ClientTracing`]).
//!
//! Server spans follow the reference (§3) and carry the stable semantic
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

mod body;
mod capture;
mod client;
mod config;
mod endpoint;
mod error;
mod future;
mod layer;
mod metrics;
mod propagation;
mod recorder;
mod redact;
mod request_attributes;
mod route_set;
mod service;

pub use client::ClientTracing;
pub use config::{
    BodyKeys, DEFAULT_BODY_CAPTURE_LIMIT, DEFAULT_EXCLUDED_ROUTES, DEFAULT_METRIC_ROUTES,
    DEFAULT_TRACE_ID_HEADER, DENIED_HEADERS, HttpConfig, HttpConfigBuilder, HttpConfigError,
    StatusRule,
};
pub use error::{HttpError, error_response};
pub use future::ResponseFuture;
pub use layer::TelemetryLayer;
pub use request_attributes::SPAN_HEADERS;
pub use service::TelemetryService;
