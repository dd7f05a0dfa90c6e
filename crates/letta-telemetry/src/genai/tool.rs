//! One tool execution: an `execute_tool <name>` span plus
//! `count_tool_execution` and `hist_tool_execution_time_ms`.

use std::time::Instant;

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Context, KeyValue};

use super::attributes as a;
use super::capture::content_capture;
use super::content_json::{self, Budget};
use super::span::GenAiSpan;

/// Starts a [`ToolExecution`]; get one with [`ToolExecution::builder`].
#[derive(Debug)]
#[must_use = "call .start() to begin the tool execution"]
pub struct ToolExecutionBuilder {
    tool_name: String,
    step_id: Option<String>,
    call_id: Option<String>,
    tool_type: &'static str,
    description: Option<String>,
    arguments: Option<String>,
    parent: Option<Context>,
}

impl ToolExecutionBuilder {
    /// The agent step running the tool (`step.id` on the span; `step_id` on
    /// the counter when the tool fails).
    pub fn step_id(mut self, step_id: impl Into<String>) -> Self {
        self.step_id = Some(step_id.into());
        self
    }

    /// The model's tool-call id (`gen_ai.tool.call.id`).
    pub fn call_id(mut self, call_id: impl Into<String>) -> Self {
        self.call_id = Some(call_id.into());
        self
    }

    /// `gen_ai.tool.type`: `function` (the default), `extension` or
    /// `datastore`.
    pub fn tool_type(mut self, tool_type: &'static str) -> Self {
        self.tool_type = tool_type;
        self
    }

    /// `gen_ai.tool.description`.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The call's arguments as the model sent them
    /// (`gen_ai.tool.call.arguments`), recorded only while content capture
    /// puts content on spans; redacted and cut like captured messages.
    pub fn arguments(mut self, arguments: &str) -> Self {
        if content_capture().on_span() && crate::global::tracing_enabled() {
            self.arguments = Some(content_json::tool_value(arguments, &mut Budget::default()));
        }
        self
    }

    /// Parent context of the span (default: the current context).
    pub fn parent(mut self, parent: &Context) -> Self {
        self.parent = Some(parent.clone());
        self
    }

    /// Starts the execution: the span begins and the clock starts.
    pub fn start(self) -> ToolExecution {
        let attrs = || {
            let mut attrs = vec![
                KeyValue::new(a::OPERATION_NAME, "execute_tool"),
                KeyValue::new(a::TOOL_NAME, self.tool_name.clone()),
                KeyValue::new(a::TOOL_TYPE, self.tool_type),
            ];
            if let Some(d) = &self.description {
                attrs.push(KeyValue::new(a::TOOL_DESCRIPTION, d.clone()));
            }
            if let Some(arguments) = &self.arguments {
                attrs.push(KeyValue::new(a::TOOL_CALL_ARGUMENTS, arguments.clone()));
            }
            if let Some(id) = &self.call_id {
                attrs.push(KeyValue::new(a::TOOL_CALL_ID, id.clone()));
            }
            if let Some(id) = &self.step_id {
                attrs.push(KeyValue::new(a::STEP_ID, id.clone()));
            }
            attrs
        };
        let span = GenAiSpan::start(
            || format!("execute_tool {}", self.tool_name),
            SpanKind::Internal,
            attrs,
            self.parent.as_ref(),
        );
        ToolExecution {
            tool_name: self.tool_name,
            step_id: self.step_id,
            started: Instant::now(),
            span,
            done: false,
        }
    }
}

/// A tool execution in progress. Finish it with [`ToolExecution::finish`]
/// or [`ToolExecution::fail`]; dropping it records a failure of type
/// `cancelled`.
#[derive(Debug)]
#[must_use = "a ToolExecution records on finish(); dropping it records a cancelled failure"]
pub struct ToolExecution {
    tool_name: String,
    step_id: Option<String>,
    started: Instant,
    span: GenAiSpan,
    done: bool,
}

impl ToolExecution {
    /// An execution of the tool `tool_name`.
    pub fn builder(tool_name: impl Into<String>) -> ToolExecutionBuilder {
        ToolExecutionBuilder {
            tool_name: tool_name.into(),
            step_id: None,
            call_id: None,
            tool_type: "function",
            description: None,
            arguments: None,
            parent: None,
        }
    }

    /// The context in which the execution's span is current.
    pub fn context(&self) -> &Context {
        self.span.context()
    }

    fn record(&mut self, success: bool) {
        self.done = true;
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        crate::metrics::registry().record_tool_execution(
            &self.tool_name,
            success,
            self.step_id.as_deref(),
            ms,
        );
    }

    /// The tool finished; `success` is whether it reported success.
    pub fn finish(mut self, success: bool) {
        self.record(success);
        if success {
            self.span.end(Status::Ok);
        } else {
            self.span
                .end_error("tool_error", "the tool reported failure".into());
        }
    }

    /// The tool finished with `result` (`gen_ai.tool.call.result`, recorded
    /// only while content capture puts content on spans; redacted and cut
    /// like captured messages); `success` is whether it reported success.
    pub fn finish_with_result(self, success: bool, result: &str) {
        if content_capture().on_span() && self.span.recording() {
            let value = content_json::tool_value(result, &mut Budget::default());
            self.span
                .set_attributes([KeyValue::new(a::TOOL_CALL_RESULT, value)]);
        }
        self.finish(success);
    }

    /// The tool failed with an error of type `error_type`.
    pub fn fail(mut self, error_type: &str, message: impl Into<String>) {
        self.record(false);
        self.span.end_error(error_type, message.into());
    }
}

impl Drop for ToolExecution {
    fn drop(&mut self) {
        if !self.done {
            self.record(false);
            self.span.end_error(
                "cancelled",
                "the tool execution was dropped before it finished".into(),
            );
        }
    }
}
