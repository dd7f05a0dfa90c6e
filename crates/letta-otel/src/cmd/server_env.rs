//! The server's own configuration from the environment (read through the
//! settings module's `EnvSource`, like every variable of this workspace).

use std::net::SocketAddr;

use letta_server::{LlmEndpoint, ServerConfig};
use letta_telemetry::Settings;
use letta_telemetry::http::HttpConfig;
use letta_telemetry::settings::{EnvSource, vars};

/// PostgreSQL URL of the server's database (SQLite under `LETTA_DIR` when unset).
pub const PG_URI: &str = "LETTA_PG_URI";
/// Base URL of an OpenAI-compatible endpoint (the offline provider when unset).
pub const LLM_ENDPOINT: &str = "LETTA_LLM_ENDPOINT";
/// Bearer token for [`LLM_ENDPOINT`].
pub const LLM_API_KEY: &str = "LETTA_LLM_API_KEY";
/// Model name for new agents.
pub const LLM_MODEL: &str = "LETTA_LLM_MODEL";
/// `gen_ai.provider.name` of [`LLM_ENDPOINT`] (`openai` when unset), e.g.
/// `azure.ai.openai`, `groq`, `mistral_ai` for their OpenAI-compatible APIs.
pub const LLM_PROVIDER: &str = "LETTA_LLM_PROVIDER";

/// A server configuration listening on `listen`, with `LETTA_DIR` and the
/// excluded-routes and endpoint-metrics regex lists from the telemetry
/// settings, and the database and model from the environment.
pub fn server_config(settings: &Settings, listen: SocketAddr) -> anyhow::Result<ServerConfig> {
    let env = EnvSource::from_process();
    let mut config = ServerConfig {
        listen,
        letta_dir: settings.letta_dir.clone(),
        http: http_config(settings)?,
        database_url: env.get(PG_URI).filter(|v| !v.is_empty()).map(str::to_owned),
        ..ServerConfig::default()
    };
    if let Some(base_url) = env.get(LLM_ENDPOINT).filter(|v| !v.is_empty()) {
        config.llm = LlmEndpoint::Remote {
            base_url: base_url.to_owned(),
            api_key: env.get(LLM_API_KEY).map(str::to_owned),
            provider: env
                .get(LLM_PROVIDER)
                .filter(|v| !v.is_empty())
                .map(str::to_owned),
        };
    }
    if let Some(model) = env.get(LLM_MODEL).filter(|v| !v.is_empty()) {
        config.default_model = model.to_owned();
    }
    Ok(config)
}

/// The HTTP instrumentation of the server from the telemetry settings.
pub fn http_config(settings: &Settings) -> anyhow::Result<HttpConfig> {
    // The settings already checked each regex; this only fails when the set
    // as a whole is too large to compile.
    HttpConfig::builder()
        .with_excluded_routes(settings.excluded_endpoints_regex.iter().cloned())
        .with_metric_routes(settings.metrics_endpoints_regex.iter().cloned())
        .build()
        .map_err(|e| {
            anyhow::anyhow!(
                "{e} (from {} / {})",
                vars::EXCLUDED_ENDPOINTS_REGEX,
                vars::METRICS_ENDPOINTS_REGEX
            )
        })
}

/// Prints the settings problems, one per line, for an exit with an error.
pub fn settings_error(error: &letta_telemetry::SettingsError) -> anyhow::Error {
    anyhow::anyhow!("{error}")
}
