//! The server under test: the reference server with the offline model at
//! zero latency, its telemetry set up from the environment the way
//! `letta-otel serve` does (or the peer baseline's, or none). It prints
//! `listening <url>` once ready and stops, flushing telemetry, when its
//! stdin closes; then it prints the span pipeline's counts.

use std::io::Read as _;
use std::net::SocketAddr;
use std::time::Duration;

use letta_server::{LlmEndpoint, Server, ServerConfig};
use letta_telemetry::Settings;
use letta_telemetry::http::HttpConfig;

use crate::variant::Telemetry;

/// Arguments of `server`.
#[derive(Debug, clap::Args)]
pub struct ServerArgs {
    /// Which telemetry to install.
    #[arg(long, value_enum)]
    telemetry: Telemetry,
}

/// Runs one server until stdin closes.
pub fn run(args: ServerArgs) -> anyhow::Result<()> {
    // A multi-threaded runtime as `letta-otel serve` has; pinned to one
    // core, it has one worker.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(args.telemetry))
}

async fn serve(telemetry: Telemetry) -> anyhow::Result<()> {
    let settings = Settings::from_env().map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut config = ServerConfig {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        letta_dir: settings.letta_dir.clone(),
        llm: LlmEndpoint::Offline {
            first_token_latency: Duration::ZERO,
            inter_chunk_latency: Duration::ZERO,
        },
        ..ServerConfig::default()
    };
    let (server, stop) = match telemetry {
        Telemetry::Letta => {
            let guard = letta_telemetry::init(settings.clone())?;
            config.http = HttpConfig::builder()
                .with_excluded_routes(settings.excluded_endpoints_regex.iter().cloned())
                .with_metric_routes(settings.metrics_endpoints_regex.iter().cloned())
                .build()?;
            (Server::start(config).await?, Stop::Letta(guard))
        }
        Telemetry::Peer => {
            let peer = crate::peer::Peer::install()?;
            let mut failed = None;
            let server = Server::start_with_layers(config, |router| {
                crate::peer::layer(router.clone()).unwrap_or_else(|e| {
                    failed = Some(e);
                    router
                })
            })
            .await?;
            if let Some(e) = failed {
                return Err(e);
            }
            (server, Stop::Peer(peer))
        }
        Telemetry::None => (
            Server::start_with_layers(config, |router| router).await?,
            Stop::None,
        ),
    };
    println!("listening {}", server.base_url());
    // stdin closing (the benchmark is done with this server, or died) is
    // the stop signal
    tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    })
    .await?;
    server.shutdown().await;
    tokio::task::block_in_place(|| stop.shutdown());
    Ok(())
}

/// What to flush at the end.
enum Stop {
    Letta(letta_telemetry::TelemetryGuard),
    Peer(crate::peer::Peer),
    None,
}

impl Stop {
    fn shutdown(self) {
        match self {
            Stop::Letta(guard) => {
                guard.shutdown();
                let stats = letta_telemetry::traces::stats().snapshot();
                println!(
                    "spans enqueued={} exported={} lost={}",
                    stats.spans_enqueued,
                    stats.spans_exported,
                    stats.spans_dropped_queue_full + stats.spans_dropped_export_failed
                );
            }
            Stop::Peer(peer) => peer.shutdown(),
            Stop::None => {}
        }
    }
}
