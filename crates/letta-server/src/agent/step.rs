//! One agent step: history in, model calls and tool executions, messages out.

use letta_telemetry::genai::{
    AgentStep, LlmCall, LlmRequest, LlmResponse, ToolExecution, content_capture,
};
use letta_telemetry::metrics::registry;
use opentelemetry::context::FutureExt as _;
use tokio::sync::mpsc;

use super::service::{AgentService, now_ns};
use super::types::{MessageOut, StepResponse, StepUsage, StreamEvent};
use crate::db::{AgentRow, MessageRow};
use crate::error::ApiError;
use crate::llm::{ChatMessage, Completion, ToolCall, cost_usd};
use crate::tools;

impl AgentService {
    /// Runs one step for `agent`: saves the user's text, calls the model with
    /// the recent history, executes the tool it asks for (and calls it again
    /// with the result), and saves every message. Traced as an `agent_step`
    /// span (with `hist_step_execution_time_ms`).
    pub(crate) async fn step(
        &self,
        agent: &AgentRow,
        text: &str,
        events: Option<&mpsc::Sender<StreamEvent>>,
    ) -> Result<StepResponse, ApiError> {
        let step_id = format!("step-{}", uuid::Uuid::new_v4());
        // Every log line of the step carries the agent and the step.
        let fields = [("agent_id", agent.id.clone()), ("step_id", step_id.clone())];
        letta_telemetry::logs::with_log_context(
            fields,
            self.traced_step(agent, text, events, step_id),
        )
        .await
    }

    async fn traced_step(
        &self,
        agent: &AgentRow,
        text: &str,
        events: Option<&mpsc::Sender<StreamEvent>>,
        step_id: String,
    ) -> Result<StepResponse, ApiError> {
        letta_telemetry::context::add_ctx_attribute("agent.id", agent.id.clone());
        registry().add_user_messages(1);
        let step = AgentStep::builder(step_id.clone())
            .agent_id(agent.id.clone())
            .agent_name(agent.name.clone())
            // One conversation per agent: its message history.
            .conversation_id(agent.id.clone())
            .provider(self.settings.provider.clone())
            .start();
        let context = step.context().clone();
        match self
            .run_step(agent, text, events, step_id, &step)
            .with_context(context)
            .await
        {
            Ok(response) => {
                step.finish();
                Ok(response)
            }
            Err(error) => {
                step.fail(error.kind(), error.to_string());
                Err(error)
            }
        }
    }

    async fn run_step(
        &self,
        agent: &AgentRow,
        text: &str,
        events: Option<&mpsc::Sender<StreamEvent>>,
        step_id: String,
        step: &AgentStep,
    ) -> Result<StepResponse, ApiError> {
        // The prompt is the history committed before this step plus this
        // step's own messages, so that concurrent steps of one agent never
        // answer each other's messages.
        let history = self.history(agent).await?;
        let user_message = self.save(agent, "user", text, None, None).await?;
        let mut turn = vec![to_chat(user_message)];
        let tool_names: Vec<&str> = agent.tools.split(',').filter(|t| !t.is_empty()).collect();
        let specs = tools::specs(&tool_names);
        let mut usage = StepUsage::default();
        let mut out = Vec::new();
        let mut stop_reason = "max_steps";
        for _ in 0..self.settings.max_llm_calls {
            let mut prompt = history.clone();
            prompt.extend(turn.iter().cloned());
            let completion = self.call_llm(agent, prompt, specs.clone(), events).await?;
            step.add_usage(
                completion.usage.input_tokens,
                completion.usage.output_tokens,
            );
            usage.prompt_tokens += completion.usage.input_tokens;
            usage.completion_tokens += completion.usage.output_tokens;
            usage.step_count += 1;
            usage.cost_usd += completion_cost(&completion);
            match completion.tool_call {
                Some(call) => {
                    let call_message = self
                        .save(
                            agent,
                            "assistant",
                            &call.arguments,
                            Some(&call.name),
                            Some(&call.id),
                        )
                        .await?;
                    turn.push(to_chat(call_message.clone()));
                    let call_out = MessageOut {
                        id: call_message.id,
                        message_type: "tool_call_message",
                        content: call.arguments.clone(),
                        tool_name: Some(call.name.clone()),
                        tool_success: None,
                    };
                    send(events, StreamEvent::Message(call_out.clone())).await;
                    out.push(call_out);
                    let (ok, result) = self.execute_tool(&call, &step_id).await;
                    let result_message = self
                        .save(agent, "tool", &result, Some(&call.name), Some(&call.id))
                        .await?;
                    turn.push(to_chat(result_message.clone()));
                    let result_out = MessageOut {
                        id: result_message.id,
                        message_type: "tool_return_message",
                        content: result,
                        tool_name: Some(call.name.clone()),
                        tool_success: Some(ok),
                    };
                    send(events, StreamEvent::Message(result_out.clone())).await;
                    out.push(result_out);
                }
                None => {
                    let message = self
                        .save(agent, "assistant", &completion.content, None, None)
                        .await?;
                    out.push(MessageOut {
                        id: message.id,
                        message_type: "assistant_message",
                        content: completion.content,
                        tool_name: None,
                        tool_success: None,
                    });
                    stop_reason = "end_turn";
                    break;
                }
            }
        }
        send(events, StreamEvent::UsageStatistics(usage)).await;
        Ok(StepResponse {
            step_id,
            messages: out,
            usage,
            stop_reason,
        })
    }

    /// The recent history of `agent` as chat messages, system prompt first.
    async fn history(&self, agent: &AgentRow) -> Result<Vec<ChatMessage>, ApiError> {
        let rows = self
            .db
            .recent_messages(&agent.id, self.settings.context_messages)
            .await?;
        let mut messages = vec![ChatMessage {
            role: "system".to_owned(),
            content: Some(agent.system.clone()),
            tool_calls: Vec::new(),
            tool_call_id: None,
        }];
        // A window may start in the middle of a tool exchange: drop leading
        // tool results whose call fell out of the window.
        let mut skipping = true;
        for row in rows {
            if skipping && row.role == "tool" {
                continue;
            }
            skipping = false;
            messages.push(to_chat(row));
        }
        Ok(messages)
    }

    /// One model call, streaming deltas to `events` when given; traced as a
    /// GenAI CLIENT span `chat <model>` with the HTTP call to the provider
    /// inside it.
    async fn call_llm(
        &self,
        agent: &AgentRow,
        history: Vec<ChatMessage>,
        specs: Vec<crate::llm::ToolSpec>,
        events: Option<&mpsc::Sender<StreamEvent>>,
    ) -> Result<Completion, ApiError> {
        let sampling = self.llm.sampling();
        let mut request = LlmRequest::new().stream(events.is_some());
        if let Some(t) = sampling.temperature {
            request = request.temperature(t);
        }
        if let Some(n) = sampling.max_tokens {
            request = request.max_tokens(n);
        }
        let mut builder =
            LlmCall::builder(self.settings.provider.clone(), agent.model.clone()).request(request);
        if let Some((address, port)) = self.llm.server() {
            builder = builder.server(address, port);
        }
        let mut call = builder.start();
        call.capture_input(|| super::genai_content::input(&history, &specs));
        let context = call.context().clone();
        let result = match events {
            None => {
                self.llm
                    .complete(&agent.model, history, specs)
                    .with_context(context)
                    .await
            }
            Some(events) => {
                let (tx, mut rx) = mpsc::channel::<String>(32);
                let forward_to = events.clone();
                let call_ref = &call;
                let forward = async move {
                    while let Some(delta) = rx.recv().await {
                        call_ref.first_token();
                        let _ = forward_to
                            .send(StreamEvent::AssistantMessage { content: delta })
                            .await;
                    }
                };
                let stream = async {
                    let result = self.llm.stream(&agent.model, history, specs, &tx).await;
                    drop(tx);
                    result
                }
                .with_context(context);
                let (result, ()) = tokio::join!(stream, forward);
                result
            }
        };
        match result {
            Ok(completion) => {
                if events.is_some() && completion.tool_call.is_some() {
                    // A tool call streams no text: its first token is the call.
                    call.first_token();
                }
                let mut response = LlmResponse::new()
                    .response_model(completion.model.clone())
                    .usage(
                        completion.usage.input_tokens,
                        completion.usage.output_tokens,
                    )
                    .cached_input_tokens(completion.usage.cached_tokens)
                    .cost_usd(completion_cost(&completion))
                    .finish_reason(completion.finish_reason.clone());
                if !completion.id.is_empty() {
                    response = response.response_id(completion.id.clone());
                }
                if content_capture().any() {
                    response = response.output_message(super::genai_content::output(&completion));
                }
                call.finish(response);
                Ok(completion)
            }
            Err(error) => {
                call.fail(error.kind(), error.to_string());
                Err(error.into())
            }
        }
    }

    /// Executes a tool call (an `execute_tool <name>` span with the tool
    /// metrics); a failing tool is an answer for the model, not an error of
    /// the request.
    async fn execute_tool(&self, call: &ToolCall, step_id: &str) -> (bool, String) {
        let execution = ToolExecution::builder(call.name.clone())
            .step_id(step_id)
            .call_id(call.id.clone())
            .arguments(&call.arguments)
            .start();
        match tools::execute(&call.name, &call.arguments) {
            Ok(text) => {
                execution.finish_with_result(true, &text);
                (true, text)
            }
            Err(error) => {
                tracing::warn!(tool = %call.name, error = &error as &dyn std::error::Error, "tool failed");
                execution.fail(error.kind(), error.to_string());
                (false, format!("error: {error}"))
            }
        }
    }

    async fn save(
        &self,
        agent: &AgentRow,
        role: &str,
        content: &str,
        tool_name: Option<&str>,
        tool_call_id: Option<&str>,
    ) -> Result<MessageRow, ApiError> {
        let row = MessageRow {
            id: format!("message-{}", uuid::Uuid::new_v4()),
            agent_id: agent.id.clone(),
            role: role.to_owned(),
            content: content.to_owned(),
            tool_name: tool_name.map(str::to_owned),
            tool_call_id: tool_call_id.map(str::to_owned),
            created_at: now_ns(),
        };
        self.db.insert_message(&row).await?;
        Ok(row)
    }
}

fn completion_cost(completion: &Completion) -> f64 {
    cost_usd(
        &completion.model,
        completion.usage.input_tokens,
        completion.usage.output_tokens,
    )
}

fn to_chat(row: MessageRow) -> ChatMessage {
    match (row.role.as_str(), row.tool_name, row.tool_call_id) {
        ("assistant", Some(name), Some(id)) => ChatMessage {
            role: "assistant".to_owned(),
            content: None,
            tool_calls: vec![crate::llm::WireToolCall {
                id,
                kind: "function".to_owned(),
                function: crate::llm::WireFunction {
                    name,
                    arguments: row.content,
                },
            }],
            tool_call_id: None,
        },
        ("tool", _, id) => ChatMessage {
            role: "tool".to_owned(),
            content: Some(row.content),
            tool_calls: Vec::new(),
            tool_call_id: id,
        },
        (role, _, _) => ChatMessage {
            role: role.to_owned(),
            content: Some(row.content),
            tool_calls: Vec::new(),
            tool_call_id: None,
        },
    }
}

async fn send(events: Option<&mpsc::Sender<StreamEvent>>, event: StreamEvent) {
    if let Some(events) = events {
        let _ = events.send(event).await;
    }
}
