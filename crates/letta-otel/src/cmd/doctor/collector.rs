//! Reaching the collector (and the Datadog agent), and sending a test span
//! through the configured exporter.

use std::time::{Duration, Instant};

use letta_telemetry::Settings;
use opentelemetry::trace::{Span as _, Tracer as _};

use super::endpoint::Endpoint;
use super::report::Report;

/// Checks that something listens at `endpoint`, then sends a test span over
/// the configured protocol and reads the export counters.
pub async fn check(
    report: &mut Report,
    settings: &Settings,
    endpoint: &Endpoint,
    timeout: Duration,
    send_span: bool,
) {
    let target = format!("{}:{}", endpoint.host, endpoint.port);
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(&target)).await {
        Ok(Ok(_)) => report.ok(format!("the collector port {target} accepts connections")),
        Ok(Err(e)) => {
            report.problem(
                format!("nothing is listening at {target} ({e})"),
                format!(
                    "start the collector (e.g. otel/start-otel-collector.sh), or point \
                     OTEL_EXPORTER_OTLP_ENDPOINT at where it listens (4317 gRPC, 4318 HTTP){}",
                    if endpoint.explicit_port {
                        ""
                    } else {
                        "; the URL has no port, so the protocol's default was tried"
                    }
                ),
            );
            return;
        }
        Err(_) => {
            report.problem(
                format!("no answer from {target} within {}s", timeout.as_secs()),
                "check the host name, the network path and firewalls to the collector".to_owned(),
            );
            return;
        }
    }
    if !send_span || !settings.tracing_enabled() {
        return;
    }
    let mut for_test = settings.clone();
    for_test.limits.shutdown_timeout = timeout;
    let guard = match letta_telemetry::init(for_test) {
        Ok(guard) => guard,
        Err(e) => {
            report.problem(
                format!("the exporter could not be built: {e}"),
                "check the OTEL_EXPORTER_OTLP_* values shown above".to_owned(),
            );
            return;
        }
    };
    let tracer = opentelemetry::global::tracer("letta-otel-doctor");
    let mut span = tracer.start("letta-otel doctor test span");
    span.set_attribute(opentelemetry::KeyValue::new("doctor.test", true));
    span.end();
    let started = Instant::now();
    tokio::task::block_in_place(|| guard.shutdown());
    let stats = letta_telemetry::traces::stats().snapshot();
    if stats.spans_exported >= 1 && stats.total_failures() == 0 {
        report.ok(format!(
            "a test span was accepted by the collector ({} ms)",
            started.elapsed().as_millis()
        ));
    } else {
        let (problem, fix) = super::refusal::diagnose(&stats, settings, endpoint);
        report.problem(problem, fix);
    }
}

/// Checks the Datadog agent's trace intake (`/info`).
pub async fn check_datadog(report: &mut Report, settings: &Settings, timeout: Duration) {
    let url = format!(
        "http://{}:{}/info",
        settings.datadog_agent_host, settings.datadog_agent_port
    );
    let client = match reqwest::Client::builder().timeout(timeout).build() {
        Ok(c) => c,
        Err(e) => {
            report.problem(format!("HTTP client: {e}"), "report this bug".to_owned());
            return;
        }
    };
    match client.get(&url).send().await {
        Ok(r) if r.status().is_success() => {
            report.ok(format!("the Datadog agent answers at {url}"));
        }
        Ok(r) => report.problem(
            format!("the Datadog agent at {url} answered {}", r.status()),
            "check that the trace agent (APM) is enabled in the Datadog agent".to_owned(),
        ),
        Err(e) => report.problem(
            format!(
                "the Datadog agent is not reachable at {url}: {}",
                e.without_url()
            ),
            "start the Datadog agent, or set LETTA_TELEMETRY_DATADOG_AGENT_HOST / \
             LETTA_TELEMETRY_DATADOG_AGENT_PORT to where it listens (default localhost:8126), \
             or set LETTA_TELEMETRY_ENABLE_DATADOG=false"
                .to_owned(),
        ),
    }
}
