//! Limits of the export path against a real collector (rotel): no request
//! over the size limit, no span lost, splitting on a "too large" answer, and
//! a dead collector that costs the application nothing but counted drops.

mod export_support;

use std::time::{Duration, Instant};

use export_support::settings;
use letta_telemetry::traces::{TRUNCATED_ATTRIBUTE, stats};
use opentelemetry::KeyValue;
use opentelemetry::trace::{Span as _, Tracer as _};
use test_peers::rotel::{Rotel, Verbosity};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const MIB: usize = 1024 * 1024;

fn emit(name: &str, payload: String) {
    let tracer = letta_telemetry::tracer().expect("tracing is on");
    tracer
        .span_builder(name.to_owned())
        .with_attributes([KeyValue::new("payload", payload)])
        .start(tracer)
        .end();
}

#[test]
fn spans_with_2_mib_attributes_reach_rotel_within_the_request_limit() -> TestResult {
    test_peers::own_process!(Ok(()));
    // rotel refuses gRPC messages over 4 MiB, its default (like the collector's).
    let rotel = Rotel::start_with(Verbosity::Basic, &[])?;
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.otlp.traces_endpoint = Some(rotel.grpc_endpoint());
    s.otlp.timeout = Duration::from_secs(10);
    s.limits.shutdown_timeout = Duration::from_secs(30);
    assert_eq!(s.limits.max_request_bytes, 4 * MIB);
    let guard = letta_telemetry::init(s)?;
    let n = 16;
    for i in 0..n {
        let c = char::from(b'a' + (i % 26) as u8);
        emit("big", c.to_string().repeat(2 * MIB));
    }
    // One span alone over the limit: cut down, never dropped.
    emit("huge", "é".repeat(3 * MIB));
    guard.shutdown();

    let received = rotel.wait_for_span_total(n + 1, Duration::from_secs(30));
    let st = stats().snapshot();
    assert_eq!(st.total_failures(), 0, "{st:?}\n{}", rotel.output());
    assert_eq!(st.spans_dropped(), 0, "{st:?}");
    assert_eq!(st.spans_exported, (n + 1) as u64, "{st:?}");
    assert_eq!(st.spans_truncated, 1, "{st:?}");
    assert!(st.largest_request_bytes <= (4 * MIB) as u64, "{st:?}");
    assert!(st.largest_request_bytes > (2 * MIB) as u64, "{st:?}");
    assert_eq!(received, n + 1, "{:?}", rotel.received_span_counts());
    Ok(())
}

#[test]
fn a_too_large_answer_splits_the_request_and_loses_nothing() -> TestResult {
    test_peers::own_process!(Ok(()));
    // The collector accepts only 1 MiB while our limit stays at 4 MiB, so the
    // first requests are refused (gRPC OutOfRange) and must be split.
    let rotel = Rotel::start_with(
        Verbosity::Basic,
        &["--otlp-grpc-max-recv-msg-size-mib", "1"],
    )?;
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.otlp.traces_endpoint = Some(rotel.grpc_endpoint());
    s.limits.schedule_delay = Duration::from_secs(30); // one batch, at shutdown
    s.limits.shutdown_timeout = Duration::from_secs(40);
    let guard = letta_telemetry::init(s)?;
    let n = 16;
    for _ in 0..n {
        emit("mid", "m".repeat(200 * 1024));
    }
    guard.shutdown();

    let received = rotel.wait_for_span_total(n, Duration::from_secs(20));
    let st = stats().snapshot();
    assert!(st.requests_split >= 1, "{st:?}");
    assert_eq!(st.total_failures(), 0, "{st:?}");
    assert_eq!(st.spans_exported, n as u64, "{st:?}");
    assert_eq!(received, n, "{:?}", rotel.received_span_counts());
    assert!(
        rotel.received_span_counts().iter().all(|&c| c <= 5),
        "{:?}",
        rotel.received_span_counts()
    );
    Ok(())
}

#[test]
fn with_the_collector_down_the_app_runs_memory_stays_bounded_and_shutdown_is_on_time() -> TestResult
{
    test_peers::own_process!(Ok(()));
    let port = test_peers::util::free_port()?;
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.otlp.traces_endpoint = Some(format!("http://127.0.0.1:{port}"));
    s.otlp.timeout = Duration::from_millis(500);
    s.limits.max_queue_bytes = 256 * 1024;
    s.limits.max_queue_spans = 100_000;
    s.limits.shutdown_timeout = Duration::from_secs(1);
    let max_queue_bytes = s.limits.max_queue_bytes as u64;
    let guard = letta_telemetry::init(s)?;

    let n = 5000u64;
    let mut largest_queue = 0;
    for i in 0..n {
        emit("lost", "q".repeat(4096));
        if i % 100 == 0 {
            let st = stats().snapshot();
            largest_queue = largest_queue.max(st.queue_bytes);
            assert!(st.queue_bytes <= max_queue_bytes, "{st:?}");
        }
    }
    let st = stats().snapshot();
    assert!(st.spans_dropped_queue_full > 0, "{st:?}");
    assert_eq!(st.spans_enqueued + st.spans_dropped_queue_full, n, "{st:?}");
    assert!(largest_queue > 0);

    let started = Instant::now();
    guard.shutdown();
    let took = started.elapsed();
    // The deadline is 1 s; allow scheduling noise on a busy machine.
    assert!(took < Duration::from_millis(2500), "shutdown took {took:?}");
    let st = stats().snapshot();
    assert_eq!(st.spans_exported, 0, "{st:?}");
    assert!(
        st.total_failures() > 0 || st.spans_dropped_export_failed > 0,
        "{st:?}"
    );
    Ok(())
}

#[test]
fn truncated_spans_carry_the_marker_attribute() -> TestResult {
    test_peers::own_process!(Ok(()));
    let rotel = Rotel::start()?;
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.otlp.traces_endpoint = Some(rotel.grpc_endpoint());
    s.limits.max_request_bytes = 64 * 1024;
    let guard = letta_telemetry::init(s)?;
    emit("cut", "z".repeat(200 * 1024));
    guard.shutdown();
    let spans = rotel.wait_for_spans(1, Duration::from_secs(15));
    let span = spans
        .iter()
        .find(|s| s.name == "cut")
        .ok_or_else(|| format!("not received: {}", rotel.output().len()))?;
    assert!(span.shows(&format!("-> {TRUNCATED_ATTRIBUTE}: Bool(true)")));
    let payload = span.str_attribute("payload").unwrap_or_default();
    assert!(payload.ends_with(letta_telemetry::testing::size::TRUNCATION_MARKER));
    assert!(
        payload.len() < 64 * 1024 && payload.len() > 32 * 1024,
        "{}",
        payload.len()
    );
    Ok(())
}
