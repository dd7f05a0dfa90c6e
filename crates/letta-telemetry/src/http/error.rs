//! The error responses of the reference's tracing error handler:
//! JSON `{"detail": "<message>", "trace_id": "<32 hex or empty>"}`.

use std::borrow::Cow;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use opentelemetry::Context;
use opentelemetry::trace::TraceContextExt as _;

use super::recorder::ErrorRecorded;
use crate::exception::record_exception;

/// A JSON error response `{"detail", "trace_id"}` with the trace id of the
/// current span (empty when there is none).
pub fn error_response(status: StatusCode, detail: &str) -> Response {
    let trace_id = crate::trace_id().unwrap_or_default();
    let body = serde_json::json!({ "detail": detail, "trace_id": trace_id }).to_string();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A handler error that becomes the reference's JSON error response and is
/// recorded as an exception on the request span.
///
/// ```
/// use letta_telemetry::http::HttpError;
/// async fn handler() -> Result<String, HttpError> {
///     Err(HttpError::new(http::StatusCode::NOT_FOUND, "agent not found").with_type("NoResultFound"))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct HttpError {
    status: StatusCode,
    detail: Cow<'static, str>,
    kind: Cow<'static, str>,
}

impl HttpError {
    /// An error with this status and message (`exception.type` `HttpError`).
    pub fn new(status: StatusCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self {
            status,
            detail: detail.into(),
            kind: Cow::Borrowed("HttpError"),
        }
    }

    /// A 500 error, as for an error that has no status of its own.
    pub fn internal(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, detail)
    }

    /// Sets `exception.type` (e.g. the error type's name).
    #[must_use]
    pub fn with_type(mut self, kind: impl Into<Cow<'static, str>>) -> Self {
        self.kind = kind.into();
        self
    }

    /// The response status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl std::fmt::Display for HttpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.status, self.detail)
    }
}

impl std::error::Error for HttpError {}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        if crate::global::tracing_enabled() {
            record_exception(
                &Context::current().span(),
                self.kind.clone(),
                self.detail.clone(),
                Vec::new(),
            );
        }
        let mut response = error_response(self.status, &self.detail);
        response.extensions_mut().insert(ErrorRecorded);
        response
    }
}
