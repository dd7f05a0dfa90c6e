//! Rows of the three tables.

use serde::Serialize;

/// An agent.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct AgentRow {
    /// Agent id (`agent-<uuid>`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Model the agent calls.
    pub model: String,
    /// System prompt.
    pub system: String,
    /// Tool names, comma separated.
    pub tools: String,
    /// Creation time, ms since the Unix epoch.
    pub created_at: i64,
}

/// A message of an agent's history.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct MessageRow {
    /// Message id (`message-<uuid>`).
    pub id: String,
    /// Owning agent.
    pub agent_id: String,
    /// `user`, `assistant` or `tool`.
    pub role: String,
    /// Text content (for `tool`, the tool's result).
    pub content: String,
    /// Tool called (assistant) or answered (tool), if any.
    pub tool_name: Option<String>,
    /// Tool call id linking a tool call and its result.
    pub tool_call_id: Option<String>,
    /// Insertion order, ns since the Unix epoch.
    pub created_at: i64,
}

/// A background run.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RunRow {
    /// Run id (`run-<uuid>`).
    pub id: String,
    /// The agent it runs.
    pub agent_id: String,
    /// `created`, `running`, `completed` or `failed`.
    pub status: String,
    /// The assistant's final answer when completed.
    pub result: Option<String>,
    /// The error when failed.
    pub error: Option<String>,
    /// Creation time, ms since the Unix epoch.
    pub created_at: i64,
    /// Last update, ms since the Unix epoch.
    pub updated_at: i64,
}

/// Status of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Accepted, not started.
    Created,
    /// Running.
    Running,
    /// Finished with an answer.
    Completed,
    /// Finished with an error.
    Failed,
}

impl RunStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }
}
