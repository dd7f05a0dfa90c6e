//! One model call: a GenAI CLIENT span plus the registry's LLM metrics.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Array, Context, KeyValue, StringValue, Value};

use super::attributes as a;
use super::span::GenAiSpan;

/// Starts an [`LlmCall`]; get one with [`LlmCall::builder`].
#[derive(Debug)]
#[must_use = "call .start() to begin the model call"]
pub struct LlmCallBuilder {
    provider: String,
    model: String,
    operation: &'static str,
    parent: Option<Context>,
}

impl LlmCallBuilder {
    /// The GenAI operation (`chat` by default; e.g. `text_completion`,
    /// `embeddings`). The span is named `<operation> <model>`.
    pub fn operation(mut self, operation: &'static str) -> Self {
        self.operation = operation;
        self
    }

    /// Parent context of the span (default: the current context).
    pub fn parent(mut self, parent: &Context) -> Self {
        self.parent = Some(parent.clone());
        self
    }

    /// Starts the call: the span begins and the clock starts.
    pub fn start(self) -> LlmCall {
        let span = GenAiSpan::start(
            || format!("{} {}", self.operation, self.model),
            SpanKind::Client,
            || {
                vec![
                    KeyValue::new(a::OPERATION_NAME, self.operation),
                    KeyValue::new(a::PROVIDER_NAME, self.provider.clone()),
                    KeyValue::new(a::REQUEST_MODEL, self.model.clone()),
                ]
            },
            self.parent.as_ref(),
        );
        LlmCall {
            provider: self.provider,
            model: self.model,
            started: Instant::now(),
            ttft: Mutex::new(None),
            span,
        }
    }
}

/// What a finished model call returned; every field is optional.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct LlmResponse {
    response_model: Option<String>,
    response_id: Option<String>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cached_input_tokens: Option<u64>,
    cost_usd: Option<f64>,
    finish_reasons: Vec<String>,
}

impl LlmResponse {
    /// An empty response description.
    pub fn new() -> Self {
        Self::default()
    }

    /// The model that answered (`gen_ai.response.model`).
    pub fn response_model(mut self, model: impl Into<String>) -> Self {
        self.response_model = Some(model.into());
        self
    }

    /// The provider's response id (`gen_ai.response.id`).
    pub fn response_id(mut self, id: impl Into<String>) -> Self {
        self.response_id = Some(id.into());
        self
    }

    /// Input and output token counts.
    pub fn usage(mut self, input_tokens: u64, output_tokens: u64) -> Self {
        self.input_tokens = Some(input_tokens);
        self.output_tokens = Some(output_tokens);
        self
    }

    /// Input tokens served from the provider's prompt cache.
    pub fn cached_input_tokens(mut self, tokens: u64) -> Self {
        self.cached_input_tokens = Some(tokens);
        self
    }

    /// Cost of the call in US dollars.
    pub fn cost_usd(mut self, cost: f64) -> Self {
        self.cost_usd = Some(cost);
        self
    }

    /// Adds a finish reason (`stop`, `length`, `tool_calls`, …).
    pub fn finish_reason(mut self, reason: impl Into<String>) -> Self {
        self.finish_reasons.push(reason.into());
        self
    }
}

/// A model call in progress. Finish it with [`LlmCall::finish`] or
/// [`LlmCall::fail`]; dropping it ends the span as cancelled.
#[derive(Debug)]
#[must_use = "an LlmCall records on finish(); dropping it marks the call cancelled"]
pub struct LlmCall {
    provider: String,
    model: String,
    started: Instant,
    ttft: Mutex<Option<Duration>>,
    span: GenAiSpan,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl LlmCall {
    /// A call to `model` of `provider` (`gen_ai.provider.name`, e.g.
    /// `openai`, `anthropic`, `gcp.gemini`).
    pub fn builder(provider: impl Into<String>, model: impl Into<String>) -> LlmCallBuilder {
        LlmCallBuilder {
            provider: provider.into(),
            model: model.into(),
            operation: "chat",
            parent: None,
        }
    }

    /// The context in which the call's span is current (for the HTTP client
    /// call to the provider, so its span nests under this one).
    pub fn context(&self) -> &Context {
        self.span.context()
    }

    /// Marks the first token: records `hist_ttft_ms` and adds the
    /// `time_to_first_token` event. Only the first call counts.
    pub fn first_token(&self) {
        let elapsed = self.started.elapsed();
        let Ok(mut ttft) = self.ttft.lock() else {
            return;
        };
        if ttft.is_some() {
            return;
        }
        *ttft = Some(elapsed);
        drop(ttft);
        let ttft_ms = ms(elapsed);
        crate::metrics::registry().record_ttft(&self.model, ttft_ms);
        self.span.add_event(
            a::TIME_TO_FIRST_TOKEN_EVENT,
            vec![KeyValue::new(a::TTFT_MS, ttft_ms)],
        );
    }

    /// The call succeeded: records execution time, tokens and cost, sets the
    /// response attributes and ends the span with status OK.
    pub fn finish(mut self, response: LlmResponse) {
        let elapsed = self.started.elapsed();
        let r = crate::metrics::registry();
        r.record_llm_execution_time(&self.model, ms(elapsed));
        if response.input_tokens.is_some() || response.output_tokens.is_some() {
            r.record_message_usage(
                &self.model,
                response.input_tokens.unwrap_or(0),
                response.output_tokens.unwrap_or(0),
                response.cost_usd,
            );
        }
        let mut attrs = Vec::with_capacity(7);
        if let Some(m) = response.response_model {
            attrs.push(KeyValue::new(a::RESPONSE_MODEL, m));
        }
        if let Some(id) = response.response_id {
            attrs.push(KeyValue::new(a::RESPONSE_ID, id));
        }
        if let Some(n) = response.input_tokens {
            attrs.push(KeyValue::new(a::USAGE_INPUT_TOKENS, saturate(n)));
        }
        if let Some(n) = response.output_tokens {
            attrs.push(KeyValue::new(a::USAGE_OUTPUT_TOKENS, saturate(n)));
        }
        if let Some(n) = response.cached_input_tokens {
            attrs.push(KeyValue::new(a::USAGE_CACHE_READ_INPUT_TOKENS, saturate(n)));
        }
        if let Some(c) = response.cost_usd {
            attrs.push(KeyValue::new(a::COST_USD, c));
        }
        if !response.finish_reasons.is_empty() {
            let reasons: Vec<StringValue> = response
                .finish_reasons
                .into_iter()
                .map(StringValue::from)
                .collect();
            attrs.push(KeyValue::new(
                a::RESPONSE_FINISH_REASONS,
                Value::Array(Array::String(reasons)),
            ));
        }
        self.span.set_attributes(attrs);
        self.span.end(Status::Ok);
    }

    /// The call failed with an error of type `error_type` (e.g. `timeout`,
    /// `rate_limited`, the provider's error class). Records the execution
    /// time; a `timeout` also counts in `provider_timeout_total`.
    pub fn fail(mut self, error_type: &str, message: impl Into<String>) {
        let r = crate::metrics::registry();
        r.record_llm_execution_time(&self.model, ms(self.started.elapsed()));
        if error_type == "timeout" {
            r.add_provider_timeout(&self.provider);
        }
        self.span.end_error(error_type, message.into());
    }
}

fn saturate(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Drop for LlmCall {
    fn drop(&mut self) {
        self.span.end_error(
            "cancelled",
            "the model call was dropped before it finished".into(),
        );
    }
}
