//! `otel/start-otel-collector.sh` with the real OpenTelemetry Collector
//! (built by `scripts/install-peers`): it picks `file-dev` and its collector
//! accepts OTLP, and it picks `clickhouse-dev` when the ClickHouse variables
//! are set. Collectors listen on free loopback ports.

mod faults_support;
mod otelcol_support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use faults_support::read;
use otelcol_support::{TestResult, otel_dir};
use test_peers::Otelcol;
use test_peers::util::wait_for_port;

#[test]
fn the_start_script_picks_file_dev_and_its_collector_accepts_otlp() -> TestResult {
    let home = tempfile::tempdir()?;
    let mut script = Command::new(otel_dir().join("start-otel-collector.sh"))
        .env("OTELCOL_BIN", Otelcol::binary()?)
        .env("HOME", home.path())
        .env_remove("CLICKHOUSE_ENDPOINT")
        .env_remove("CLICKHOUSE_PASSWORD")
        .env_remove("OTEL_COLLECTOR_CONFIG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // file-dev listens on its documented ports.
    let ready = wait_for_port(4317, Duration::from_secs(30));
    let cmdline = read(Path::new(&format!("/proc/{}/cmdline", script.id())));
    let doctor = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .arg("doctor")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
        .env("LETTA_DIR", home.path().join("letta"))
        .output()?;
    let _ = Command::new("kill")
        .args(["-TERM", &script.id().to_string()])
        .status();
    let _ = script.wait();
    ready?;
    assert!(
        cmdline.contains("otel-collector-config-file-dev.yaml"),
        "{cmdline}"
    );
    let doctor_out = String::from_utf8_lossy(&doctor.stdout);
    assert!(
        doctor.status.success(),
        "{doctor_out}\n{}",
        String::from_utf8_lossy(&doctor.stderr)
    );
    let traces = home.path().join(".letta").join("logs").join("traces.json");
    assert!(
        !read(&traces).is_empty(),
        "doctor's test span reached {}",
        traces.display()
    );
    Ok(())
}

#[test]
fn the_start_script_picks_clickhouse_dev_when_its_variables_are_set() -> TestResult {
    let home = tempfile::tempdir()?;
    let closed = test_peers::util::free_port()?;
    // Nothing listens on the ClickHouse port: the collector the script
    // starts is the ClickHouse one, and says it cannot reach it.
    let output = Command::new(otel_dir().join("start-otel-collector.sh"))
        .env("OTELCOL_BIN", Otelcol::binary()?)
        .env("HOME", home.path())
        .env("CLICKHOUSE_ENDPOINT", format!("http://127.0.0.1:{closed}"))
        .env("CLICKHOUSE_PASSWORD", "CANARY-CH-PASSWORD")
        .env_remove("OTEL_COLLECTOR_CONFIG")
        .output()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("with otel-collector-config-clickhouse-dev.yaml (clickhouse-dev)"),
        "{stderr}"
    );
    assert!(!output.status.success(), "ClickHouse is unreachable");
    assert!(stderr.contains("clickhouse"), "{stderr}");
    assert!(
        !stderr.contains("CANARY-CH-PASSWORD"),
        "the password is never printed"
    );
    Ok(())
}
