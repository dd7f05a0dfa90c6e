//! What content capture records of a model call: its messages, system
//! instructions and tool definitions, in the shapes of the GenAI semantic
//! conventions (`role` + `parts`, parts typed `text`, `tool_call` and
//! `tool_call_response`). Rendering them into attributes is
//! `content_json.rs`'s work.

/// One part of a [`Message`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum MessagePart {
    /// Text (`{"type": "text", "content": …}`).
    Text(String),
    /// A tool call requested by the model (`{"type": "tool_call", …}`);
    /// `arguments` is the JSON text the model produced.
    ToolCall {
        /// The call id (`call_…`).
        id: Option<String>,
        /// The tool's name.
        name: String,
        /// The arguments, as JSON text.
        arguments: String,
    },
    /// A tool's result sent back to the model
    /// (`{"type": "tool_call_response", …}`).
    ToolCallResponse {
        /// The id of the call it answers.
        id: Option<String>,
        /// The result.
        response: String,
    },
}

/// A chat message: a role and its parts; output messages also carry the
/// reason the model stopped.
///
/// ```
/// use letta_telemetry::genai::{Message, MessagePart};
///
/// let question = Message::text("user", "What's the weather in Paris?");
/// let call = Message::new("assistant").part(MessagePart::ToolCall {
///     id: Some("call_1".into()),
///     name: "get_weather".into(),
///     arguments: r#"{"city":"Paris"}"#.into(),
/// });
/// assert_eq!(question.role(), "user");
/// assert_eq!(call.parts().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Message {
    role: String,
    parts: Vec<MessagePart>,
    finish_reason: Option<String>,
}

impl Message {
    /// A message of `role` (`system`, `user`, `assistant`, `tool`) with no
    /// parts yet.
    pub fn new(role: impl Into<String>) -> Self {
        Self {
            role: role.into(),
            parts: Vec::new(),
            finish_reason: None,
        }
    }

    /// A message of `role` holding one text part.
    pub fn text(role: impl Into<String>, content: impl Into<String>) -> Self {
        Self::new(role).part(MessagePart::Text(content.into()))
    }

    /// Adds a part.
    pub fn part(mut self, part: MessagePart) -> Self {
        self.parts.push(part);
        self
    }

    /// Why the model stopped (output messages: `stop`, `length`,
    /// `tool_call`, …).
    pub fn finish_reason(mut self, reason: impl Into<String>) -> Self {
        self.finish_reason = Some(reason.into());
        self
    }

    /// The role.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// The parts.
    pub fn parts(&self) -> &[MessagePart] {
        &self.parts
    }

    /// The finish reason, if any.
    pub fn reason(&self) -> Option<&str> {
        self.finish_reason.as_deref()
    }
}

/// A tool the model may call (`gen_ai.tool.definitions`).
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ToolDefinition {
    /// The tool's name.
    pub name: String,
    /// What it does.
    pub description: Option<String>,
    /// The JSON schema of its arguments.
    pub parameters: Option<serde_json::Value>,
}

/// The content of a model call's request: recorded only while content
/// capture is on (see [`LlmCall::capture_input`](super::LlmCall::capture_input)).
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct InputContent {
    /// `gen_ai.system_instructions`: the system prompt, as text parts.
    pub system_instructions: Vec<String>,
    /// `gen_ai.input.messages`: the conversation sent, system prompt
    /// excluded.
    pub messages: Vec<Message>,
    /// `gen_ai.tool.definitions`: the tools offered.
    pub tools: Vec<ToolDefinition>,
}
