//! A minimal axum agent app instrumented with letta-telemetry: `init`, the
//! server layer, `#[trace_method]`, a model-call span and a monitored
//! database pool. It turns on the `axum` and `sqlx` features of the library
//! and nothing more (and an sqlx driver, here SQLite):
//!
//! ```sh
//! cargo run -p agent-app
//! curl -X POST localhost:3000/v1/agents/a-1/messages -d '{"text":"hi"}'
//! ```
//!
//! With no `OTEL_EXPORTER_OTLP_ENDPOINT`, the traces and metrics go to
//! `<LETTA_DIR>/logs/`; set it to send them to a collector.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use letta_telemetry::db::{MonitoredPool, PoolMonitor};
use letta_telemetry::genai::{LlmCall, LlmResponse};
use letta_telemetry::http::{HttpConfig, TelemetryLayer};
use letta_telemetry::{Settings, trace_method};
use serde_json::{Value, json};

/// The app's state: a monitored pool.
#[derive(Clone)]
struct App {
    db: MonitoredPool<sqlx::Sqlite>,
}

impl App {
    /// A span `App.remember`, with `parameter.agent_id` and
    /// `parameter.text`.
    #[trace_method]
    async fn remember(&self, agent_id: &str, text: &str) -> Result<(), sqlx::Error> {
        let mut conn = self.db.acquire().await?; // checkout latency, pool events
        sqlx::query("insert into messages (agent_id, text) values (?, ?)")
            .bind(agent_id)
            .bind(text)
            .execute(&mut **conn)
            .await?;
        Ok(())
    }
}

/// A model call: a GenAI span with the tokens and the cost, and the
/// registry's LLM metrics.
#[trace_method]
async fn answer(text: &str) -> String {
    let call = LlmCall::builder("offline", "echo-1").start();
    call.first_token();
    let reply = format!("you said: {text}");
    call.finish(
        LlmResponse::new()
            .response_model("echo-1")
            .usage(text.len() as u64, reply.len() as u64)
            .finish_reason("stop"),
    );
    reply
}

async fn message(
    State(app): State<App>,
    Path(agent_id): Path<String>,
    Json(body): Json<Value>,
) -> Json<Value> {
    let text = body["text"].as_str().unwrap_or_default().to_owned();
    let saved = app.remember(&agent_id, &text).await.is_ok();
    Json(json!({ "reply": answer(&text).await, "saved": saved }))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Settings from the environment (OTEL_*, LETTA_TELEMETRY_*); the guard
    // flushes and shuts everything down, within one deadline, when dropped.
    let _telemetry = letta_telemetry::init(Settings::from_env()?)?;

    let monitor = PoolMonitor::new("sqlite", "app");
    let options = monitor.instrument(sqlx::pool::PoolOptions::<sqlx::Sqlite>::new());
    let db = monitor.attach(options.connect("sqlite::memory:").await?);
    sqlx::query("create table messages (agent_id text, text text)")
        .execute(&mut **db.acquire().await?)
        .await?;

    let app = Router::new()
        .route("/v1/agents/{agent_id}/messages", post(message))
        .layer(TelemetryLayer::new(HttpConfig::default()))
        .with_state(App { db });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
