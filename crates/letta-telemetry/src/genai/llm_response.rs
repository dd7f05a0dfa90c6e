//! What a finished model call returned.

use super::content::Message;

/// What a finished model call returned; every field is optional.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct LlmResponse {
    pub(super) response_model: Option<String>,
    pub(super) response_id: Option<String>,
    pub(super) input_tokens: Option<u64>,
    pub(super) output_tokens: Option<u64>,
    pub(super) cached_input_tokens: Option<u64>,
    pub(super) cache_creation_input_tokens: Option<u64>,
    pub(super) cost_usd: Option<f64>,
    pub(super) finish_reasons: Vec<String>,
    pub(super) output_messages: Vec<Message>,
}

impl LlmResponse {
    /// An empty response description.
    pub fn new() -> Self {
        Self::default()
    }

    /// The model that answered (`gen_ai.response.model`).
    pub fn response_model(mut self, model: impl Into<String>) -> Self {
        self.response_model = Some(model.into());
        self
    }

    /// The provider's response id (`gen_ai.response.id`).
    pub fn response_id(mut self, id: impl Into<String>) -> Self {
        self.response_id = Some(id.into());
        self
    }

    /// Input and output token counts.
    pub fn usage(mut self, input_tokens: u64, output_tokens: u64) -> Self {
        self.input_tokens = Some(input_tokens);
        self.output_tokens = Some(output_tokens);
        self
    }

    /// Input tokens served from the provider's prompt cache
    /// (`gen_ai.usage.cache_read.input_tokens`).
    pub fn cached_input_tokens(mut self, tokens: u64) -> Self {
        self.cached_input_tokens = Some(tokens);
        self
    }

    /// Input tokens written to the provider's prompt cache
    /// (`gen_ai.usage.cache_creation.input_tokens`).
    pub fn cache_creation_input_tokens(mut self, tokens: u64) -> Self {
        self.cache_creation_input_tokens = Some(tokens);
        self
    }

    /// Cost of the call in US dollars (`letta.cost_usd`).
    pub fn cost_usd(mut self, cost: f64) -> Self {
        self.cost_usd = Some(cost);
        self
    }

    /// Adds a finish reason (`stop`, `length`, `tool_calls`, …).
    pub fn finish_reason(mut self, reason: impl Into<String>) -> Self {
        self.finish_reasons.push(reason.into());
        self
    }

    /// Adds an output message (`gen_ai.output.messages`), recorded only
    /// while content capture is on. Build it only when
    /// [`content_capture`](super::content_capture) says so: it is dropped
    /// unread otherwise.
    pub fn output_message(mut self, message: Message) -> Self {
        self.output_messages.push(message);
        self
    }
}
