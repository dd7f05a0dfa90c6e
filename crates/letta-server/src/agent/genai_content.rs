//! The agent's chat messages as GenAI content, for content capture
//! (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`): built only while
//! capture is on.

use letta_telemetry::genai::{InputContent, Message, MessagePart, ToolDefinition};

use crate::llm::{ChatMessage, Completion, ToolSpec};

/// A model call's request: the system prompt as system instructions, the
/// other messages in the conventions' shape, and the tools offered.
pub(super) fn input(prompt: &[ChatMessage], specs: &[ToolSpec]) -> InputContent {
    let (system, messages): (Vec<&ChatMessage>, Vec<&ChatMessage>) =
        prompt.iter().partition(|m| m.role == "system");
    InputContent {
        system_instructions: system.iter().filter_map(|m| m.content.clone()).collect(),
        messages: messages.into_iter().map(message).collect(),
        tools: specs
            .iter()
            .map(|s| ToolDefinition {
                name: s.function.name.clone(),
                description: Some(s.function.description.clone()),
                parameters: Some(s.function.parameters.clone()),
            })
            .collect(),
    }
}

fn message(m: &ChatMessage) -> Message {
    let mut out = Message::new(m.role.clone());
    if m.role == "tool" {
        return out.part(MessagePart::ToolCallResponse {
            id: m.tool_call_id.clone(),
            response: m.content.clone().unwrap_or_default(),
        });
    }
    if let Some(text) = m.content.as_ref().filter(|t| !t.is_empty()) {
        out = out.part(MessagePart::Text(text.clone()));
    }
    for call in &m.tool_calls {
        out = out.part(MessagePart::ToolCall {
            id: Some(call.id.clone()),
            name: call.function.name.clone(),
            arguments: call.function.arguments.clone(),
        });
    }
    out
}

/// The model's answer as one output message.
pub(super) fn output(completion: &Completion) -> Message {
    let mut out = Message::new("assistant").finish_reason(completion.finish_reason.clone());
    if !completion.content.is_empty() {
        out = out.part(MessagePart::Text(completion.content.clone()));
    }
    if let Some(call) = &completion.tool_call {
        out = out.part(MessagePart::ToolCall {
            id: Some(call.id.clone()),
            name: call.name.clone(),
            arguments: call.arguments.clone(),
        });
    }
    out
}
