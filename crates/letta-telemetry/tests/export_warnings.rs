//! Nothing is lost silently: spans lost to a failed export are reported in
//! one warning line (rate-limited), not only in the counters.

mod export_support;

use std::time::Duration;

use export_support::{emit_sample_span, settings};
use letta_telemetry::traces::stats;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn a_failed_export_is_reported_in_the_log() -> TestResult {
    test_peers::own_process!(Ok(()));
    let port = test_peers::util::free_port()?; // nothing listens there
    let dir = tempfile::tempdir()?;
    let mut s = settings(dir.path());
    s.otlp.traces_endpoint = Some(format!("http://127.0.0.1:{port}"));
    s.otlp.timeout = Duration::from_millis(300);
    s.limits.shutdown_timeout = Duration::from_secs(2);
    let guard = letta_telemetry::init(s)?;

    for _ in 0..3 {
        emit_sample_span();
    }
    guard.flush();
    let lost = stats().snapshot().spans_dropped_export_failed;
    assert_eq!(lost, 3, "{:?}", stats().snapshot());
    guard.shutdown();

    let log = std::fs::read_to_string(dir.path().join("logs").join("Letta.log"))?;
    let line = log
        .lines()
        .find(|l| l.contains("telemetry span export failed"))
        .ok_or_else(|| format!("no export-failure warning in Letta.log:\n{log}"))?;
    assert!(line.contains("WARNING"), "{line}");
    assert!(line.contains("lost=3"), "{line}");
    assert!(line.contains("reason=unavailable"), "{line}");
    Ok(())
}
