//! `letta-otel`: run the instrumented reference server (`demo`, `serve`),
//! read traces back (`traces`), and check the telemetry setup (`doctor`).

mod cmd;
mod metrics_file;
mod traces;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cmd::Cli::parse();
    match cmd::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
