//! Captured content rendered into attribute values: the conventions' JSON
//! shapes, with the limits and the redaction of `#[trace_method]`.
//!
//! Every string (a text part, tool arguments, a tool result) is cut at
//! [`MAX_PARAM_SIZE`] bytes with the `#[trace_method]` suffix, and all the
//! content of one call shares a budget of [`MAX_TOTAL_SIZE`] bytes: a huge
//! prompt costs the limit, not its size, and never makes a huge span. The
//! JSON stays valid, so tools can still read a cut message. Tool arguments
//! and results that are JSON keep their structure with secret-named keys
//! redacted (the project's one secret-name policy); credentials in URLs are
//! masked in every text.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::content::{Message, MessagePart, ToolDefinition};
use crate::redact::{REDACTED, mask_urls_in_text, redact_json};
use crate::trace_method::writer::floor_char_boundary;
use crate::trace_method::{MAX_PARAM_SIZE, MAX_TOTAL_SIZE};

/// The bytes left for one call's content, and whether anything was cut.
#[derive(Debug)]
pub(super) struct Budget {
    remaining: usize,
    truncated: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Self::with_total(MAX_TOTAL_SIZE)
    }
}

impl Budget {
    /// A budget of `total` bytes.
    pub(super) fn with_total(total: usize) -> Self {
        Self {
            remaining: total,
            truncated: false,
        }
    }

    /// Whether some content was cut.
    pub(super) fn truncated(&self) -> bool {
        self.truncated
    }

    fn take(&mut self, bytes: usize) {
        self.remaining = self.remaining.saturating_sub(bytes);
    }

    /// `text` cut at the per-value limit and the remaining budget, with URL
    /// credentials masked.
    fn text(&mut self, text: &str) -> String {
        let limit = MAX_PARAM_SIZE.min(self.remaining);
        let kept = &text[..floor_char_boundary(text, limit)];
        let mut out = mask_urls_in_text(kept);
        if kept.len() < text.len() {
            self.truncated = true;
            let _ = write!(out, "... (truncated, original size: {} chars)", text.len());
        }
        self.take(out.len());
        out
    }

    /// JSON text kept as JSON with secret keys redacted when it fits and
    /// parses; otherwise a cut, masked string.
    fn json_or_text(&mut self, raw: &str) -> Value {
        if raw.len() <= MAX_PARAM_SIZE.min(self.remaining)
            && let Ok(mut value) = serde_json::from_str::<Value>(raw)
            && (value.is_object() || value.is_array())
        {
            redact_json(&mut value, REDACTED);
            self.take(raw.len());
            return value;
        }
        Value::String(self.text(raw))
    }
}

/// `gen_ai.input.messages` / `gen_ai.output.messages`: a JSON array of
/// messages.
pub(super) fn messages(messages: &[Message], budget: &mut Budget) -> String {
    let rendered: Vec<Value> = messages.iter().map(|m| message(m, budget)).collect();
    Value::Array(rendered).to_string()
}

fn message(message: &Message, budget: &mut Budget) -> Value {
    let parts: Vec<Value> = message.parts().iter().map(|p| part(p, budget)).collect();
    let mut object = Map::new();
    object.insert("role".into(), Value::from(message.role()));
    object.insert("parts".into(), Value::Array(parts));
    if let Some(reason) = message.reason() {
        object.insert("finish_reason".into(), Value::from(reason));
    }
    Value::Object(object)
}

fn part(part: &MessagePart, budget: &mut Budget) -> Value {
    match part {
        MessagePart::Text(text) => json!({"type": "text", "content": budget.text(text)}),
        MessagePart::ToolCall {
            id,
            name,
            arguments,
        } => json!({
            "type": "tool_call",
            "id": id,
            "name": name,
            "arguments": budget.json_or_text(arguments),
        }),
        MessagePart::ToolCallResponse { id, response } => json!({
            "type": "tool_call_response",
            "id": id,
            "response": budget.json_or_text(response),
        }),
    }
}

/// `gen_ai.system_instructions`: a JSON array of text parts.
pub(super) fn system_instructions(texts: &[String], budget: &mut Budget) -> String {
    let parts: Vec<Value> = texts
        .iter()
        .map(|t| json!({"type": "text", "content": budget.text(t)}))
        .collect();
    Value::Array(parts).to_string()
}

/// `gen_ai.tool.definitions`: a JSON array of function definitions. The
/// parameter schemas are code, not user data: they are kept as they are
/// (a property named `token` is a schema, not a secret), within the budget.
pub(super) fn tool_definitions(tools: &[ToolDefinition], budget: &mut Budget) -> String {
    let rendered: Vec<Value> = tools
        .iter()
        .map(|t| {
            let mut object = Map::new();
            object.insert("type".into(), Value::from("function"));
            object.insert("name".into(), Value::from(t.name.as_str()));
            if let Some(d) = &t.description {
                object.insert("description".into(), Value::from(budget.text(d)));
            }
            if let Some(p) = &t.parameters {
                let text = p.to_string();
                if text.len() <= budget.remaining {
                    budget.take(text.len());
                    object.insert("parameters".into(), p.clone());
                } else {
                    budget.truncated = true;
                }
            }
            Value::Object(object)
        })
        .collect();
    Value::Array(rendered).to_string()
}

/// A tool's arguments or result (`gen_ai.tool.call.arguments` /
/// `gen_ai.tool.call.result`): JSON with secret keys redacted, or cut text.
pub(super) fn tool_value(raw: &str, budget: &mut Budget) -> String {
    match budget.json_or_text(raw) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Value {
        serde_json::from_str(s).expect("valid JSON")
    }

    #[test]
    fn messages_have_the_conventions_shape() {
        let msgs = [
            Message::text("user", "weather in Paris?"),
            Message::new("assistant").part(MessagePart::ToolCall {
                id: Some("call_1".into()),
                name: "get_weather".into(),
                arguments: r#"{"city":"Paris","api_key":"sk-1"}"#.into(),
            }),
            Message::new("tool").part(MessagePart::ToolCallResponse {
                id: Some("call_1".into()),
                response: "rainy, 12 C".into(),
            }),
            Message::text("assistant", "It rains.").finish_reason("stop"),
        ];
        let mut budget = Budget::default();
        let v = parse(&messages(&msgs, &mut budget));
        assert_eq!(
            v,
            json!([
                {"role": "user", "parts": [{"type": "text", "content": "weather in Paris?"}]},
                {"role": "assistant", "parts": [{"type": "tool_call", "id": "call_1",
                    "name": "get_weather", "arguments": {"city": "Paris", "api_key": REDACTED}}]},
                {"role": "tool", "parts": [{"type": "tool_call_response", "id": "call_1",
                    "response": "rainy, 12 C"}]},
                {"role": "assistant", "parts": [{"type": "text", "content": "It rains."}],
                    "finish_reason": "stop"},
            ])
        );
        assert!(!budget.truncated());
    }

    #[test]
    fn a_huge_text_is_cut_at_the_parameter_limit_and_stays_valid_json() {
        let huge = "x".repeat(MAX_PARAM_SIZE + 10);
        let mut budget = Budget::default();
        let rendered = messages(&[Message::text("user", huge)], &mut budget);
        let v = parse(&rendered);
        let content = v[0]["parts"][0]["content"].as_str().expect("text");
        assert!(content.ends_with(&format!(
            "... (truncated, original size: {} chars)",
            MAX_PARAM_SIZE + 10
        )));
        assert!(rendered.len() < MAX_PARAM_SIZE + 200, "{}", rendered.len());
        assert!(budget.truncated());
    }

    #[test]
    fn the_total_budget_bounds_many_messages() {
        let msgs: Vec<Message> = (0..100)
            .map(|_| Message::text("user", "y".repeat(1000)))
            .collect();
        let mut budget = Budget::with_total(10_000);
        let rendered = messages(&msgs, &mut budget);
        assert!(rendered.len() < 10_000 + 100 * 120, "{}", rendered.len());
        assert!(budget.truncated());
        parse(&rendered);
    }

    #[test]
    fn url_credentials_are_masked_and_non_json_results_stay_text() {
        let mut budget = Budget::default();
        let text = tool_value("fetched http://u:hunter2@example.com/x", &mut budget);
        assert!(!text.contains("hunter2"), "{text}");
        let json = tool_value(r#"{"password":"p","ok":true}"#, &mut budget);
        assert_eq!(parse(&json), json!({"password": REDACTED, "ok": true}));
    }

    #[test]
    fn system_instructions_and_tool_definitions() {
        let mut budget = Budget::default();
        let sys = parse(&system_instructions(&["Be brief.".into()], &mut budget));
        assert_eq!(sys, json!([{"type": "text", "content": "Be brief."}]));
        let tools = parse(&tool_definitions(
            &[ToolDefinition {
                name: "get_weather".into(),
                description: Some("Weather of a city".into()),
                parameters: Some(
                    json!({"type": "object", "properties": {"token": {"type": "string"}}}),
                ),
            }],
            &mut budget,
        ));
        assert_eq!(
            tools,
            json!([{"type": "function", "name": "get_weather", "description": "Weather of a city",
                "parameters": {"type": "object", "properties": {"token": {"type": "string"}}}}])
        );
    }
}
