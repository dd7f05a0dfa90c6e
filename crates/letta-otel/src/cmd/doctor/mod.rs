//! `letta-otel doctor`: the effective telemetry configuration with the source
//! of every value, then checks of each problem of the troubleshooting guide,
//! each with its fix. Exits non-zero when something is wrong.

mod collector;
mod endpoint;
mod refusal;
mod report;
mod routes;

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use letta_telemetry::Settings;
use letta_telemetry::settings::Signal;

use report::Report;

/// Arguments of `doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// A request, as `METHOD /path`, to check against the tracing exclusion
    /// list (repeatable; default: the agent message routes).
    #[arg(long = "route")]
    routes: Vec<String>,
    /// Seconds to wait for the collector and the Datadog agent.
    #[arg(long, default_value_t = 3)]
    timeout: u64,
    /// Do not send a test span (only check that the port answers).
    #[arg(long)]
    no_test_span: bool,
}

/// Runs `doctor`.
pub async fn run(args: DoctorArgs) -> anyhow::Result<ExitCode> {
    let mut report = Report::default();
    let timeout = Duration::from_secs(args.timeout.max(1));
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            report.section("Configuration");
            for problem in &error.problems {
                report.problem(
                    format!("{problem}"),
                    format!(
                        "set {} to {} (or unset it to use the default)",
                        problem.variable, problem.expected
                    ),
                );
            }
            report.note("the remaining checks need valid settings; fix the above and run again");
            print!("{}", report.render());
            return Ok(report.exit_code());
        }
    };

    report.section("Effective configuration (source of each value; secrets masked)");
    report.raw(&settings.render());
    report.section("Checks");
    for warning in settings.warnings() {
        // Each kind (unknown, not supported, shadowed, ignored) has its fix.
        report.problem(format!("{warning}"), warning.fix());
    }
    if !settings.tracing_enabled() {
        report.problem(
            "tracing is disabled, so no spans or metrics are produced".to_owned(),
            "unset LETTA_TELEMETRY_DISABLE_TRACING / LETTA_DISABLE_TRACING and OTEL_SDK_DISABLED \
             (or set them to false)"
                .to_owned(),
        );
    } else {
        report.ok("tracing is enabled");
    }

    match settings.endpoint(Signal::Traces) {
        None => {
            let dir = settings.logs_dir();
            report.ok(format!(
                "no OTLP endpoint set: traces and metrics go to {} (set OTEL_EXPORTER_OTLP_ENDPOINT to use a collector)",
                dir.display()
            ));
            check_writable(&mut report, &dir);
        }
        Some(raw) => {
            let protocol = settings.protocol(Signal::Traces);
            match endpoint::Endpoint::parse(&raw, protocol) {
                Err(reason) => report.problem(
                    format!(
                        "the traces endpoint {:?} is not usable: {reason}",
                        letta_telemetry::redact::mask_url(&raw)
                    ),
                    "set OTEL_EXPORTER_OTLP_ENDPOINT to scheme://host:port, e.g. \
                     http://localhost:4317 (gRPC) or http://localhost:4318 (HTTP)"
                        .to_owned(),
                ),
                Ok(endpoint) => {
                    if let Some((problem, fix)) = endpoint.port_mismatch(protocol) {
                        report.problem(problem, fix);
                    }
                    collector::check(
                        &mut report,
                        &settings,
                        &endpoint,
                        timeout,
                        !args.no_test_span,
                    )
                    .await;
                }
            }
        }
    }

    routes::check(&mut report, &settings, &args.routes);
    if settings.enable_datadog {
        collector::check_datadog(&mut report, &settings, timeout).await;
    }
    print!("{}", report.render());
    Ok(report.exit_code())
}

fn check_writable(report: &mut Report, dir: &std::path::Path) {
    match std::fs::create_dir_all(dir) {
        Ok(()) => {
            let probe = dir.join(".doctor-probe");
            match std::fs::write(&probe, b"ok") {
                Ok(()) => {
                    let _ = std::fs::remove_file(&probe);
                    report.ok(format!("{} is writable", dir.display()));
                }
                Err(e) => report.problem(
                    format!("cannot write in {}: {e}", dir.display()),
                    "set LETTA_DIR to a writable directory".to_owned(),
                ),
            }
        }
        Err(e) => report.problem(
            format!("cannot create {}: {e}", dir.display()),
            "set LETTA_DIR to a writable directory".to_owned(),
        ),
    }
}
