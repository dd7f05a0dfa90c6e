//! Request-scoped context: the reference's `ContextVar` of request attributes,
//! carried inside the OpenTelemetry [`opentelemetry::Context`] so that one
//! propagation mechanism carries both the current span and the attributes.
//!
//! The HTTP server layer opens a scope for every request (see
//! `http::TelemetryLayer`, feature `axum`) and fills it from the request headers
//! (`x-organization-id` → `organization.id`, `x-project-id` → `project.id`,
//! `x-base-template-id` → `base_template.id`, `x-template-id` → `template.id`,
//! `x-agent-id` → `agent.id`). Anywhere inside the request's task the
//! attributes can be read with [`get_ctx_attributes`] and written with
//! [`add_ctx_attribute`]; tasks started with [`spawn`] share them.
//!
//! Metrics take the allow-listed subset through [`metric_attributes`]
//! (by default `organization.id`, `project.id`, `template.id`,
//! `base_template.id`; agent and user ids are high-cardinality and stay on
//! spans). Change the list with [`set_metric_attribute_keys`].
//!
//! ```
//! use letta_telemetry::context;
//! # async fn demo() {
//! context::with_ctx_attributes(async {
//!     context::add_ctx_attribute("organization.id", "org-1");
//!     context::add_ctx_attribute("agent.id", "agent-7");
//!     assert_eq!(context::get_ctx_attributes().len(), 2);
//!     // only the allow-listed key goes to metrics
//!     assert_eq!(context::metric_attributes().len(), 1);
//! })
//! .await;
//! # }
//! ```

mod attributes;
mod metric_keys;
mod spawn;

pub(crate) use attributes::AttributeBuffer;
#[cfg(feature = "sqlx")]
pub(crate) use attributes::current_has_metric_attributes;
#[cfg(feature = "axum")]
pub(crate) use attributes::with_ctx_attributes_set;
pub use attributes::{
    RequestAttributes, add_ctx_attribute, current_with_ctx_attributes, get_ctx_attribute,
    get_ctx_attributes, metric_attributes, with_ctx_attributes,
};
pub use metric_keys::{
    DEFAULT_METRIC_ATTRIBUTE_KEYS, metric_attribute_keys, set_metric_attribute_keys,
};
pub use spawn::spawn;

/// Request headers copied into the request context attributes on every
/// request, as `(header name, attribute key)`.
pub const CONTEXT_HEADERS: [(&str, &str); 5] = [
    ("x-organization-id", "organization.id"),
    ("x-project-id", "project.id"),
    ("x-base-template-id", "base_template.id"),
    ("x-template-id", "template.id"),
    ("x-agent-id", "agent.id"),
];
