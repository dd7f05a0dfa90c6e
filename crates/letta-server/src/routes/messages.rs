//! The message routes: blocking, streamed (SSE) and background.

use std::convert::Infallible;

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use letta_telemetry::metrics::registry;
use tokio::sync::mpsc;

use crate::agent::{SendMessage, StepResponse, StreamEvent, user_text};
use crate::db::{RunRow, RunStatus};
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /v1/agents/{agent_id}/messages`.
pub(crate) async fn send(
    State(state): State<AppState>,
    agent_id: Result<Path<String>, PathRejection>,
    body: Result<Json<SendMessage>, JsonRejection>,
) -> Result<Json<StepResponse>, ApiError> {
    let Path(agent_id) = agent_id?;
    let Json(body) = body?;
    Ok(Json(state.service.send_message(&agent_id, body).await?))
}

/// `POST /v1/agents/{agent_id}/messages/stream`: server-sent events, one per
/// text delta and message, then `[DONE]`.
pub(crate) async fn stream(
    State(state): State<AppState>,
    agent_id: Result<Path<String>, PathRejection>,
    body: Result<Json<SendMessage>, JsonRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Path(agent_id) = agent_id?;
    let Json(body) = body?;
    let text = user_text(&body)?;
    let agent = state.service.get_agent(&agent_id).await?;
    let (tx, rx) = mpsc::channel::<StreamEvent>(64);
    let (done_tx, done_rx) = tokio::sync::oneshot::channel::<Option<String>>();
    let service = state.service.clone();
    registry().add_in_flight_foreground(1);
    letta_telemetry::context::spawn(async move {
        let outcome = service.step(&agent, &text, Some(&tx)).await;
        registry().add_in_flight_foreground(-1);
        let _ = done_tx.send(outcome.err().map(|e| e.to_string()));
    });
    let events = futures_util::stream::unfold((rx, Some(done_rx)), |(mut rx, done)| async move {
        if let Some(event) = rx.recv().await {
            let data = serde_json::to_string(&event).unwrap_or_default();
            return Some((Ok(Event::default().data(data)), (rx, done)));
        }
        // The step ended: report its error, if any, then `[DONE]` once.
        let done = done?;
        let data = match done.await {
            Ok(Some(error)) => serde_json::json!({ "error": { "detail": error } }).to_string(),
            _ => "[DONE]".to_owned(),
        };
        Some((Ok(Event::default().data(data)), (rx, None)))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

/// `POST /v1/agents/{agent_id}/messages/async`: runs the step in the
/// background and answers at once with the run.
pub(crate) async fn send_async(
    State(state): State<AppState>,
    agent_id: Result<Path<String>, PathRejection>,
    body: Result<Json<SendMessage>, JsonRejection>,
) -> Result<(StatusCode, Json<RunRow>), ApiError> {
    let Path(agent_id) = agent_id?;
    let Json(body) = body?;
    let text = user_text(&body)?;
    let agent = state.service.get_agent(&agent_id).await?;
    let now = crate::agent::now_ms();
    let run = RunRow {
        id: format!("run-{}", uuid::Uuid::new_v4()),
        agent_id: agent.id.clone(),
        status: RunStatus::Created.as_str().to_owned(),
        result: None,
        error: None,
        created_at: now,
        updated_at: now,
    };
    state.service.db.insert_run(&run).await?;
    let service = state.service.clone();
    let run_id = run.id.clone();
    let tracked_id = run.id.clone();
    state.runs.spawn(state.service.db.clone(), tracked_id, async move {
        let db = service.db.clone();
        let _ = db
            .update_run(
                &run_id,
                RunStatus::Running,
                None,
                None,
                crate::agent::now_ms(),
            )
            .await;
        let outcome = service.step(&agent, &text, None).await;
        let (status, result, error) = match outcome {
            Ok(response) => (
                RunStatus::Completed,
                serde_json::to_string(&response).ok(),
                None,
            ),
            Err(error) => (RunStatus::Failed, None, Some(error.to_string())),
        };
        if let Err(e) = db
            .update_run(
                &run_id,
                status,
                result.as_deref(),
                error.as_deref(),
                crate::agent::now_ms(),
            )
            .await
        {
            tracing::error!(run_id = %run_id, error = &e as &dyn std::error::Error, "could not save the run's outcome");
        }
    });
    Ok((StatusCode::ACCEPTED, Json(run)))
}
