//! The GenAI semantic conventions' client metrics, beside the reference's
//! own (`genai.rs`): `gen_ai.client.token.usage`,
//! `gen_ai.client.operation.duration` and
//! `gen_ai.client.operation.time_to_first_chunk`, with the conventions'
//! units, bucket boundaries and attributes (operation, provider, request and
//! response model, server address and port, `error.type`). No context
//! attributes: these series are the conventions' and nothing else.

use opentelemetry::KeyValue;
use opentelemetry::metrics::Histogram;

use super::make::Make;

// The conventions' names, as `genai::attributes` lists them (this module
// sits below `genai` and does not import it).
const GEN_AI_CLIENT_TOKEN_USAGE: &str = "gen_ai.client.token.usage";
const GEN_AI_CLIENT_OPERATION_DURATION: &str = "gen_ai.client.operation.duration";
const GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK: &str =
    "gen_ai.client.operation.time_to_first_chunk";
const GEN_AI_TOKEN_TYPE: &str = "gen_ai.token.type";

/// Seconds: the conventions' advisory boundaries for operation duration and
/// time to first chunk.
const DURATION_S: &[f64] = &[
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// Tokens: the conventions' advisory boundaries for token usage (powers of 4).
const TOKENS: &[f64] = &[
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];

/// The conventions' client instruments.
pub(super) struct GenAiClient {
    token_usage: Histogram<u64>,
    operation_duration: Histogram<f64>,
    time_to_first_chunk: Histogram<f64>,
}

impl GenAiClient {
    pub(super) fn new(make: &Make<'_>) -> Self {
        Self {
            token_usage: make.uhist(
                GEN_AI_CLIENT_TOKEN_USAGE,
                "{token}",
                "Number of input and output tokens used",
                TOKENS,
            ),
            operation_duration: make.hist(
                GEN_AI_CLIENT_OPERATION_DURATION,
                "s",
                "GenAI operation duration",
                DURATION_S,
            ),
            time_to_first_chunk: make.hist(
                GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
                "s",
                "Time to receive the first chunk of a streamed response",
                DURATION_S,
            ),
        }
    }

    /// One finished (or failed) operation: its duration, and its token
    /// counts when known, each with `attributes`.
    pub(super) fn record_operation(
        &self,
        attributes: &[KeyValue],
        duration_s: f64,
        tokens: Option<(u64, u64)>,
    ) {
        self.operation_duration.record(duration_s, attributes);
        if let Some((input, output)) = tokens {
            let mut with_type = Vec::with_capacity(attributes.len() + 1);
            with_type.extend_from_slice(attributes);
            with_type.push(KeyValue::new(GEN_AI_TOKEN_TYPE, "input"));
            self.token_usage.record(input, &with_type);
            if let Some(last) = with_type.last_mut() {
                *last = KeyValue::new(GEN_AI_TOKEN_TYPE, "output");
            }
            self.token_usage.record(output, &with_type);
        }
    }

    /// The first chunk of a streamed answer arrived `seconds` after the request.
    pub(super) fn record_time_to_first_chunk(&self, attributes: &[KeyValue], seconds: f64) {
        self.time_to_first_chunk.record(seconds, attributes);
    }
}
