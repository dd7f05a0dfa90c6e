//! Tool instruments: how many tools ran, whether they succeeded, and how
//! long they took. Recorded by the agent loop around each tool call.

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram};

use super::make::Make;
use crate::metrics::attributes::{self as attr, with_context};
use crate::metrics::buckets;

/// The tool instruments.
pub(super) struct Tools {
    /// `count_tool_execution` (counter, `1`): tools executed
    /// (`tool_name`, `success`, `step_id` on failure).
    executions: Counter<u64>,
    /// `hist_tool_execution_time_ms` (histogram, `ms`): tool execution time (`tool_name`).
    execution_time_ms: Histogram<f64>,
}

impl Tools {
    pub(super) fn new(make: &Make<'_>) -> Self {
        Tools {
            executions: make.counter(
                "count_tool_execution",
                "Counts the number of tools executed",
            ),
            execution_time_ms: make.hist(
                "hist_tool_execution_time_ms",
                "ms",
                "Histogram for tool execution time (ms)",
                buckets::LATENCY_MS,
            ),
        }
    }

    pub(super) fn record_execution(
        &self,
        tool_name: &str,
        success: bool,
        step_id: Option<&str>,
        duration_ms: f64,
    ) {
        with_context(
            [KeyValue::new(attr::TOOL_NAME, attr::shared(tool_name))],
            |a| {
                self.execution_time_ms.record(duration_ms, a);
                a.push(KeyValue::new(attr::SUCCESS, success));
                if let (false, Some(step)) = (success, step_id) {
                    a.push(KeyValue::new(attr::STEP_ID, step.to_owned()));
                }
                self.executions.add(1, a);
            },
        );
    }
}
