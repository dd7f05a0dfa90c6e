//! Attribute keys: the OpenTelemetry semantic conventions' constants (from
//! `opentelemetry-semantic-conventions`), and the reference's legacy names,
//! which existing dashboards query and [`legacy_attributes`] turns off.

pub(crate) use opentelemetry_semantic_conventions::attribute::{
    DEPLOYMENT_ENVIRONMENT_NAME, ERROR_TYPE, EXCEPTION_MESSAGE, EXCEPTION_TYPE, HOST_NAME,
    SERVICE_VERSION,
};
// The HTTP keys: the server layer (`axum`) and the client (`reqwest`) each
// use part of them.
#[cfg(any(feature = "axum", feature = "reqwest"))]
#[cfg_attr(not(all(feature = "axum", feature = "reqwest")), allow(unused_imports))]
pub(crate) use opentelemetry_semantic_conventions::attribute::{
    CLIENT_ADDRESS, CLIENT_PORT, HTTP_REQUEST_BODY_SIZE, HTTP_REQUEST_METHOD,
    HTTP_RESPONSE_STATUS_CODE, HTTP_ROUTE, NETWORK_PROTOCOL_VERSION, SERVER_ADDRESS, SERVER_PORT,
    URL_FULL, URL_PATH, URL_QUERY, URL_SCHEME, USER_AGENT_ORIGINAL,
};

/// The reference's names from before the stable HTTP conventions, written
/// beside the stable ones while [`legacy_attributes`] is on (the default).
#[cfg_attr(not(any(feature = "axum", feature = "reqwest")), allow(dead_code))]
pub(crate) mod legacy {
    /// Old `http.request.method`.
    pub(crate) const HTTP_METHOD: &str = "http.method";
    /// Old `url.full` (server spans: the reconstructed request URL).
    pub(crate) const HTTP_URL: &str = "http.url";
    /// Old `http.response.status_code`.
    pub(crate) const HTTP_STATUS_CODE: &str = "http.status_code";
    /// Old `deployment.environment.name`.
    pub(crate) const DEPLOYMENT_ENVIRONMENT: &str = "deployment.environment";
}

use std::sync::atomic::{AtomicBool, Ordering};

static LEGACY: AtomicBool = AtomicBool::new(true);

#[cfg_attr(not(any(feature = "axum", feature = "reqwest")), allow(dead_code))]
/// Whether the legacy names are written (`LETTA_TELEMETRY_LEGACY_ATTRIBUTES`,
/// default true; `init` sets it from the settings).
#[inline]
pub(crate) fn legacy_attributes() -> bool {
    LEGACY.load(Ordering::Relaxed)
}

/// Sets [`legacy_attributes`] for the process.
pub(crate) fn set_legacy_attributes(on: bool) {
    LEGACY.store(on, Ordering::Relaxed);
}

#[cfg(any(feature = "axum", feature = "reqwest"))]
/// `network.protocol.version` of an HTTP version: `1.0`, `1.1`, `2`, `3`
/// (`0.9` for the oldest).
pub(crate) fn protocol_version(version: http::Version) -> &'static str {
    match version {
        http::Version::HTTP_09 => "0.9",
        http::Version::HTTP_10 => "1.0",
        http::Version::HTTP_2 => "2",
        http::Version::HTTP_3 => "3",
        _ => "1.1",
    }
}
