//! The agent's tools: a few simple, deterministic functions.

use serde_json::{Value, json};

use crate::llm::ToolSpec;

/// Names of every tool, in the order offered to the model.
pub const TOOL_NAMES: &[&str] = &["get_weather", "add_numbers", "word_count", "always_fails"];

/// Why a tool failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    /// No tool has this name.
    #[error(
        "unknown tool {0:?}; expected one of get_weather, add_numbers, word_count, always_fails"
    )]
    Unknown(String),
    /// The arguments are not what the tool takes.
    #[error("invalid arguments for {tool}: {reason}")]
    BadArguments {
        /// The tool.
        tool: String,
        /// What is wrong.
        reason: String,
    },
    /// The tool ran and failed.
    #[error("{tool} failed: {reason}")]
    Failed {
        /// The tool.
        tool: String,
        /// What went wrong.
        reason: String,
    },
}

impl ToolError {
    /// The error's kind, for `error.type` on spans.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Unknown(_) => "UnknownTool",
            Self::BadArguments { .. } => "BadArguments",
            Self::Failed { .. } => "ToolFailed",
        }
    }
}

/// The specs of the given tools (unknown names are left out).
pub fn specs(names: &[&str]) -> Vec<ToolSpec> {
    names.iter().filter_map(|name| spec(name)).collect()
}

fn spec(name: &str) -> Option<ToolSpec> {
    let (description, parameters) = match name {
        "get_weather" => (
            "Current weather of a city",
            json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}),
        ),
        "add_numbers" => (
            "Adds two integers",
            json!({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}, "required": ["a", "b"]}),
        ),
        "word_count" => (
            "Counts the words of a text",
            json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
        ),
        "always_fails" => (
            "A tool that always fails (for testing error paths)",
            json!({"type": "object", "properties": {}}),
        ),
        _ => return None,
    };
    Some(ToolSpec {
        kind: "function".to_owned(),
        function: crate::llm::ToolFunctionSpec {
            name: name.to_owned(),
            description: description.to_owned(),
            parameters,
        },
    })
}

/// Runs tool `name` with the JSON `arguments`.
pub fn execute(name: &str, arguments: &str) -> Result<String, ToolError> {
    let args: Value = serde_json::from_str(if arguments.trim().is_empty() {
        "{}"
    } else {
        arguments
    })
    .map_err(|e| ToolError::BadArguments {
        tool: name.to_owned(),
        reason: format!("not JSON: {e}"),
    })?;
    let bad = |reason: &str| ToolError::BadArguments {
        tool: name.to_owned(),
        reason: reason.to_owned(),
    };
    match name {
        "get_weather" => {
            let city = args
                .get("city")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("expected {\"city\": <string>}"))?;
            // Deterministic "weather" from the city name.
            let seed: u32 = city.bytes().map(u32::from).sum();
            let conditions = ["sunny", "cloudy", "rainy", "windy", "snowy"];
            Ok(format!(
                "{city}: {}, {}°C",
                conditions[(seed % 5) as usize],
                (seed % 30) as i32 - 5
            ))
        }
        "add_numbers" => {
            let a = args
                .get("a")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad("expected integer a"))?;
            let b = args
                .get("b")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad("expected integer b"))?;
            a.checked_add(b)
                .map(|sum| sum.to_string())
                .ok_or_else(|| ToolError::Failed {
                    tool: name.to_owned(),
                    reason: "overflow".to_owned(),
                })
        }
        "word_count" => {
            let text = args
                .get("text")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("expected {\"text\": <string>}"))?;
            Ok(text.split_whitespace().count().to_string())
        }
        "always_fails" => Err(ToolError::Failed {
            tool: name.to_owned(),
            reason: "this tool always fails".to_owned(),
        }),
        other => Err(ToolError::Unknown(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tools_answer_and_fail_as_documented() {
        assert_eq!(
            execute("add_numbers", r#"{"a": 2, "b": 40}"#).ok(),
            Some("42".into())
        );
        assert_eq!(
            execute("word_count", r#"{"text": "a b c"}"#).ok(),
            Some("3".into())
        );
        assert!(
            execute("get_weather", r#"{"city": "Oslo"}"#).is_ok_and(|s| s.starts_with("Oslo:"))
        );
        assert!(matches!(
            execute("always_fails", "{}"),
            Err(ToolError::Failed { .. })
        ));
        assert!(matches!(execute("nope", "{}"), Err(ToolError::Unknown(_))));
        assert!(matches!(
            execute("add_numbers", "{"),
            Err(ToolError::BadArguments { .. })
        ));
        assert_eq!(specs(TOOL_NAMES).len(), TOOL_NAMES.len());
    }
}
