//! The end-to-end load benchmark: the reference server on one core, a load
//! generator on the other, and the server's own CPU accounting per request,
//! for each telemetry variant (off, sampled out, sampled to files, to OTLP
//! gRPC and HTTP, and a peer baseline instrumented the usual way), in
//! interleaved rounds; and the span export path alone (`export`).
//! `docs/performance.md` explains how to run and read it.

mod cpu;
mod export;
mod load;
mod orchestrate;
mod peer;
mod profile;
mod report;
mod server;
mod server_process;
mod variant;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Command line of the benchmark.
#[derive(Debug, Parser)]
#[command(
    name = "load-bench",
    about = "Server CPU per request, telemetry on and off"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the benchmark and prints its table (markdown).
    Run(orchestrate::RunArgs),
    /// One server under test (started by `run`; stops when stdin closes).
    Server(server::ServerArgs),
    /// Measures the span export path alone (span end to bytes the
    /// collector acknowledged) and the memory a queued span holds.
    Export(export::ExportArgs),
    /// One export pipeline under test (started by `export`).
    ExportWorker(export::WorkerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => orchestrate::run(args),
        Command::Server(args) => server::run(args),
        Command::Export(args) => export::run(args),
        Command::ExportWorker(args) => export::worker(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("load-bench: {error:#}");
            ExitCode::FAILURE
        }
    }
}
