//! `letta-otel serve`: the reference server alone, configured by the
//! environment; Ctrl-C / SIGTERM drains requests and flushes telemetry
//! within a deadline.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use letta_server::Server;
use letta_telemetry::redact::mask_url;

use super::server_env::{server_config, settings_error};

/// Arguments of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,
    /// Port to listen on.
    #[arg(long, default_value_t = 8283)]
    port: u16,
    /// Seconds allowed for draining requests on shutdown.
    #[arg(long, default_value_t = 10)]
    drain_timeout: u64,
}

/// Runs `serve`.
pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let settings = letta_telemetry::Settings::from_env().map_err(|e| settings_error(&e))?;
    // `init` logs the settings' warnings (once).
    let guard = letta_telemetry::init(settings.clone())?;
    let mut config = server_config(&settings, SocketAddr::new(args.host, args.port))?;
    config.shutdown_timeout = Duration::from_secs(args.drain_timeout);
    let server = Server::start(config).await?;
    println!("letta server listening on {}", server.base_url());
    // Every URL printed goes through the one masking function: user info
    // and secret query parameters never reach the terminal.
    println!("model endpoint: {}", mask_url(&server.llm_base_url));
    match settings.traces_endpoint() {
        Some(endpoint) => println!("telemetry: OTLP to {}", mask_url(&endpoint)),
        None => println!("telemetry: files under {}", settings.logs_dir().display()),
    }
    wait_for_signal().await;
    println!(
        "shutting down: draining requests (up to {}s)",
        args.drain_timeout
    );
    let drained = server.shutdown().await;
    let stopping = std::time::Instant::now();
    tokio::task::block_in_place(|| guard.shutdown());
    // Every span is accounted for: exported, or lost with a reason.
    println!(
        "telemetry stopped in {} ms: {}",
        stopping.elapsed().as_millis(),
        letta_telemetry::traces::stats().snapshot().summary()
    );
    if drained {
        println!("stopped");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("warning: some requests were still running at the drain deadline");
        Ok(ExitCode::from(3))
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
