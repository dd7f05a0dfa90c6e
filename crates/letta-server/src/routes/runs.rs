//! `GET /v1/runs/{run_id}`.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};

use crate::agent::validate_id;
use crate::db::RunRow;
use crate::error::ApiError;
use crate::state::AppState;

/// One run's status and outcome.
pub(crate) async fn get(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
) -> Result<Json<RunRow>, ApiError> {
    let Path(run_id) = run_id?;
    validate_id(&run_id, "run")?;
    state
        .service
        .db
        .get_run(&run_id)
        .await?
        .map(Json)
        .ok_or(ApiError::RunNotFound(run_id))
}
