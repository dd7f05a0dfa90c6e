//! One agent step: an `agent_step` span plus `hist_step_execution_time_ms`.

use std::time::Instant;

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Context, KeyValue};

use super::attributes as a;
use super::span::GenAiSpan;

/// An agent step in progress, as a child of the current context. Finish it
/// with [`AgentStep::finish`] or [`AgentStep::fail`]; dropping it ends the
/// span as cancelled and still records the step's time.
#[derive(Debug)]
#[must_use = "an AgentStep records on finish(); dropping it marks the step cancelled"]
pub struct AgentStep {
    started: Instant,
    span: GenAiSpan,
    done: bool,
}

impl AgentStep {
    /// Starts the step `step_id` (`step.id` on the span).
    pub fn start(step_id: impl Into<String>) -> Self {
        Self::start_with_parent(step_id, None)
    }

    /// Starts the step as a child of `parent`.
    pub fn start_with_parent(step_id: impl Into<String>, parent: Option<&Context>) -> Self {
        let step_id = step_id.into();
        let span = GenAiSpan::start(
            || "agent_step",
            SpanKind::Internal,
            || vec![KeyValue::new(a::STEP_ID, step_id)],
            parent,
        );
        Self {
            started: Instant::now(),
            span,
            done: false,
        }
    }

    /// The context in which the step's span is current: pass it as the
    /// parent of the step's model calls and tool executions, or run the
    /// step's future in it with `FutureExt::with_context`.
    pub fn context(&self) -> &Context {
        self.span.context()
    }

    fn record(&mut self) {
        self.done = true;
        let ms = self.started.elapsed().as_secs_f64() * 1000.0;
        crate::metrics::registry().record_step_execution_time(ms);
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
