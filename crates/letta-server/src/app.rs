//! Router assembly, startup and graceful shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::agent::{AgentService, StepSettings};
use crate::background::{BackgroundRuns, fail_interrupted_runs};
use crate::config::{LlmEndpoint, ServerConfig};
use crate::db::Db;
use crate::llm::{LlmClient, OFFLINE_PROVIDER, OfflineProvider, OfflineProviderHandle};
use crate::start_error::StartError;
use crate::state::AppState;

/// The reference agent server.
#[derive(Debug)]
pub struct Server;

/// A server running in the background of the current tokio runtime.
#[derive(Debug)]
pub struct RunningServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The model endpoint in use (`http://127.0.0.1:<port>/v1` for the
    /// offline provider).
    pub llm_base_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    db: Db,
    provider: Option<OfflineProviderHandle>,
    runs: BackgroundRuns,
    shutdown_timeout: Duration,
    _runtime_monitor: letta_telemetry::runtime_metrics::RuntimeMonitor,
}

impl Server {
    /// Opens the database, starts the offline provider when configured, and
    /// serves the API on `config.listen`, with `letta-telemetry`'s HTTP
    /// layer (configured by `config.http`) around every route.
    pub async fn start(config: ServerConfig) -> Result<RunningServer, StartError> {
        let http = config.http.clone();
        Self::start_with_layers(config, move |router| {
            crate::instrument::layers(router, http)
        })
        .await
    }

    /// As [`start`](Self::start), with `layers` wrapping the API router in
    /// place of `letta-telemetry`'s HTTP layer (`config.http` is then
    /// unused): e.g. the load benchmark's peer baseline, instrumented with
    /// the OpenTelemetry tower layer, or no layer at all.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), letta_server::StartError> {
    /// let config = letta_server::ServerConfig::default();
    /// // the bare router: no server spans, no endpoint metrics
    /// let server = letta_server::Server::start_with_layers(config, |router| router).await?;
    /// server.shutdown().await;
    /// # Ok(()) }
    /// ```
    pub async fn start_with_layers(
        config: ServerConfig,
        layers: impl FnOnce(axum::Router) -> axum::Router,
    ) -> Result<RunningServer, StartError> {
        if config.database_url.is_none() {
            std::fs::create_dir_all(&config.letta_dir).map_err(|source| StartError::LettaDir {
                path: config.letta_dir.clone(),
                source,
            })?;
        }
        let db = Db::connect(&config.effective_database_url(), config.max_db_connections).await?;
        let interrupted = fail_interrupted_runs(&db).await?;
        if interrupted > 0 {
            tracing::warn!(
                runs = interrupted,
                "background runs left unfinished by an earlier process were marked failed"
            );
        }
        let (provider, base_url, api_key, provider_name) = match &config.llm {
            LlmEndpoint::Offline {
                first_token_latency,
                inter_chunk_latency,
            } => {
                let handle = OfflineProvider {
                    first_token_latency: *first_token_latency,
                    inter_chunk_latency: *inter_chunk_latency,
                }
                .start()
                .await
                .map_err(StartError::Provider)?;
                let url = handle.base_url();
                (Some(handle), url, None, OFFLINE_PROVIDER.to_owned())
            }
            LlmEndpoint::Remote {
                base_url,
                api_key,
                provider,
            } => (
                None,
                base_url.clone(),
                api_key.clone(),
                provider.clone().unwrap_or_else(|| "openai".to_owned()),
            ),
        };
        let http = crate::instrument::http_client()?;
        let service = AgentService::new(
            db.clone(),
            LlmClient::new(http, &base_url, api_key).with_sampling(config.sampling),
            StepSettings {
                default_model: config.default_model.clone(),
                provider: provider_name,
                context_messages: config.context_messages,
                max_llm_calls: config.max_llm_calls_per_step.max(1),
            },
        );
        let runs = BackgroundRuns::default();
        let app = layers(crate::routes::router(AppState {
            service,
            runs: runs.clone(),
        }));
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
        });
        tracing::info!(
            %addr,
            llm = %letta_telemetry::redact::mask_url(&base_url),
            "letta server listening"
        );
        Ok(RunningServer {
            addr,
            llm_base_url: base_url,
            stop: Some(stop),
            task: Some(task),
            db,
            provider,
            runs,
            shutdown_timeout: config.shutdown_timeout,
            _runtime_monitor: letta_telemetry::runtime_metrics::RuntimeMonitor::start(),
        })
    }
}

impl RunningServer {
    /// `http://<addr>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, drains in-flight requests and
    /// background runs (up to the shutdown deadline, for both), marks the
    /// runs still unfinished then as failed with a reason, stops the offline
    /// provider and closes the pool. Returns whether everything finished
    /// within the deadline.
    pub async fn shutdown(mut self) -> bool {
        let deadline = tokio::time::Instant::now() + self.shutdown_timeout;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let drained = match self.task.take() {
            Some(task) => tokio::time::timeout_at(deadline, task).await.is_ok(),
            None => true,
        };
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let cancelled = self.runs.drain(left).await;
        if cancelled > 0 {
            tracing::warn!(
                runs = cancelled,
                "background runs still running at the drain deadline were cancelled and marked failed"
            );
        }
        let drained = drained && cancelled == 0;
        if let Some(provider) = self.provider.take() {
            provider.shutdown();
        }
        let _ = tokio::time::timeout(Duration::from_secs(2), self.db.close()).await;
        drained
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
