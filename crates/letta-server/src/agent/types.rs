//! Request and response bodies of the agent API.

use serde::{Deserialize, Serialize};

/// Body of `POST /v1/agents`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateAgent {
    /// Display name.
    pub name: String,
    /// Model; the server's default when absent.
    #[serde(default)]
    pub model: Option<String>,
    /// System prompt.
    #[serde(default)]
    pub system: Option<String>,
    /// Tool names; every tool when absent.
    #[serde(default)]
    pub tools: Option<Vec<String>>,
}

/// Body of the message routes.
#[derive(Debug, Clone, Deserialize)]
pub struct SendMessage {
    /// The user's messages (the reference's shape: `[{"role": "user", "content": "..."}]`).
    pub messages: Vec<InputMessage>,
}

/// One input message.
#[derive(Debug, Clone, Deserialize)]
pub struct InputMessage {
    /// Must be `user`.
    pub role: String,
    /// Text.
    pub content: String,
}

/// A message in a response.
#[derive(Debug, Clone, Serialize)]
pub struct MessageOut {
    /// Message id.
    pub id: String,
    /// `assistant_message`, `tool_call_message` or `tool_return_message`.
    pub message_type: &'static str,
    /// Text, tool arguments, or tool result.
    pub content: String,
    /// Tool name for tool messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<String>,
    /// For tool returns: whether the tool succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_success: Option<bool>,
}

/// Token usage of a step.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StepUsage {
    /// Prompt tokens over all model calls.
    pub prompt_tokens: u64,
    /// Completion tokens over all model calls.
    pub completion_tokens: u64,
    /// Number of model calls.
    pub step_count: u32,
    /// Cost in USD.
    pub cost_usd: f64,
}

/// Response of a message route.
#[derive(Debug, Clone, Serialize)]
pub struct StepResponse {
    /// Step id.
    pub step_id: String,
    /// The messages the step produced.
    pub messages: Vec<MessageOut>,
    /// Usage.
    pub usage: StepUsage,
    /// `end_turn` or `max_steps`.
    pub stop_reason: &'static str,
}

/// An event of a streamed step (one SSE event each).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "message_type", rename_all = "snake_case")]
pub enum StreamEvent {
    /// A piece of the assistant's text.
    AssistantMessage {
        /// The text delta.
        content: String,
    },
    /// A complete message (tool call or tool return).
    Message(MessageOut),
    /// Usage at the end of the step.
    UsageStatistics(StepUsage),
}
