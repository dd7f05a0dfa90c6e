//! API errors: every failure is a JSON `{"detail", "trace_id"}` answer with
//! a 4xx or 5xx status, never a panic.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error answered to the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The request body is not the JSON expected.
    #[error("invalid request body: {0}")]
    BadRequest(String),
    /// The request body is larger than the server accepts.
    #[error("request body too large: the limit is {limit} bytes")]
    PayloadTooLarge {
        /// The limit, in bytes ([`crate::MAX_BODY_BYTES`]).
        limit: usize,
    },
    /// A path parameter is malformed.
    #[error("invalid path: {0}")]
    BadPath(String),
    /// The agent does not exist.
    #[error("agent {0} not found")]
    AgentNotFound(String),
    /// The run does not exist.
    #[error("run {0} not found")]
    RunNotFound(String),
    /// The model provider failed.
    #[error("model provider error: {0}")]
    Llm(#[from] crate::llm::LlmError),
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Something else went wrong inside the server.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::BadPath(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::AgentNotFound(_) | Self::RunNotFound(_) => StatusCode::NOT_FOUND,
            Self::Llm(_) => StatusCode::BAD_GATEWAY,
            Self::Db(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::PayloadTooLarge {
                limit: crate::MAX_BODY_BYTES,
            };
        }
        Self::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::BadPath(rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = &self as &dyn std::error::Error, "request failed");
        }
        let body = serde_json::json!({
            "detail": self.to_string(),
            "trace_id": letta_telemetry::trace_id().unwrap_or_default(),
        });
        (status, Json(body)).into_response()
    }
}

impl ApiError {
    /// The error's kind, for `error.type` on spans.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "BadRequest",
            Self::PayloadTooLarge { .. } => "PayloadTooLarge",
            Self::BadPath(_) => "BadPath",
            Self::AgentNotFound(_) => "AgentNotFound",
            Self::RunNotFound(_) => "RunNotFound",
            Self::Llm(e) => e.kind(),
            Self::Db(_) => "DatabaseError",
            Self::Internal(_) => "InternalError",
        }
    }
}
