//! One model call: a GenAI CLIENT span, the reference's LLM metrics and the
//! conventions' client metrics.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Context, KeyValue};

use super::attributes as a;
use super::capture::content_capture;
use super::content::InputContent;
use super::content_json::{self, Budget};
use super::llm_request::{LlmRequest, saturate, string_array};
use super::llm_response::LlmResponse;
use super::span::GenAiSpan;

/// Starts an [`LlmCall`]; get one with [`LlmCall::builder`].
#[derive(Debug)]
#[must_use = "call .start() to begin the model call"]
pub struct LlmCallBuilder {
    provider: String,
    model: String,
    operation: &'static str,
    parent: Option<Context>,
    request: LlmRequest,
    server: Option<(String, u16)>,
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

    /// The request's parameters (`gen_ai.request.*`).
    pub fn request(mut self, request: LlmRequest) -> Self {
        self.request = request;
        self
    }

    /// The model endpoint (`server.address`, `server.port`), on the span
    /// and the conventions' metrics.
    pub fn server(mut self, address: impl Into<String>, port: u16) -> Self {
        self.server = Some((address.into(), port));
        self
    }

    /// Starts the call: the span begins and the clock starts.
    pub fn start(self) -> LlmCall {
        let span = GenAiSpan::start(
            || format!("{} {}", self.operation, self.model),
            SpanKind::Client,
            || {
                let mut attrs =
                    call_attributes(self.operation, &self.provider, &self.model, &self.server);
                self.request.attributes(&mut attrs);
                attrs
            },
            self.parent.as_ref(),
        );
        LlmCall {
            provider: self.provider,
            model: self.model,
            operation: self.operation,
            server: self.server,
            started: Instant::now(),
            ttft: Mutex::new(None),
            span,
            input: Vec::new(),
            budget: Budget::default(),
        }
    }
}

/// A model call in progress. Finish it with [`LlmCall::finish`] or
/// [`LlmCall::fail`]; dropping it ends the span as cancelled.
#[derive(Debug)]
#[must_use = "an LlmCall records on finish(); dropping it marks the call cancelled"]
pub struct LlmCall {
    provider: String,
    model: String,
    operation: &'static str,
    server: Option<(String, u16)>,
    started: Instant,
    ttft: Mutex<Option<Duration>>,
    span: GenAiSpan,
    /// The rendered request content, kept for the operation-details event.
    input: Vec<KeyValue>,
    budget: Budget,
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
            request: LlmRequest::default(),
            server: None,
        }
    }

    /// The context in which the call's span is current (for the HTTP client
    /// call to the provider, so its span nests under this one).
    pub fn context(&self) -> &Context {
        self.span.context()
    }

    /// Records the request's content (system instructions, messages, tool
    /// definitions) while content capture is on and the span is recorded;
    /// `content` is not called otherwise, so building it costs nothing then.
    /// See `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`.
    pub fn capture_input(&mut self, content: impl FnOnce() -> InputContent) {
        let mode = content_capture();
        if !mode.any() || !self.span.recording() {
            return;
        }
        let content = content();
        let budget = &mut self.budget;
        if !content.system_instructions.is_empty() {
            let json = content_json::system_instructions(&content.system_instructions, budget);
            self.input.push(KeyValue::new(a::SYSTEM_INSTRUCTIONS, json));
        }
        let json = content_json::messages(&content.messages, budget);
        self.input.push(KeyValue::new(a::INPUT_MESSAGES, json));
        if !content.tools.is_empty() {
            let json = content_json::tool_definitions(&content.tools, budget);
            self.input.push(KeyValue::new(a::TOOL_DEFINITIONS, json));
        }
        if mode.on_span() {
            self.span.set_attributes(self.input.iter().cloned());
        }
    }

    /// Marks the first token (the first chunk of a stream): records
    /// `hist_ttft_ms`, `gen_ai.client.operation.time_to_first_chunk` and
    /// `gen_ai.response.time_to_first_chunk`, and adds the reference's
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
        let r = crate::metrics::registry();
        r.record_ttft(&self.model, ms(elapsed));
        r.record_genai_time_to_first_chunk(
            &self.metric_attributes(None, None),
            elapsed.as_secs_f64(),
        );
        self.span.add_event(
            a::TIME_TO_FIRST_TOKEN_EVENT,
            vec![KeyValue::new(a::TTFT_MS, ms(elapsed))],
        );
        self.span.set_attributes([KeyValue::new(
            a::RESPONSE_TIME_TO_FIRST_CHUNK,
            elapsed.as_secs_f64(),
        )]);
    }

    /// The conventions' metric attributes of this call.
    fn metric_attributes(
        &self,
        response_model: Option<&str>,
        error: Option<&str>,
    ) -> Vec<KeyValue> {
        let mut attrs = call_attributes(self.operation, &self.provider, &self.model, &self.server);
        if let Some(m) = response_model {
            attrs.push(KeyValue::new(a::RESPONSE_MODEL, m.to_owned()));
        }
        if let Some(e) = error {
            attrs.push(KeyValue::new(a::ERROR_TYPE, e.to_owned()));
        }
        attrs
    }

    /// The call succeeded: records execution time, tokens and cost, sets the
    /// response attributes (and, under content capture, the output
    /// messages) and ends the span with status OK.
    pub fn finish(mut self, response: LlmResponse) {
        let elapsed = self.started.elapsed();
        let r = crate::metrics::registry();
        r.record_llm_execution_time(&self.model, ms(elapsed));
        let tokens =
            (response.input_tokens.is_some() || response.output_tokens.is_some()).then(|| {
                (
                    response.input_tokens.unwrap_or(0),
                    response.output_tokens.unwrap_or(0),
                )
            });
        if let Some((input, output)) = tokens {
            r.record_message_usage(&self.model, input, output, response.cost_usd);
        }
        r.record_genai_operation(
            &self.metric_attributes(response.response_model.as_deref(), None),
            elapsed.as_secs_f64(),
            tokens,
        );
        self.span.set_attributes(response_attributes(&response));
        self.record_content(&response);
        self.span.end(Status::Ok);
    }

    /// Output messages and the operation-details event, as the capture mode
    /// says.
    fn record_content(&mut self, response: &LlmResponse) {
        let mode = content_capture();
        if !mode.any() || !self.span.recording() {
            return;
        }
        let output = (!response.output_messages.is_empty()).then(|| {
            let json = content_json::messages(&response.output_messages, &mut self.budget);
            KeyValue::new(a::OUTPUT_MESSAGES, json)
        });
        if mode.on_span()
            && let Some(output) = &output
        {
            self.span.set_attributes([output.clone()]);
        }
        if mode.on_event() {
            let mut details = std::mem::take(&mut self.input);
            details.extend(output);
            self.span.add_event(a::OPERATION_DETAILS_EVENT, details);
        }
        if self.budget.truncated() {
            self.span
                .set_attributes([KeyValue::new(a::CONTENT_TRUNCATED, true)]);
        }
    }

    /// The call failed with an error of type `error_type` (e.g. `timeout`,
    /// `rate_limited`, the provider's error class). Records the execution
    /// time; a `timeout` also counts in `provider_timeout_total`.
    pub fn fail(mut self, error_type: &str, message: impl Into<String>) {
        let elapsed = self.started.elapsed();
        let r = crate::metrics::registry();
        r.record_llm_execution_time(&self.model, ms(elapsed));
        r.record_genai_operation(
            &self.metric_attributes(None, Some(error_type)),
            elapsed.as_secs_f64(),
            None,
        );
        if error_type == "timeout" {
            r.add_provider_timeout(&self.provider);
        }
        self.record_content(&LlmResponse::default());
        self.span.end_error(error_type, message.into());
    }
}

/// What the span and the conventions' metrics both carry: operation,
/// provider, request model and, when known, the endpoint.
fn call_attributes(
    operation: &'static str,
    provider: &str,
    model: &str,
    server: &Option<(String, u16)>,
) -> Vec<KeyValue> {
    let mut attrs = Vec::with_capacity(12);
    attrs.push(KeyValue::new(a::OPERATION_NAME, operation));
    attrs.push(KeyValue::new(a::PROVIDER_NAME, provider.to_owned()));
    attrs.push(KeyValue::new(a::REQUEST_MODEL, model.to_owned()));
    if let Some((address, port)) = server {
        attrs.push(KeyValue::new(a::SERVER_ADDRESS, address.clone()));
        attrs.push(KeyValue::new(a::SERVER_PORT, i64::from(*port)));
    }
    attrs
}

/// The span attributes of a response.
fn response_attributes(response: &LlmResponse) -> Vec<KeyValue> {
    let mut attrs = Vec::with_capacity(8);
    if let Some(m) = &response.response_model {
        attrs.push(KeyValue::new(a::RESPONSE_MODEL, m.clone()));
    }
    if let Some(id) = &response.response_id {
        attrs.push(KeyValue::new(a::RESPONSE_ID, id.clone()));
    }
    let counts = [
        (a::USAGE_INPUT_TOKENS, response.input_tokens),
        (a::USAGE_OUTPUT_TOKENS, response.output_tokens),
        (
            a::USAGE_CACHE_READ_INPUT_TOKENS,
            response.cached_input_tokens,
        ),
        (
            a::USAGE_CACHE_CREATION_INPUT_TOKENS,
            response.cache_creation_input_tokens,
        ),
    ];
    attrs.extend(
        counts
            .into_iter()
            .filter_map(|(k, n)| n.map(|n| KeyValue::new(k, saturate(n)))),
    );
    if let Some(c) = response.cost_usd {
        attrs.push(KeyValue::new(a::COST_USD, c));
        attrs.push(KeyValue::new(a::USAGE_COST, c));
    }
    if !response.finish_reasons.is_empty() {
        attrs.push(KeyValue::new(
            a::RESPONSE_FINISH_REASONS,
            string_array(response.finish_reasons.iter().cloned()),
        ));
    }
    attrs
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

impl Drop for LlmCall {
    fn drop(&mut self) {
        self.span.end_error(
            "cancelled",
            "the model call was dropped before it finished".into(),
        );
    }
}
