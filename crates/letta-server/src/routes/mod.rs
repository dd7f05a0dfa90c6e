//! HTTP routes, one file per resource.

mod agents;
mod health;
mod messages;
mod runs;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// Every route of the agent API.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/agents", post(agents::create).get(agents::list))
        .route("/v1/agents/{agent_id}", get(agents::get))
        .route("/v1/agents/{agent_id}/messages", post(messages::send))
        .route(
            "/v1/agents/{agent_id}/messages/stream",
            post(messages::stream),
        )
        .route(
            "/v1/agents/{agent_id}/messages/async",
            post(messages::send_async),
        )
        .route("/v1/runs/{run_id}", get(runs::get))
        .layer(DefaultBodyLimit::max(crate::MAX_BODY_BYTES))
        .with_state(state)
}
