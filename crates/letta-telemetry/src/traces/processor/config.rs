//! The configuration of a [`BoundedBatchSpanProcessor`](super::BoundedBatchSpanProcessor):
//! plain values, filled from the settings by the trace pipeline
//! ([`BatchConfig::from_settings`]) or in code.

use std::time::Duration;

/// Configuration of a [`BoundedBatchSpanProcessor`](super::BoundedBatchSpanProcessor).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchConfig {
    /// Most spans waiting in the queue.
    pub max_queue_spans: usize,
    /// Most estimated bytes waiting in the queue.
    pub max_queue_bytes: usize,
    /// Most spans in one export request.
    pub max_batch_spans: usize,
    /// Largest export request, in (estimated protobuf) bytes.
    pub max_request_bytes: usize,
    /// Longest wait before a partial batch is exported.
    pub schedule_delay: Duration,
    /// Longest time one export call may take: the shorter of
    /// `OTEL_BSP_EXPORT_TIMEOUT` and the OTLP timeout of traces.
    pub export_timeout: Duration,
    /// Longest string attribute value in characters
    /// (`OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT`); longer ones are cut when
    /// the span ends. `None`: no limit.
    pub max_attribute_value_length: Option<usize>,
    /// Whether a request answered "too large" is split and sent again. This
    /// keeps a copy of a batch while it is exported, but only of a batch
    /// larger than any request the collector has accepted so far (smaller
    /// ones cannot be too large), so in a steady state nothing is copied.
    pub split_on_too_large: bool,
    /// Emit a `debug` event (target `letta_telemetry::traces`) per export.
    pub verbose: bool,
    /// Least time between two "spans dropped" warnings.
    pub drop_warning_interval: Duration,
    /// The collector's host and port when spans go to it over plaintext
    /// (`http://`): after an export fails on the transport, the worker asks
    /// the port once whether it speaks TLS, and the warning then says
    /// "plaintext to a TLS port".
    pub plaintext_collector: Option<(String, u16)>,
}

impl BatchConfig {
    /// Sets [`BatchConfig::split_on_too_large`].
    #[must_use]
    pub fn with_split_on_too_large(mut self, split: bool) -> Self {
        self.split_on_too_large = split;
        self
    }
}
