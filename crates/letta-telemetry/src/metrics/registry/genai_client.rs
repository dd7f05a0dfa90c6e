//! The GenAI semantic conventions' client metrics, beside the reference's
//! own (`genai.rs`): `gen_ai.client.token.usage`,
//! `gen_ai.client.operation.duration` and
//! `gen_ai.client.operation.time_to_first_chunk`, with the conventions'
//! units, bucket boundaries and attributes (operation, provider, request and
//! response model, server address and port, `error.type`). No context
//! attributes: these series are the conventions' and nothing else.

use std::collections::HashMap;
use std::sync::Mutex;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{BoundHistogram, Histogram};
use rustc_hash::FxBuildHasher;

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

/// How many attribute sets keep instruments bound to them; an operation
/// with any other set is recorded unbound. A server calls a few models of
/// a few providers, so the sets it sees stay far below this.
const MAX_BOUND_SETS: usize = 64;

/// The operation instruments bound to one attribute set: a record is a
/// direct write, where an unbound one hashes the set (SipHash, over every
/// key and value) and looks it up in the SDK's map. A set bound but not
/// recorded (a failed call's tokens) exports nothing.
struct BoundOperation {
    duration: BoundHistogram<f64>,
    input_tokens: BoundHistogram<u64>,
    output_tokens: BoundHistogram<u64>,
}

impl BoundOperation {
    /// One operation's duration and, when known, its token counts.
    fn record(&self, duration_s: f64, tokens: Option<(u64, u64)>) {
        self.duration.record(duration_s);
        if let Some((input, output)) = tokens {
            self.input_tokens.record(input);
            self.output_tokens.record(output);
        }
    }
}

/// The conventions' client instruments.
pub(super) struct GenAiClient {
    token_usage: Histogram<u64>,
    operation_duration: Histogram<f64>,
    time_to_first_chunk: Histogram<f64>,
    /// Bound operation instruments by attribute set, at most
    /// [`MAX_BOUND_SETS`].
    bound: Mutex<HashMap<Vec<KeyValue>, BoundOperation, FxBuildHasher>>,
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
            bound: Mutex::default(),
        }
    }

    /// One finished (or failed) operation: its duration, and its token
    /// counts when known, each with `attributes`. Through the instruments
    /// bound to `attributes` when there are (or there is room to bind
    /// them) and the cache is free; otherwise unbound, with the same
    /// result: this never waits for another thread.
    pub(super) fn record_operation(
        &self,
        attributes: &[KeyValue],
        duration_s: f64,
        tokens: Option<(u64, u64)>,
    ) {
        if let Ok(mut bound) = self.bound.try_lock() {
            // one lookup for a set already bound (every call but a set's first)
            if let Some(b) = bound.get(attributes) {
                b.record(duration_s, tokens);
                return;
            }
            if bound.len() < MAX_BOUND_SETS {
                let b = self.bind(attributes);
                b.record(duration_s, tokens);
                bound.insert(attributes.to_vec(), b);
                return;
            }
        }
        self.operation_duration.record(duration_s, attributes);
        if let Some((input, output)) = tokens {
            let mut with_type = token_attributes(attributes, "input");
            self.token_usage.record(input, &with_type);
            if let Some(last) = with_type.last_mut() {
                *last = KeyValue::new(GEN_AI_TOKEN_TYPE, "output");
            }
            self.token_usage.record(output, &with_type);
        }
    }

    /// The operation instruments bound to `attributes`.
    fn bind(&self, attributes: &[KeyValue]) -> BoundOperation {
        BoundOperation {
            duration: self.operation_duration.bind(attributes),
            input_tokens: self
                .token_usage
                .bind(&token_attributes(attributes, "input")),
            output_tokens: self
                .token_usage
                .bind(&token_attributes(attributes, "output")),
        }
    }

    /// The first chunk of a streamed answer arrived `seconds` after the request.
    pub(super) fn record_time_to_first_chunk(&self, attributes: &[KeyValue], seconds: f64) {
        self.time_to_first_chunk.record(seconds, attributes);
    }
}

/// `attributes` and the token type.
fn token_attributes(attributes: &[KeyValue], token_type: &'static str) -> Vec<KeyValue> {
    let mut with_type = Vec::with_capacity(attributes.len() + 1);
    with_type.extend_from_slice(attributes);
    with_type.push(KeyValue::new(GEN_AI_TOKEN_TYPE, token_type));
    with_type
}
