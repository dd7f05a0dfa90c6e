//! Agent CRUD and the entry points of a step.

use std::sync::Arc;

use super::types::{CreateAgent, SendMessage, StepResponse};
use crate::db::{AgentRow, Db};
use crate::error::ApiError;
use crate::llm::LlmClient;
use crate::tools::TOOL_NAMES;
use letta_telemetry::trace_method;

/// The agent service shared by the routes.
#[derive(Debug, Clone)]
pub struct AgentService {
    pub(crate) db: Db,
    pub(crate) llm: LlmClient,
    pub(crate) settings: Arc<StepSettings>,
}

/// Step limits and defaults.
#[derive(Debug, Clone)]
pub(crate) struct StepSettings {
    pub default_model: String,
    pub provider: String,
    pub context_messages: i64,
    pub max_llm_calls: usize,
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

impl AgentService {
    pub(crate) fn new(db: Db, llm: LlmClient, settings: StepSettings) -> Self {
        Self {
            db,
            llm,
            settings: Arc::new(settings),
        }
    }

    /// Creates an agent.
    #[trace_method]
    pub async fn create_agent(&self, request: CreateAgent) -> Result<AgentRow, ApiError> {
        let name = request.name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(ApiError::BadRequest(
                "`name` must be 1 to 200 characters".to_owned(),
            ));
        }
        let tools = match request.tools {
            None => TOOL_NAMES.iter().map(|t| (*t).to_owned()).collect(),
            Some(tools) => {
                if let Some(unknown) = tools.iter().find(|t| !TOOL_NAMES.contains(&t.as_str())) {
                    return Err(ApiError::BadRequest(format!(
                        "unknown tool {unknown:?} in `tools`; expected any of {}",
                        TOOL_NAMES.join(", ")
                    )));
                }
                tools
            }
        };
        let agent = AgentRow {
            id: format!("agent-{}", uuid::Uuid::new_v4()),
            name: name.to_owned(),
            model: request
                .model
                .filter(|m| !m.trim().is_empty())
                .unwrap_or_else(|| self.settings.default_model.clone()),
            system: request
                .system
                .unwrap_or_else(|| "You are a helpful agent.".to_owned()),
            tools: tools.join(","),
            created_at: now_ms(),
        };
        self.db.insert_agent(&agent).await?;
        letta_telemetry::context::add_ctx_attribute("agent.id", agent.id.clone());
        Ok(agent)
    }

    /// One agent.
    #[trace_method]
    pub async fn get_agent(&self, agent_id: &str) -> Result<AgentRow, ApiError> {
        validate_id(agent_id, "agent")?;
        letta_telemetry::context::add_ctx_attribute("agent.id", agent_id.to_owned());
        self.db
            .get_agent(agent_id)
            .await?
            .ok_or_else(|| ApiError::AgentNotFound(agent_id.to_owned()))
    }

    /// Agents, newest first.
    #[trace_method]
    pub async fn list_agents(&self, limit: i64) -> Result<Vec<AgentRow>, ApiError> {
        Ok(self.db.list_agents(limit.clamp(1, 1000)).await?)
    }

    /// Answers a message, returning the whole response.
    #[trace_method(skip(request))]
    pub async fn send_message(
        &self,
        agent_id: &str,
        request: SendMessage,
    ) -> Result<StepResponse, ApiError> {
        let text = user_text(&request)?;
        let agent = self.get_agent(agent_id).await?;
        self.step(&agent, &text, None).await
    }
}

/// The text of the request's user messages, joined.
pub(crate) fn user_text(request: &SendMessage) -> Result<String, ApiError> {
    if request.messages.is_empty() {
        return Err(ApiError::BadRequest(
            "`messages` must hold at least one {\"role\": \"user\", \"content\": ...}".to_owned(),
        ));
    }
    if let Some(bad) = request.messages.iter().find(|m| m.role != "user") {
        return Err(ApiError::BadRequest(format!(
            "message role {:?} is not accepted; expected \"user\"",
            bad.role
        )));
    }
    let text: Vec<&str> = request
        .messages
        .iter()
        .map(|m| m.content.as_str())
        .collect();
    let text = text.join("\n");
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "message `content` must not be empty".to_owned(),
        ));
    }
    Ok(text)
}

/// Ids are `<kind>-<uuid>`; anything else is a 422 before touching the DB.
pub(crate) fn validate_id(id: &str, kind: &str) -> Result<(), ApiError> {
    let ok = id
        .strip_prefix(kind)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|uuid| uuid::Uuid::parse_str(uuid).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ApiError::BadPath(format!(
            "{kind} id {id:?} is malformed; expected {kind}-<uuid>"
        )))
    }
}
