//! Errors of the LLM client.

/// Why a model call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LlmError {
    /// The provider could not be reached or the transfer failed.
    #[error("request to the model provider failed: {0}")]
    Transport(String),
    /// The provider answered with an error status.
    #[error("model provider answered {status}: {body}")]
    Status {
        /// HTTP status.
        status: u16,
        /// Start of the response body.
        body: String,
    },
    /// The response was not the chat-completions shape.
    #[error("model provider response could not be decoded: {0}")]
    Decode(String),
}

impl LlmError {
    /// The error's kind, for `error.type` on spans.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Transport(_) => "transport",
            Self::Status { status: 429, .. } => "rate_limited",
            Self::Status { .. } => "provider_error",
            Self::Decode(_) => "decode",
        }
    }
}

impl From<reqwest::Error> for LlmError {
    fn from(error: reqwest::Error) -> Self {
        // Without the URL: it may carry credentials.
        Self::Transport(error.without_url().to_string())
    }
}

impl From<reqwest_middleware::Error> for LlmError {
    fn from(error: reqwest_middleware::Error) -> Self {
        match error {
            reqwest_middleware::Error::Reqwest(e) => e.into(),
            reqwest_middleware::Error::Middleware(e) => Self::Transport(e.to_string()),
        }
    }
}
