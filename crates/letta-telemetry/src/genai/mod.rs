//! GenAI telemetry: model calls, tool executions and agent steps, as the
//! OpenTelemetry GenAI semantic conventions describe them, so that
//! LLM-observability tools (Arize Phoenix, Langfuse, Datadog LLM
//! Observability) show LLM, TOOL and AGENT spans.
//!
//! Each is an RAII handle that starts a span when created and records the
//! metrics when finished: the reference's registry (`hist_ttft_ms`,
//! `hist_llm_execution_time_ms`, …) and the conventions'
//! `gen_ai.client.token.usage`, `gen_ai.client.operation.duration` and
//! `gen_ai.client.operation.time_to_first_chunk`. A handle dropped without
//! `finish` ends its span with status ERROR and `error.type = "cancelled"`,
//! so an abandoned call is visible.
//!
//! Content (messages, system instructions, tool definitions, tool
//! arguments and results) is recorded only when
//! `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` says so
//! ([`content_capture`]); it goes through the project's redaction policy
//! and the limits of `#[trace_method]`.
//!
//! ```
//! use letta_telemetry::genai::{
//!     AgentStep, InputContent, LlmCall, LlmRequest, LlmResponse, Message, ToolExecution,
//! };
//! let step = AgentStep::builder("step-1").agent_id("agent-1").agent_name("helper").start();
//! let mut call = LlmCall::builder("openai", "gpt-4o")
//!     .request(LlmRequest::new().temperature(0.7).max_tokens(1024))
//!     .server("api.openai.com", 443)
//!     .parent(step.context())
//!     .start();
//! // Called only while content capture is on.
//! call.capture_input(|| InputContent {
//!     system_instructions: vec!["You are helpful.".into()],
//!     messages: vec![Message::text("user", "Hi")],
//!     ..InputContent::default()
//! });
//! call.first_token();
//! step.add_usage(1200, 250);
//! call.finish(
//!     LlmResponse::new()
//!         .response_model("gpt-4o-2024-08-06")
//!         .response_id("chatcmpl-1")
//!         .usage(1200, 250)
//!         .cached_input_tokens(1000)
//!         .cost_usd(0.0042)
//!         .finish_reason("stop"),
//! );
//! let tool = ToolExecution::builder("web_search")
//!     .step_id("step-1")
//!     .arguments(r#"{"query":"rust"}"#)
//!     .parent(step.context())
//!     .start();
//! tool.finish_with_result(true, "3 results");
//! step.finish();
//! ```
//!
//! With tracing off the handles only record metrics; with metrics off they
//! only produce spans.

pub mod attributes;
mod capture;
mod content;
mod content_json;
mod llm_call;
mod llm_request;
mod llm_response;
mod span;
mod step;
mod tool;

pub use capture::{content_capture, set_content_capture};
pub use content::{InputContent, Message, MessagePart, ToolDefinition};
pub use llm_call::{LlmCall, LlmCallBuilder};
pub use llm_request::LlmRequest;
pub use llm_response::LlmResponse;
pub use step::{AgentStep, AgentStepBuilder};
pub use tool::{ToolExecution, ToolExecutionBuilder};
