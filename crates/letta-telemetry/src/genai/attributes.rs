//! The attribute keys, event and metric names of GenAI telemetry: the
//! OpenTelemetry GenAI semantic conventions, and the reference's own names,
//! which existing dashboards query.
//!
//! The GenAI conventions moved to a repository of their own
//! (`open-telemetry/semantic-conventions-genai`), and
//! `opentelemetry-semantic-conventions` deprecates its copies of their
//! names without a crate to replace them; the names are therefore written
//! here, once, and checked against the official Python instrumentation by
//! the reference server's `genai_yardstick` test.

/// `gen_ai.operation.name` (`chat`, `execute_tool`, `invoke_agent`, …).
pub const OPERATION_NAME: &str = "gen_ai.operation.name";
/// `gen_ai.provider.name` (`openai`, `anthropic`, …).
pub const PROVIDER_NAME: &str = "gen_ai.provider.name";
/// `gen_ai.request.model`.
pub const REQUEST_MODEL: &str = "gen_ai.request.model";
/// `gen_ai.request.temperature`.
pub const REQUEST_TEMPERATURE: &str = "gen_ai.request.temperature";
/// `gen_ai.request.top_p`.
pub const REQUEST_TOP_P: &str = "gen_ai.request.top_p";
/// `gen_ai.request.max_tokens`.
pub const REQUEST_MAX_TOKENS: &str = "gen_ai.request.max_tokens";
/// `gen_ai.request.stop_sequences` (string array).
pub const REQUEST_STOP_SEQUENCES: &str = "gen_ai.request.stop_sequences";
/// `gen_ai.request.seed`.
pub const REQUEST_SEED: &str = "gen_ai.request.seed";
/// `gen_ai.request.frequency_penalty`.
pub const REQUEST_FREQUENCY_PENALTY: &str = "gen_ai.request.frequency_penalty";
/// `gen_ai.request.presence_penalty`.
pub const REQUEST_PRESENCE_PENALTY: &str = "gen_ai.request.presence_penalty";
/// `gen_ai.request.choice.count`.
pub const REQUEST_CHOICE_COUNT: &str = "gen_ai.request.choice.count";
/// `gen_ai.request.stream`.
pub const REQUEST_STREAM: &str = "gen_ai.request.stream";
/// `gen_ai.output.type` (`text`, `json`, …).
pub const OUTPUT_TYPE: &str = "gen_ai.output.type";
/// `gen_ai.response.model`.
pub const RESPONSE_MODEL: &str = "gen_ai.response.model";
/// `gen_ai.response.id`.
pub const RESPONSE_ID: &str = "gen_ai.response.id";
/// `gen_ai.response.finish_reasons` (string array).
pub const RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
/// `gen_ai.response.time_to_first_chunk`: seconds from the request to the
/// first chunk of a streamed answer.
pub const RESPONSE_TIME_TO_FIRST_CHUNK: &str = "gen_ai.response.time_to_first_chunk";
/// `gen_ai.usage.input_tokens`.
pub const USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
/// `gen_ai.usage.output_tokens`.
pub const USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
/// `gen_ai.usage.cache_read.input_tokens`.
pub const USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
/// `gen_ai.usage.cache_creation.input_tokens`.
pub const USAGE_CACHE_CREATION_INPUT_TOKENS: &str = "gen_ai.usage.cache_creation.input_tokens";
/// `gen_ai.token.type` (`input`, `output`) on `gen_ai.client.token.usage`.
pub const TOKEN_TYPE: &str = "gen_ai.token.type";
/// `gen_ai.system_instructions` (content capture; JSON).
pub const SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";
/// `gen_ai.input.messages` (content capture; JSON).
pub const INPUT_MESSAGES: &str = "gen_ai.input.messages";
/// `gen_ai.output.messages` (content capture; JSON).
pub const OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
/// `gen_ai.tool.definitions` (content capture; JSON).
pub const TOOL_DEFINITIONS: &str = "gen_ai.tool.definitions";
/// `gen_ai.tool.name`.
pub const TOOL_NAME: &str = "gen_ai.tool.name";
/// `gen_ai.tool.type` (`function`, `extension`, `datastore`).
pub const TOOL_TYPE: &str = "gen_ai.tool.type";
/// `gen_ai.tool.description`.
pub const TOOL_DESCRIPTION: &str = "gen_ai.tool.description";
/// `gen_ai.tool.call.id`.
pub const TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
/// `gen_ai.tool.call.arguments` (content capture).
pub const TOOL_CALL_ARGUMENTS: &str = "gen_ai.tool.call.arguments";
/// `gen_ai.tool.call.result` (content capture).
pub const TOOL_CALL_RESULT: &str = "gen_ai.tool.call.result";
/// `gen_ai.agent.id`.
pub const AGENT_ID: &str = "gen_ai.agent.id";
/// `gen_ai.agent.name`.
pub const AGENT_NAME: &str = "gen_ai.agent.name";
/// `gen_ai.conversation.id`.
pub const CONVERSATION_ID: &str = "gen_ai.conversation.id";
/// `server.address` of the model endpoint.
pub const SERVER_ADDRESS: &str = "server.address";
/// `server.port` of the model endpoint.
pub const SERVER_PORT: &str = "server.port";
/// `error.type`.
pub const ERROR_TYPE: &str = "error.type";

/// `letta.cost_usd`: cost of the call in US dollars (the reference's name;
/// the conventions define no cost attribute).
pub const COST_USD: &str = "letta.cost_usd";
/// `gen_ai.usage.cost`: the same cost under the name Langfuse reads into an
/// observation's total cost (not an OpenTelemetry convention: the GenAI
/// conventions define none), so that Langfuse shows the cost the
/// application computed instead of looking the model up in its price table.
pub const USAGE_COST: &str = "gen_ai.usage.cost";
/// `letta.content.truncated`: some captured content was cut at the limits.
pub const CONTENT_TRUNCATED: &str = "letta.content.truncated";
/// `step.id`: the agent step (the reference's name).
pub const STEP_ID: &str = "step.id";
/// Name of the span event marking the first token (the reference's).
pub const TIME_TO_FIRST_TOKEN_EVENT: &str = "time_to_first_token";
/// Attribute of that event: milliseconds from the request to the first token.
pub const TTFT_MS: &str = "ttft_ms";
/// The event carrying a model call's content under `EVENT_ONLY` and
/// `SPAN_AND_EVENT` capture, recorded on the model-call span.
pub const OPERATION_DETAILS_EVENT: &str = "gen_ai.client.inference.operation.details";

/// `gen_ai.client.token.usage`: histogram of input and output tokens.
pub const METRIC_TOKEN_USAGE: &str = "gen_ai.client.token.usage";
/// `gen_ai.client.operation.duration`: histogram of model-call seconds.
pub const METRIC_OPERATION_DURATION: &str = "gen_ai.client.operation.duration";
/// `gen_ai.client.operation.time_to_first_chunk`: histogram of seconds to
/// the first chunk of a stream.
pub const METRIC_TIME_TO_FIRST_CHUNK: &str = "gen_ai.client.operation.time_to_first_chunk";
