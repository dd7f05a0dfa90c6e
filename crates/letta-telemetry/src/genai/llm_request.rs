//! The parameters of a model request, recorded as the conventions'
//! `gen_ai.request.*` attributes.

use opentelemetry::{Array, KeyValue, StringValue, Value};

use super::attributes as a;

/// What the application asked the model for; every field is optional and
/// only the ones set are recorded.
///
/// ```
/// use letta_telemetry::genai::LlmRequest;
///
/// let request = LlmRequest::new().temperature(0.7).max_tokens(1024).seed(42);
/// # let _ = request;
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct LlmRequest {
    temperature: Option<f64>,
    top_p: Option<f64>,
    max_tokens: Option<u64>,
    stop_sequences: Vec<String>,
    seed: Option<i64>,
    frequency_penalty: Option<f64>,
    presence_penalty: Option<f64>,
    choice_count: Option<u32>,
    stream: Option<bool>,
}

impl LlmRequest {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// `gen_ai.request.temperature`.
    pub fn temperature(mut self, t: f64) -> Self {
        self.temperature = Some(t);
        self
    }

    /// `gen_ai.request.top_p`.
    pub fn top_p(mut self, p: f64) -> Self {
        self.top_p = Some(p);
        self
    }

    /// `gen_ai.request.max_tokens`.
    pub fn max_tokens(mut self, n: u64) -> Self {
        self.max_tokens = Some(n);
        self
    }

    /// Adds one of `gen_ai.request.stop_sequences`.
    pub fn stop_sequence(mut self, s: impl Into<String>) -> Self {
        self.stop_sequences.push(s.into());
        self
    }

    /// `gen_ai.request.seed`.
    pub fn seed(mut self, seed: i64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// `gen_ai.request.frequency_penalty`.
    pub fn frequency_penalty(mut self, p: f64) -> Self {
        self.frequency_penalty = Some(p);
        self
    }

    /// `gen_ai.request.presence_penalty`.
    pub fn presence_penalty(mut self, p: f64) -> Self {
        self.presence_penalty = Some(p);
        self
    }

    /// `gen_ai.request.choice.count` (recorded when not 1, as the
    /// conventions ask).
    pub fn choice_count(mut self, n: u32) -> Self {
        self.choice_count = Some(n);
        self
    }

    /// `gen_ai.request.stream`: whether the answer is streamed.
    pub fn stream(mut self, stream: bool) -> Self {
        self.stream = Some(stream);
        self
    }

    /// The attributes of the parameters that were set.
    pub(super) fn attributes(&self, out: &mut Vec<KeyValue>) {
        let floats = [
            (a::REQUEST_TEMPERATURE, self.temperature),
            (a::REQUEST_TOP_P, self.top_p),
            (a::REQUEST_FREQUENCY_PENALTY, self.frequency_penalty),
            (a::REQUEST_PRESENCE_PENALTY, self.presence_penalty),
        ];
        out.extend(
            floats
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| KeyValue::new(k, v))),
        );
        if let Some(n) = self.max_tokens {
            out.push(KeyValue::new(a::REQUEST_MAX_TOKENS, saturate(n)));
        }
        if let Some(seed) = self.seed {
            out.push(KeyValue::new(a::REQUEST_SEED, seed));
        }
        if let Some(n) = self.choice_count.filter(|n| *n != 1) {
            out.push(KeyValue::new(a::REQUEST_CHOICE_COUNT, i64::from(n)));
        }
        if let Some(stream) = self.stream {
            out.push(KeyValue::new(a::REQUEST_STREAM, stream));
        }
        if !self.stop_sequences.is_empty() {
            out.push(KeyValue::new(
                a::REQUEST_STOP_SEQUENCES,
                string_array(self.stop_sequences.iter().cloned()),
            ));
        }
    }
}

/// A string-array attribute value.
pub(super) fn string_array(items: impl Iterator<Item = String>) -> Value {
    Value::Array(Array::String(items.map(StringValue::from).collect()))
}

/// A token count as the `i64` attributes carry.
pub(super) fn saturate(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
