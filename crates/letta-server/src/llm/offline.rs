//! The built-in offline model provider: an OpenAI-compatible
//! `/v1/chat/completions` served on loopback, with realistic latency,
//! streaming, token counts and tool calls. Deterministic: the answer depends
//! only on the conversation.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::sync::{mpsc, oneshot};

use super::types::{
    ChatChunk, ChatMessage, ChatRequest, ChatResponse, Choice, ChunkChoice, Delta, DeltaFunction,
    DeltaToolCall, PromptTokensDetails, WireFunction, WireToolCall, WireUsage,
};

/// Latency settings of the offline provider.
#[derive(Debug, Clone, Copy)]
pub struct OfflineProvider {
    /// Delay before the first token.
    pub first_token_latency: Duration,
    /// Delay between streamed chunks.
    pub inter_chunk_latency: Duration,
}

/// A running offline provider; stops when dropped or on [`shutdown`](Self::shutdown).
#[derive(Debug)]
pub struct OfflineProviderHandle {
    /// Where it listens.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl OfflineProviderHandle {
    /// Base URL for [`LlmClient`](super::LlmClient): `http://<addr>/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Stops serving.
    pub fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Drop for OfflineProviderHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl OfflineProvider {
    /// Serves the provider on a free loopback port.
    pub async fn start(self) -> std::io::Result<OfflineProviderHandle> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
        let addr = listener.local_addr()?;
        let app = Router::new()
            .route("/v1/chat/completions", post(chat_completions))
            .with_state(self);
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(OfflineProviderHandle {
            addr,
            stop: Some(stop),
        })
    }
}

/// What the offline model decides to answer.
struct Answer {
    text: String,
    tool_call: Option<(String, String)>,
}

/// Rough token count: one token per four bytes, at least one.
fn tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4).max(1)
}

fn decide(request: &ChatRequest) -> Result<Answer, String> {
    let offered = |name: &str| request.tools.iter().any(|t| t.function.name == name);
    let Some(last) = request.messages.last() else {
        return Err("messages must not be empty".to_owned());
    };
    let content = last.content.clone().unwrap_or_default();
    if last.role == "tool" {
        return Ok(Answer {
            text: format!("The tool answered: {content}"),
            tool_call: None,
        });
    }
    let lower = content.to_lowercase();
    if lower.contains("provider-error") {
        return Err("simulated provider failure".to_owned());
    }
    let numbers: Vec<i64> = lower
        .split(|c: char| !c.is_ascii_digit() && c != '-')
        .filter_map(|w| w.parse().ok())
        .collect();
    let tool_call = if lower.contains("weather") && offered("get_weather") {
        let city = content
            .split_whitespace()
            .skip_while(|w| !w.eq_ignore_ascii_case("in"))
            .nth(1)
            .map(|c| c.trim_matches(|ch: char| !ch.is_alphanumeric()).to_owned())
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| "Paris".to_owned());
        Some(("get_weather", serde_json::json!({ "city": city })))
    } else if (lower.contains("add") || lower.contains("sum")) && offered("add_numbers") {
        let a = numbers.first().copied().unwrap_or(0);
        let b = numbers.get(1).copied().unwrap_or(0);
        Some(("add_numbers", serde_json::json!({ "a": a, "b": b })))
    } else if lower.contains("count") && offered("word_count") {
        Some(("word_count", serde_json::json!({ "text": content })))
    } else if lower.contains("broken tool") && offered("always_fails") {
        Some(("always_fails", serde_json::json!({})))
    } else {
        None
    };
    Ok(match tool_call {
        Some((name, args)) => Answer {
            text: String::new(),
            tool_call: Some((name.to_owned(), args.to_string())),
        },
        None => Answer {
            text: format!(
                "I am an offline model. You said {} words; ask me about the weather, \
                 to add numbers or to count words.",
                content.split_whitespace().count()
            ),
            tool_call: None,
        },
    })
}

fn usage(request: &ChatRequest, answer: &Answer) -> WireUsage {
    let prompt: u64 = request
        .messages
        .iter()
        .map(|m| tokens(m.content.as_deref().unwrap_or_default()) + 3)
        .sum::<u64>()
        + request.tools.len() as u64 * 40;
    let completion = tokens(&answer.text)
        + answer
            .tool_call
            .as_ref()
            .map(|(n, a)| tokens(n) + tokens(a))
            .unwrap_or(0);
    // A stable share of the prompt "comes from the cache" once it is long.
    let cached = if prompt > 256 { prompt / 4 } else { 0 };
    WireUsage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
        prompt_tokens_details: Some(PromptTokensDetails {
            cached_tokens: cached,
        }),
    }
}

fn chunks_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for word in text.split_inclusive(' ') {
        current.push_str(word);
        if current.len() >= 12 {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

async fn chat_completions(
    State(provider): State<OfflineProvider>,
    request: Result<Json<ChatRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(request)) = request else {
        return error(StatusCode::BAD_REQUEST, "invalid chat-completions request");
    };
    let answer = match decide(&request) {
        Ok(answer) => answer,
        Err(message) => {
            tokio::time::sleep(provider.first_token_latency).await;
            return error(StatusCode::INTERNAL_SERVER_ERROR, &message);
        }
    };
    let usage = usage(&request, &answer);
    let id = format!("chatcmpl-{}", uuid::Uuid::new_v4().simple());
    if request.stream {
        stream_answer(provider, request.model, id, answer, usage).into_response()
    } else {
        let chunks = chunks_of(&answer.text).len().max(1) as u32;
        tokio::time::sleep(provider.first_token_latency + provider.inter_chunk_latency * chunks)
            .await;
        let finish = if answer.tool_call.is_some() {
            "tool_calls"
        } else {
            "stop"
        };
        Json(ChatResponse {
            id,
            model: request.model,
            choices: vec![Choice {
                index: 0,
                message: ChatMessage {
                    role: "assistant".to_owned(),
                    content: (!answer.text.is_empty()).then_some(answer.text),
                    tool_calls: answer
                        .tool_call
                        .map(|(name, arguments)| WireToolCall {
                            id: format!("call-{}", uuid::Uuid::new_v4().simple()),
                            kind: "function".to_owned(),
                            function: WireFunction { name, arguments },
                        })
                        .into_iter()
                        .collect(),
                    tool_call_id: None,
                },
                finish_reason: Some(finish.to_owned()),
            }],
            usage: Some(usage),
        })
        .into_response()
    }
}

fn stream_answer(
    provider: OfflineProvider,
    model: String,
    id: String,
    answer: Answer,
    usage: WireUsage,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let (tx, rx) = mpsc::channel::<String>(16);
    tokio::spawn(async move {
        let chunk = |delta: Delta, finish: Option<&str>, usage: Option<WireUsage>| ChatChunk {
            id: id.clone(),
            model: model.clone(),
            choices: if usage.is_some() {
                Vec::new()
            } else {
                vec![ChunkChoice {
                    index: 0,
                    delta,
                    finish_reason: finish.map(str::to_owned),
                }]
            },
            usage,
        };
        let send = |c: ChatChunk| {
            let tx = tx.clone();
            async move {
                tx.send(serde_json::to_string(&c).unwrap_or_default())
                    .await
                    .is_ok()
            }
        };
        tokio::time::sleep(provider.first_token_latency).await;
        let role = Delta {
            role: Some("assistant".to_owned()),
            ..Delta::default()
        };
        if !send(chunk(role, None, None)).await {
            return;
        }
        let finish = if let Some((name, arguments)) = answer.tool_call {
            let delta = Delta {
                tool_calls: vec![DeltaToolCall {
                    index: 0,
                    id: Some(format!("call-{}", uuid::Uuid::new_v4().simple())),
                    function: Some(DeltaFunction {
                        name: Some(name),
                        arguments: Some(arguments),
                    }),
                }],
                ..Delta::default()
            };
            if !send(chunk(delta, None, None)).await {
                return;
            }
            "tool_calls"
        } else {
            for piece in chunks_of(&answer.text) {
                let delta = Delta {
                    content: Some(piece),
                    ..Delta::default()
                };
                if !send(chunk(delta, None, None)).await {
                    return;
                }
                tokio::time::sleep(provider.inter_chunk_latency).await;
            }
            "stop"
        };
        if !send(chunk(Delta::default(), Some(finish), None)).await {
            return;
        }
        if !send(chunk(Delta::default(), None, Some(usage))).await {
            return;
        }
        let _ = tx.send("[DONE]".to_owned()).await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|data| (Ok(Event::default().data(data)), rx))
    });
    Sse::new(stream)
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "error": { "message": message, "type": "offline_provider" } })),
    )
        .into_response()
}
