//! `letta-otel demo`: start the reference server on a free loopback port,
//! drive a mixed workload, flush telemetry, and print what it recorded, read
//! back from the files it wrote.

mod summary;
mod workload;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use clap::Args;
use letta_server::{LlmEndpoint, Server};

use super::server_env::{server_config, settings_error};

/// Arguments of `demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Number of requests of the workload (ignored with --duration).
    #[arg(long, default_value_t = 300)]
    requests: usize,
    /// Run the workload for this many seconds instead of a fixed count.
    #[arg(long)]
    duration: Option<u64>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Export to this OTLP collector instead of local files (the standard
    /// `OTEL_EXPORTER_OTLP_*` variables work too).
    #[arg(long)]
    otlp_endpoint: Option<String>,
    /// Latency of the offline model before its first token, in ms.
    #[arg(long, default_value_t = 40)]
    llm_latency_ms: u64,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

/// Runs `demo`.
pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    let mut builder = letta_telemetry::Settings::builder()
        .with_metric_export_interval(Duration::from_secs(2))
        .with_schedule_delay(Duration::from_millis(500));
    if let Some(endpoint) = &args.otlp_endpoint {
        builder = builder.with_otlp_endpoint(endpoint.clone());
    }
    let mut settings = builder.build().map_err(|e| settings_error(&e))?;
    // The demo's output is its summary: the server's log lines go to
    // Letta.log only, and setting warnings are printed here.
    settings.console_logs = false;
    for warning in settings.warnings() {
        eprintln!("warning: {warning}");
    }
    let to_files = settings.traces_endpoint().is_none();
    if !settings.tracing_enabled() {
        anyhow::bail!(
            "tracing is disabled (LETTA_TELEMETRY_DISABLE_TRACING / OTEL_SDK_DISABLED): \
             the demo has nothing to show; unset it and run again"
        );
    }
    let since_ns = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let guard = letta_telemetry::init(settings.clone()).context("starting telemetry")?;

    let mut config = server_config(&settings, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
    if let LlmEndpoint::Offline { .. } = config.llm {
        config.llm = LlmEndpoint::Offline {
            first_token_latency: Duration::from_millis(args.llm_latency_ms),
            inter_chunk_latency: Duration::from_millis((args.llm_latency_ms / 10).max(1)),
        };
    }
    let server = Server::start(config).await.context("starting the server")?;
    println!(
        "letta server on {} (model: {})",
        server.base_url(),
        letta_telemetry::redact::mask_url(&server.llm_base_url)
    );

    let plan = workload::Plan {
        requests: args.requests,
        duration: args.duration.map(Duration::from_secs),
        concurrency: args.concurrency.max(1),
        show_progress: !args.quiet,
    };
    let tally = workload::run(&server.base_url(), plan).await;
    // Collect while the server is up, so that its pool and runtime gauges
    // (observed at collection time) are in the files too.
    tokio::task::block_in_place(|| guard.flush());
    let drained = server.shutdown().await;
    tokio::task::block_in_place(|| guard.shutdown());
    let export = letta_telemetry::traces::stats().snapshot();

    println!();
    println!("{}", tally.render());
    let ok_workload = tally.succeeded > 0 && drained;
    if to_files {
        let report = summary::from_files(&settings.logs_dir(), since_ns, &export)?;
        print!("{}", report.text);
        Ok(if ok_workload && report.telemetry_written {
            ExitCode::SUCCESS
        } else {
            eprintln!("error: the workload did not run or no telemetry was written");
            ExitCode::FAILURE
        })
    } else {
        print!("{}", summary::exported(&settings, &export));
        let exported = export.spans_exported > 0 && export.total_failures() == 0;
        Ok(if ok_workload && exported {
            ExitCode::SUCCESS
        } else {
            eprintln!("error: spans were not delivered to the collector; run `letta-otel doctor`");
            ExitCode::FAILURE
        })
    }
}
