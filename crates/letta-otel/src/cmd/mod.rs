//! The subcommands, one file each.

mod demo;
mod doctor;
mod serve;
mod server_env;
mod traces;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Telemetry for the Letta reference agent server: demo, serve, traces, doctor.
#[derive(Debug, Parser)]
#[command(name = "letta-otel", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start the reference server, drive a mixed workload, and summarise the
    /// telemetry it wrote.
    Demo(demo::DemoArgs),
    /// Run the reference server, configured by the environment.
    Serve(serve::ServeArgs),
    /// Read traces back from the local OTLP-JSON files (or ClickHouse).
    Traces(traces::TracesArgs),
    /// Check the telemetry configuration and the collector connection.
    Doctor(doctor::DoctorArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match cli.command {
        Command::Demo(args) => runtime.block_on(demo::run(args)),
        Command::Serve(args) => runtime.block_on(serve::run(args)),
        Command::Traces(args) => runtime.block_on(traces::run(args)),
        Command::Doctor(args) => runtime.block_on(doctor::run(args)),
    }
}
