//! The Letta reference agent server, instrumented with `letta-telemetry`.
//!
//! An agent API in the reference's shape (agents, messages blocking, streamed
//! and in the background, runs, health) over SQLite or PostgreSQL, calling an
//! OpenAI-compatible model endpoint, by default a built-in offline provider
//! served on loopback, so it runs with no key and no network.
//!
//! ```no_run
//! # async fn demo() -> Result<(), letta_server::StartError> {
//! let mut config = letta_server::ServerConfig::default();
//! config.listen = "127.0.0.1:0".parse().expect("address");
//! let server = letta_server::Server::start(config).await?;
//! println!("listening on {}", server.base_url());
//! server.shutdown().await;
//! # Ok(()) }
//! ```

mod agent;
mod app;
mod background;
mod config;
mod db;
mod error;
mod instrument;
mod llm;
mod routes;
mod start_error;
mod state;
mod tools;

pub use agent::{CreateAgent, MessageOut, SendMessage, StepResponse, StepUsage, StreamEvent};
pub use app::{RunningServer, Server};
pub use config::{LlmEndpoint, ServerConfig};
pub use db::DbEngine;
pub use error::ApiError;
pub use llm::{
    OFFLINE_MODEL, OFFLINE_PROVIDER, OfflineProvider, OfflineProviderHandle, Sampling, cost_usd,
};
pub use start_error::StartError;
pub use tools::TOOL_NAMES;

/// The largest request body the API accepts, in bytes (2 MiB); a larger one
/// is answered `413 Payload Too Large`, naming the limit.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
