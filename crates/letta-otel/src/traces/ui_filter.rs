//! The reference's "UI spans" filter.

use super::model::Span;

/// Whether `span` is one the reference's trace viewer shows: `agent_step`,
/// tool executions (`*._execute_tool`, `execute_tool *`), root spans, and
/// `time_to_first_token`.
pub fn is_ui_span(span: &Span) -> bool {
    span.is_root()
        || span.name == "agent_step"
        || span.name == "time_to_first_token"
        || span.name.ends_with("._execute_tool")
        || span.name.starts_with("execute_tool ")
        || span.name == "execute_tool"
}
