//! The endpoint and SSE metrics of the server layer, recorded through the
//! crate's metric registry (which adds the request context attributes).

use crate::metrics::registry;

/// Whether the metrics pipeline records.
#[inline]
pub(crate) fn enabled() -> bool {
    registry().enabled()
}

/// `hist_endpoint_e2e_ms` and `count_endpoint_requests`.
pub(crate) fn record_endpoint(endpoint_path: &str, method: &str, status_code: u16, ms: f64) {
    registry().record_endpoint_request(endpoint_path, method, status_code, ms);
}

/// `sse_active_sessions` += 1.
pub(crate) fn sse_opened(route_class: &str) {
    registry().sse_session_opened(route_class);
}

/// `sse_active_sessions` -= 1, `sse_duration_ms`, and `sse_disconnect_total`
/// when the stream ended uncleanly.
pub(crate) fn sse_closed(route_class: &str, ms: f64, unclean_reason: Option<&str>) {
    registry().sse_session_closed(route_class, ms, unclean_reason);
}
