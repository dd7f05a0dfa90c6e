//! Queries, written once for both engines (`$n` placeholders work on both).

use super::models::{AgentRow, MessageRow, RunRow, RunStatus};
use super::pool::{Db, with_conn};

impl Db {
    /// Inserts an agent.
    pub async fn insert_agent(&self, agent: &AgentRow) -> Result<(), sqlx::Error> {
        with_conn!(self, conn => sqlx::query(
            "INSERT INTO agents (id, name, model, system, tools, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&agent.id)
        .bind(&agent.name)
        .bind(&agent.model)
        .bind(&agent.system)
        .bind(&agent.tools)
        .bind(agent.created_at)
        .execute(conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// One agent by id.
    pub async fn get_agent(&self, id: &str) -> Result<Option<AgentRow>, sqlx::Error> {
        with_conn!(self, conn => sqlx::query_as::<_, AgentRow>(
            "SELECT id, name, model, system, tools, created_at FROM agents WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(conn)
        .await)
    }

    /// Agents, newest first.
    pub async fn list_agents(&self, limit: i64) -> Result<Vec<AgentRow>, sqlx::Error> {
        with_conn!(self, conn => sqlx::query_as::<_, AgentRow>(
            "SELECT id, name, model, system, tools, created_at FROM agents \
             ORDER BY created_at DESC, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(conn)
        .await)
    }

    /// Inserts a message.
    pub async fn insert_message(&self, message: &MessageRow) -> Result<(), sqlx::Error> {
        with_conn!(self, conn => sqlx::query(
            "INSERT INTO messages (id, agent_id, role, content, tool_name, tool_call_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&message.id)
        .bind(&message.agent_id)
        .bind(&message.role)
        .bind(&message.content)
        .bind(&message.tool_name)
        .bind(&message.tool_call_id)
        .bind(message.created_at)
        .execute(conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The `limit` most recent messages of an agent, oldest first.
    pub async fn recent_messages(
        &self,
        agent_id: &str,
        limit: i64,
    ) -> Result<Vec<MessageRow>, sqlx::Error> {
        let mut rows = with_conn!(self, conn => sqlx::query_as::<_, MessageRow>(
            "SELECT id, agent_id, role, content, tool_name, tool_call_id, created_at \
             FROM messages WHERE agent_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(agent_id)
        .bind(limit)
        .fetch_all(conn)
        .await)?;
        rows.reverse();
        Ok(rows)
    }

    /// Inserts a run.
    pub async fn insert_run(&self, run: &RunRow) -> Result<(), sqlx::Error> {
        with_conn!(self, conn => sqlx::query(
            "INSERT INTO runs (id, agent_id, status, result, error, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&run.id)
        .bind(&run.agent_id)
        .bind(&run.status)
        .bind(&run.result)
        .bind(&run.error)
        .bind(run.created_at)
        .bind(run.updated_at)
        .execute(conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Updates a run's status and outcome.
    pub async fn update_run(
        &self,
        id: &str,
        status: RunStatus,
        result: Option<&str>,
        error: Option<&str>,
        updated_at: i64,
    ) -> Result<(), sqlx::Error> {
        with_conn!(self, conn => sqlx::query(
            "UPDATE runs SET status = $2, result = $3, error = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(result)
        .bind(error)
        .bind(updated_at)
        .execute(conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// One run by id.
    pub async fn get_run(&self, id: &str) -> Result<Option<RunRow>, sqlx::Error> {
        with_conn!(self, conn => sqlx::query_as::<_, RunRow>(
            "SELECT id, agent_id, status, result, error, created_at, updated_at \
             FROM runs WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(conn)
        .await)
    }

    /// Marks every run still `created` or `running` as failed with `error`;
    /// returns how many.
    pub async fn fail_unfinished_runs(
        &self,
        error: &str,
        updated_at: i64,
    ) -> Result<u64, sqlx::Error> {
        with_conn!(self, conn => sqlx::query(
            "UPDATE runs SET status = $1, error = $2, updated_at = $3 \
             WHERE status = $4 OR status = $5",
        )
        .bind(RunStatus::Failed.as_str())
        .bind(error)
        .bind(updated_at)
        .bind(RunStatus::Created.as_str())
        .bind(RunStatus::Running.as_str())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    }
}
