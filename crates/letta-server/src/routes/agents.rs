//! `/v1/agents`: create, list, get.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use crate::agent::CreateAgent;
use crate::db::AgentRow;
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /v1/agents`.
pub(crate) async fn create(
    State(state): State<AppState>,
    body: Result<Json<CreateAgent>, JsonRejection>,
) -> Result<(StatusCode, Json<AgentRow>), ApiError> {
    let Json(body) = body?;
    let agent = state.service.create_agent(body).await?;
    Ok((StatusCode::CREATED, Json(agent)))
}

/// Query of `GET /v1/agents`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default = "default_limit")]
    limit: i64,
}

fn default_limit() -> i64 {
    50
}

/// `GET /v1/agents?limit=N`.
pub(crate) async fn list(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Vec<AgentRow>>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    Ok(Json(state.service.list_agents(query.limit).await?))
}

/// `GET /v1/agents/{agent_id}`.
pub(crate) async fn get(
    State(state): State<AppState>,
    agent_id: Result<Path<String>, PathRejection>,
) -> Result<Json<AgentRow>, ApiError> {
    let Path(agent_id) = agent_id?;
    Ok(Json(state.service.get_agent(&agent_id).await?))
}
