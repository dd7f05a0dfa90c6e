//! OpenAI-compatible chat-completions client, streaming and not.

use futures_util::StreamExt as _;
use tokio::sync::mpsc;

use super::error::LlmError;
use super::types::{ChatChunk, ChatMessage, ChatRequest, ChatResponse, StreamOptions, ToolSpec};

/// A tool call the model asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// Call id.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// Arguments as sent (a JSON document).
    pub arguments: String,
}

/// Token usage of one call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Completion tokens.
    pub output_tokens: u64,
    /// Prompt tokens served from the provider's cache.
    pub cached_tokens: u64,
}

/// The result of one model call.
#[derive(Debug, Clone)]
pub struct Completion {
    /// Text the model produced (may be empty when it calls a tool).
    pub content: String,
    /// The tool call, if the model asked for one.
    pub tool_call: Option<ToolCall>,
    /// Why the model stopped (`stop`, `tool_calls`, ...).
    pub finish_reason: String,
    /// The model that answered.
    pub model: String,
    /// The provider's response id (empty when it sent none).
    pub id: String,
    /// Token usage.
    pub usage: Usage,
}

/// Sampling parameters sent with every request (and recorded on the
/// model-call span as `gen_ai.request.*`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sampling {
    /// `temperature`.
    pub temperature: Option<f64>,
    /// `max_tokens`.
    pub max_tokens: Option<u64>,
}

/// The chat-completions client.
#[derive(Debug, Clone)]
pub struct LlmClient {
    http: reqwest_middleware::ClientWithMiddleware,
    url: String,
    api_key: Option<String>,
    sampling: Sampling,
    server: Option<(String, u16)>,
}

impl LlmClient {
    /// A client for `<base_url>/chat/completions`.
    pub fn new(
        http: reqwest_middleware::ClientWithMiddleware,
        base_url: &str,
        api_key: Option<String>,
    ) -> Self {
        let url = format!("{}/chat/completions", base_url.trim_end_matches('/'));
        let server = reqwest::Url::parse(&url).ok().and_then(|u| {
            let host = u.host_str()?.to_owned();
            Some((host, u.port_or_known_default()?))
        });
        Self {
            http,
            url,
            api_key,
            sampling: Sampling::default(),
            server,
        }
    }

    /// Sends `sampling` with every request.
    pub fn with_sampling(mut self, sampling: Sampling) -> Self {
        self.sampling = sampling;
        self
    }

    /// The sampling parameters sent.
    pub fn sampling(&self) -> Sampling {
        self.sampling
    }

    /// The endpoint's host and port (`server.address`, `server.port`).
    pub fn server(&self) -> Option<(&str, u16)> {
        self.server.as_ref().map(|(h, p)| (h.as_str(), *p))
    }

    fn request(&self, body: &ChatRequest) -> reqwest_middleware::RequestBuilder {
        let builder = self.http.post(&self.url).json(body);
        match &self.api_key {
            Some(key) => builder.bearer_auth(key),
            None => builder,
        }
    }

    /// One non-streaming call.
    pub async fn complete(
        &self,
        model: &str,
        messages: Vec<ChatMessage>,
        tools: Vec<ToolSpec>,
    ) -> Result<Completion, LlmError> {
        let body = ChatRequest {
            model: model.to_owned(),
            messages,
            tools,
            stream: false,
            stream_options: None,
            temperature: self.sampling.temperature,
            max_tokens: self.sampling.max_tokens,
        };
        let response = check_status(self.request(&body).send().await?).await?;
        let parsed: ChatResponse = response
            .json()
            .await
            .map_err(|e| LlmError::Decode(e.without_url().to_string()))?;
        let choice = parsed
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| LlmError::Decode("no choices in the response".to_owned()))?;
        let usage = parsed.usage.unwrap_or_default();
        Ok(Completion {
            content: choice.message.content.unwrap_or_default(),
            tool_call: choice
                .message
                .tool_calls
                .into_iter()
                .next()
                .map(|c| ToolCall {
                    id: c.id,
                    name: c.function.name,
                    arguments: c.function.arguments,
                }),
            finish_reason: choice.finish_reason.unwrap_or_else(|| "stop".to_owned()),
            model: if parsed.model.is_empty() {
                model.to_owned()
            } else {
                parsed.model
            },
            id: parsed.id,
            usage: Usage {
                input_tokens: usage.prompt_tokens,
                output_tokens: usage.completion_tokens,
                cached_tokens: usage
                    .prompt_tokens_details
                    .map(|d| d.cached_tokens)
                    .unwrap_or(0),
            },
        })
    }

    /// One streaming call; each content delta is sent to `deltas` as it
    /// arrives (a closed receiver is ignored).
    pub async fn stream(
        &self,
        model: &str,
        messages: Vec<ChatMessage>,
        tools: Vec<ToolSpec>,
        deltas: &mpsc::Sender<String>,
    ) -> Result<Completion, LlmError> {
        let body = ChatRequest {
            model: model.to_owned(),
            messages,
            tools,
            stream: true,
            stream_options: Some(StreamOptions {
                include_usage: true,
            }),
            temperature: self.sampling.temperature,
            max_tokens: self.sampling.max_tokens,
        };
        let response = check_status(self.request(&body).send().await?).await?;
        let mut bytes = response.bytes_stream();
        let mut buffer: Vec<u8> = Vec::new();
        let mut state = StreamState::new(model);
        'outer: while let Some(chunk) = bytes.next().await {
            buffer.extend_from_slice(&chunk?);
            while let Some(newline) = buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buffer.drain(..=newline).collect();
                let line = String::from_utf8_lossy(&line);
                let Some(data) = line.trim().strip_prefix("data:") else {
                    continue;
                };
                let data = data.trim();
                if data == "[DONE]" {
                    break 'outer;
                }
                let chunk: ChatChunk = serde_json::from_str(data)
                    .map_err(|e| LlmError::Decode(format!("bad stream chunk: {e}")))?;
                if let Some(delta) = state.apply(chunk) {
                    let _ = deltas.send(delta).await;
                }
            }
        }
        Ok(state.finish())
    }
}

async fn check_status(response: reqwest::Response) -> Result<reqwest::Response, LlmError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let body = response.text().await.unwrap_or_default();
    Err(LlmError::Status {
        status: status.as_u16(),
        body: body.chars().take(300).collect(),
    })
}

/// Accumulates a streamed answer.
struct StreamState {
    content: String,
    tool_id: Option<String>,
    tool_name: String,
    tool_arguments: String,
    finish_reason: Option<String>,
    model: String,
    id: String,
    usage: Usage,
}

impl StreamState {
    fn new(model: &str) -> Self {
        Self {
            content: String::new(),
            tool_id: None,
            tool_name: String::new(),
            tool_arguments: String::new(),
            finish_reason: None,
            model: model.to_owned(),
            id: String::new(),
            usage: Usage::default(),
        }
    }

    /// Applies one chunk; returns its content delta, if any.
    fn apply(&mut self, chunk: ChatChunk) -> Option<String> {
        if !chunk.model.is_empty() {
            self.model = chunk.model;
        }
        if self.id.is_empty() && !chunk.id.is_empty() {
            self.id = chunk.id;
        }
        if let Some(usage) = chunk.usage {
            self.usage = Usage {
                input_tokens: usage.prompt_tokens,
                output_tokens: usage.completion_tokens,
                cached_tokens: usage
                    .prompt_tokens_details
                    .map(|d| d.cached_tokens)
                    .unwrap_or(0),
            };
        }
        let mut delta_out = None;
        for choice in chunk.choices {
            if let Some(reason) = choice.finish_reason {
                self.finish_reason = Some(reason);
            }
            let delta = choice.delta;
            for call in delta.tool_calls {
                if let Some(id) = call.id {
                    self.tool_id = Some(id);
                }
                if let Some(function) = call.function {
                    if let Some(name) = function.name {
                        self.tool_name.push_str(&name);
                    }
                    if let Some(arguments) = function.arguments {
                        self.tool_arguments.push_str(&arguments);
                    }
                }
            }
            if let Some(content) = delta.content.filter(|c| !c.is_empty()) {
                self.content.push_str(&content);
                delta_out = Some(content);
            }
        }
        delta_out
    }

    fn finish(self) -> Completion {
        let tool_call = (!self.tool_name.is_empty()).then(|| ToolCall {
            id: self.tool_id.unwrap_or_default(),
            name: self.tool_name,
            arguments: self.tool_arguments,
        });
        Completion {
            content: self.content,
            tool_call,
            finish_reason: self.finish_reason.unwrap_or_else(|| "stop".to_owned()),
            model: self.model,
            id: self.id,
            usage: self.usage,
        }
    }
}
