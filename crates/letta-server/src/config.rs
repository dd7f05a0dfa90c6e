//! Server configuration.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use letta_telemetry::http::HttpConfig;

use crate::llm::Sampling;

/// Where the language model is served from.
#[derive(Debug, Clone, PartialEq)]
pub enum LlmEndpoint {
    /// The built-in offline provider, served on a free loopback port by the
    /// server itself: no key and no network needed.
    Offline {
        /// Simulated latency before the first token.
        first_token_latency: Duration,
        /// Simulated delay between streamed chunks.
        inter_chunk_latency: Duration,
    },
    /// An OpenAI-compatible endpoint (`<base_url>/chat/completions`).
    Remote {
        /// Base URL, e.g. `https://api.openai.com/v1`.
        base_url: String,
        /// Bearer token, never logged or recorded.
        api_key: Option<String>,
        /// `gen_ai.provider.name` on the model-call spans (`openai` when
        /// `None`: the API is OpenAI's).
        provider: Option<String>,
    },
}

impl Default for LlmEndpoint {
    fn default() -> Self {
        Self::Offline {
            first_token_latency: Duration::from_millis(40),
            inter_chunk_latency: Duration::from_millis(4),
        }
    }
}

/// Configuration of a [`Server`](crate::Server).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (port 0 picks a free port).
    pub listen: SocketAddr,
    /// Database URL: `sqlite://...` or `postgres://...`. `None` uses
    /// `sqlite://<letta_dir>/letta.db`.
    pub database_url: Option<String>,
    /// The Letta directory (`LETTA_DIR`), for the default SQLite database.
    pub letta_dir: PathBuf,
    /// Maximum connections of the database pool.
    pub max_db_connections: u32,
    /// The language model endpoint.
    pub llm: LlmEndpoint,
    /// Model name sent to the LLM when an agent does not name one.
    pub default_model: String,
    /// Sampling parameters sent with every model call.
    pub sampling: Sampling,
    /// How many recent messages are sent to the LLM with each step.
    pub context_messages: i64,
    /// Maximum LLM calls in one agent step (tool loop bound).
    pub max_llm_calls_per_step: usize,
    /// Deadline for draining requests on shutdown.
    pub shutdown_timeout: Duration,
    /// HTTP instrumentation (excluded routes, metric routes, body capture).
    pub http: HttpConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8283),
            database_url: None,
            letta_dir: PathBuf::from(".letta"),
            max_db_connections: 8,
            llm: LlmEndpoint::default(),
            default_model: crate::llm::OFFLINE_MODEL.to_owned(),
            sampling: Sampling {
                temperature: Some(0.7),
                max_tokens: Some(1024),
            },
            context_messages: 20,
            max_llm_calls_per_step: 4,
            shutdown_timeout: Duration::from_secs(10),
            http: HttpConfig::default(),
        }
    }
}

impl ServerConfig {
    /// The database URL in effect.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.letta_dir.join("letta.db").display()
            ),
        }
    }
}
