//! GenAI telemetry: model calls, tool executions and agent steps.
//!
//! Each is an RAII handle that starts a span (OpenTelemetry GenAI semantic
//! conventions) when created and records the registry's metrics when
//! finished. A handle dropped without `finish` ends its span with status
//! ERROR and `error.type = "cancelled"`, so an abandoned call is visible.
//!
//! ```
//! use letta_telemetry::genai::{AgentStep, LlmCall, LlmResponse, ToolExecution};
//! let step = AgentStep::start("step-1");
//! let call = LlmCall::builder("openai", "gpt-4o").parent(step.context()).start();
//! call.first_token();
//! call.finish(
//!     LlmResponse::new()
//!         .response_model("gpt-4o-2024-08-06")
//!         .usage(1200, 250)
//!         .cached_input_tokens(1000)
//!         .cost_usd(0.0042)
//!         .finish_reason("stop"),
//! );
//! let tool = ToolExecution::builder("web_search").step_id("step-1").parent(step.context()).start();
//! tool.finish(true);
//! step.finish();
//! ```
//!
//! With tracing off the handles only record metrics; with metrics off they
//! only produce spans.

mod llm_call;
mod span;
mod step;
mod tool;

pub use llm_call::{LlmCall, LlmCallBuilder, LlmResponse};
pub use step::AgentStep;
pub use tool::{ToolExecution, ToolExecutionBuilder};

/// GenAI semantic-convention attribute keys used on the spans.
pub mod attributes {
    /// `gen_ai.operation.name` (`chat`, `execute_tool`, …).
    pub const OPERATION_NAME: &str = "gen_ai.operation.name";
    /// `gen_ai.provider.name` (`openai`, `anthropic`, …).
    pub const PROVIDER_NAME: &str = "gen_ai.provider.name";
    /// `gen_ai.request.model`.
    pub const REQUEST_MODEL: &str = "gen_ai.request.model";
    /// `gen_ai.response.model`.
    pub const RESPONSE_MODEL: &str = "gen_ai.response.model";
    /// `gen_ai.usage.input_tokens`.
    pub const USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
    /// `gen_ai.usage.output_tokens`.
    pub const USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
    /// `gen_ai.usage.cache_read.input_tokens`.
    pub const USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
    /// `gen_ai.response.finish_reasons` (string array).
    pub const RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
    /// `gen_ai.response.id`.
    pub const RESPONSE_ID: &str = "gen_ai.response.id";
    /// `gen_ai.tool.name`.
    pub const TOOL_NAME: &str = "gen_ai.tool.name";
    /// `gen_ai.tool.call.id`.
    pub const TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
    /// `error.type`.
    pub const ERROR_TYPE: &str = "error.type";
    /// `letta.cost_usd`: cost of the call (not part of the conventions).
    pub const COST_USD: &str = "letta.cost_usd";
    /// `step.id`: the agent step.
    pub const STEP_ID: &str = "step.id";
    /// Name of the span event marking the first token.
    pub const TIME_TO_FIRST_TOKEN_EVENT: &str = "time_to_first_token";
    /// Attribute of that event: milliseconds from the request to the first token.
    pub const TTFT_MS: &str = "ttft_ms";
}
