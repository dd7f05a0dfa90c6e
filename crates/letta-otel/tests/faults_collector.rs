//! The fault suite, collector side: `letta-otel serve` exporting to a
//! collector that hangs (gRPC and HTTP), that is killed and restarted
//! mid-run, or that answers slowly. In each case the server keeps serving,
//! stops within its one deadline, nothing panics, and every span that ended
//! is exported or counted as lost. Each test prints a `FIGURES` row for
//! `docs/reliability.md` (`cargo nextest run --no-capture -E 'binary(faults_collector)'`).

mod faults_support;

use std::time::Duration;

use faults_support::{Stopped, load, runtime, start};
use test_peers::rotel::Verbosity;
use test_peers::{HungCollector, Rotel, SlowProxy};

/// The shutdown deadline the tests give the telemetry.
const DEADLINE_MS: u64 = 2000;
/// What the stop may take beyond the deadline: the HTTP drain (no request
/// is in flight at SIGTERM), the database and process exit.
const SLACK: Duration = Duration::from_millis(2500);

fn hung(protocol: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let collector = HungCollector::start().expect("hung collector");
    let rt = runtime();
    let endpoint = collector.endpoint();
    let deadline = DEADLINE_MS.to_string();
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
            ("LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS", &deadline),
            // Exports start, and hang, while the workload runs.
            ("OTEL_BSP_SCHEDULE_DELAY", "200"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "500"),
        ],
        None,
    );
    let requests = 200;
    let ok = load(&rt, &serve.base, requests);
    assert_eq!(ok, requests, "a hung collector never fails a request");
    assert!(
        collector.connections() > 0,
        "the exporter reached the collector"
    );
    let Stopped {
        accounting, took, ..
    } = serve.stop_and_account(
        &format!("hung collector ({protocol})"),
        requests,
        DEADLINE_MS,
    );
    assert!(
        took <= Duration::from_millis(DEADLINE_MS) + SLACK,
        "stopped in {took:?}, deadline {DEADLINE_MS} ms"
    );
    assert_eq!(accounting.exported, 0, "{accounting:?}");
    // The guard returns by the deadline; scheduling on a loaded machine
    // may add a little.
    assert!(accounting.stop_ms <= DEADLINE_MS + 500, "{accounting:?}");
}

#[test]
fn a_hung_grpc_collector_costs_no_request_and_shutdown_meets_its_deadline() {
    hung("grpc");
}

#[test]
fn a_hung_http_collector_costs_no_request_and_nothing_panics_at_exit() {
    hung("http/protobuf");
}

#[test]
fn a_collector_killed_and_restarted_mid_run_gets_the_later_spans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = Rotel::start_with(Verbosity::Basic, &[]).expect("rotel");
    let (grpc, http) = (first.grpc_port(), first.http_port());
    let rt = runtime();
    let endpoint = first.grpc_endpoint();
    let deadline = DEADLINE_MS.to_string();
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS", &deadline),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
        ],
        None,
    );
    let per_phase = 60;
    assert_eq!(load(&rt, &serve.base, per_phase), per_phase);
    let before = first.wait_for_span_total(per_phase, Duration::from_secs(10));
    assert!(before >= per_phase, "spans before the outage: {before}");
    first.stop();
    assert_eq!(
        load(&rt, &serve.base, per_phase),
        per_phase,
        "the outage costs no request"
    );
    std::thread::sleep(Duration::from_millis(500));
    let second = Rotel::start_on(grpc, http, Verbosity::Basic, &[]).expect("rotel again");
    assert_eq!(load(&rt, &serve.base, per_phase), per_phase);
    let after = second.wait_for_span_total(per_phase, Duration::from_secs(15));
    assert!(after >= per_phase, "spans after the restart: {after}");
    let Stopped { accounting, .. } = serve.stop_and_account(
        "collector killed, restarted after 0.5 s",
        3 * per_phase,
        DEADLINE_MS,
    );
    let received: usize = first.received_span_counts().iter().sum::<usize>()
        + second.received_span_counts().iter().sum::<usize>();
    // A request the first rotel read but could not acknowledge is counted
    // lost here and received there: received ≥ exported.
    assert!(
        received as u64 >= accounting.exported,
        "{received} {accounting:?}"
    );
    assert!(
        accounting.exported > 0 && accounting.lost > 0,
        "{accounting:?}"
    );
}

#[test]
fn a_slow_collector_delays_nothing_but_its_own_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rotel = Rotel::start_with(Verbosity::Basic, &[]).expect("rotel");
    let proxy = SlowProxy::start(rotel.grpc_port(), Duration::from_millis(300)).expect("proxy");
    let rt = runtime();
    let endpoint = proxy.endpoint();
    let deadline = DEADLINE_MS.to_string();
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
            ("LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS", &deadline),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
        ],
        None,
    );
    let requests = 150;
    let started = std::time::Instant::now();
    assert_eq!(load(&rt, &serve.base, requests), requests);
    let load_time = started.elapsed();
    // 150 requests, each delayed by 300 ms, would take 45 s.
    assert!(load_time < Duration::from_secs(20), "{load_time:?}");
    let Stopped {
        accounting, took, ..
    } = serve.stop_and_account("slow collector (+300 ms per answer)", requests, DEADLINE_MS);
    assert!(
        took <= Duration::from_millis(DEADLINE_MS) + SLACK,
        "{took:?}"
    );
    assert!(accounting.exported > 0, "{accounting:?}");
    let received = rotel.wait_for_span_total(accounting.exported as usize, Duration::from_secs(5));
    assert!(
        received as u64 >= accounting.exported,
        "{received} {accounting:?}"
    );
}
