//! One agent step: an `invoke_agent` span (GenAI conventions) plus the
//! reference's `hist_step_execution_time_ms`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Context, KeyValue};

use super::attributes as a;
use super::llm_request::saturate;
use super::span::GenAiSpan;

/// Starts an [`AgentStep`]; get one with [`AgentStep::builder`].
#[derive(Debug)]
#[must_use = "call .start() to begin the agent step"]
pub struct AgentStepBuilder {
    step_id: String,
    agent_id: Option<String>,
    agent_name: Option<String>,
    conversation_id: Option<String>,
    provider: Option<String>,
    parent: Option<Context>,
}

impl AgentStepBuilder {
    /// `gen_ai.agent.id`.
    pub fn agent_id(mut self, id: impl Into<String>) -> Self {
        self.agent_id = Some(id.into());
        self
    }

    /// `gen_ai.agent.name`; also the span's name (`invoke_agent <name>`)
    /// when the reference's legacy names are off.
    pub fn agent_name(mut self, name: impl Into<String>) -> Self {
        self.agent_name = Some(name.into());
        self
    }

    /// `gen_ai.conversation.id`: the conversation (session, thread) the
    /// step belongs to.
    pub fn conversation_id(mut self, id: impl Into<String>) -> Self {
        self.conversation_id = Some(id.into());
        self
    }

    /// `gen_ai.provider.name` of the model the agent runs on.
    pub fn provider(mut self, provider: impl Into<String>) -> Self {
        self.provider = Some(provider.into());
        self
    }

    /// Parent context of the span (default: the current context).
    pub fn parent(mut self, parent: &Context) -> Self {
        self.parent = Some(parent.clone());
        self
    }

    /// Starts the step: the span begins and the clock starts.
    pub fn start(self) -> AgentStep {
        let name = || {
            if crate::semconv::legacy_attributes() {
                "agent_step".to_owned()
            } else {
                match &self.agent_name {
                    Some(name) => format!("invoke_agent {name}"),
                    None => "invoke_agent".to_owned(),
                }
            }
        };
        let attributes = || {
            let mut attrs = vec![
                KeyValue::new(a::STEP_ID, self.step_id.clone()),
                KeyValue::new(a::OPERATION_NAME, "invoke_agent"),
            ];
            let optional = [
                (a::AGENT_ID, &self.agent_id),
                (a::AGENT_NAME, &self.agent_name),
                (a::CONVERSATION_ID, &self.conversation_id),
                (a::PROVIDER_NAME, &self.provider),
            ];
            attrs.extend(
                optional
                    .into_iter()
                    .filter_map(|(k, v)| v.clone().map(|v| KeyValue::new(k, v))),
            );
            attrs
        };
        let span = GenAiSpan::start(name, SpanKind::Internal, attributes, self.parent.as_ref());
        AgentStep {
            started: Instant::now(),
            span,
            done: false,
            input_tokens: AtomicU64::new(0),
            output_tokens: AtomicU64::new(0),
        }
    }
}

/// An agent step in progress. Finish it with [`AgentStep::finish`] or
/// [`AgentStep::fail`]; dropping it ends the span as cancelled and still
/// records the step's time.
///
/// Its span is the conventions' `invoke_agent` operation (INTERNAL: the
/// agent runs in this process), with the agent's id and name, the
/// conversation, and the step's token totals. It keeps the reference's name
/// `agent_step` and its `step.id` while the legacy names are on (the
/// default, for the dashboards that select `agent_step` spans); with
/// `LETTA_TELEMETRY_LEGACY_ATTRIBUTES=false` it is named
/// `invoke_agent <agent name>`.
#[derive(Debug)]
#[must_use = "an AgentStep records on finish(); dropping it marks the step cancelled"]
pub struct AgentStep {
    started: Instant,
    span: GenAiSpan,
    done: bool,
    input_tokens: AtomicU64,
    output_tokens: AtomicU64,
}

impl AgentStep {
    /// A step `step_id` (`step.id` on the span).
    pub fn builder(step_id: impl Into<String>) -> AgentStepBuilder {
        AgentStepBuilder {
            step_id: step_id.into(),
            agent_id: None,
            agent_name: None,
            conversation_id: None,
            provider: None,
            parent: None,
        }
    }

    /// Starts the step `step_id` in the current context.
    pub fn start(step_id: impl Into<String>) -> Self {
        Self::builder(step_id).start()
    }

    /// Starts the step as a child of `parent`.
    pub fn start_with_parent(step_id: impl Into<String>, parent: Option<&Context>) -> Self {
        let builder = Self::builder(step_id);
        match parent {
            Some(p) => builder.parent(p).start(),
            None => builder.start(),
        }
    }

    /// The context in which the step's span is current: pass it as the
    /// parent of the step's model calls and tool executions, or run the
    /// step's future in it with `FutureExt::with_context`.
    pub fn context(&self) -> &Context {
        self.span.context()
    }

    /// Adds a model call's tokens to the step's totals
    /// (`gen_ai.usage.input_tokens` / `output_tokens` on the step's span).
    pub fn add_usage(&self, input_tokens: u64, output_tokens: u64) {
        self.input_tokens.fetch_add(input_tokens, Ordering::Relaxed);
        self.output_tokens
            .fetch_add(output_tokens, Ordering::Relaxed);
    }

    fn record(&mut self) {
        self.done = true;
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        crate::metrics::registry().record_step_execution_time(ms);
        let input = self.input_tokens.load(Ordering::Relaxed);
        let output = self.output_tokens.load(Ordering::Relaxed);
        if input > 0 || output > 0 {
            self.span.set_attributes([
                KeyValue::new(a::USAGE_INPUT_TOKENS, saturate(input)),
                KeyValue::new(a::USAGE_OUTPUT_TOKENS, saturate(output)),
            ]);
        }
    }

    /// The step completed.
    pub fn finish(mut self) {
        self.record();
        self.span.end(Status::Ok);
    }

    /// The step failed with an error of type `error_type`.
    pub fn fail(mut self, error_type: &str, message: impl Into<String>) {
        self.record();
        self.span.end_error(error_type, message.into());
    }
}

impl Drop for AgentStep {
    fn drop(&mut self) {
        if !self.done {
            self.record();
            self.span.end_error(
                "cancelled",
                "the agent step was dropped before it finished".into(),
            );
        }
    }
}
