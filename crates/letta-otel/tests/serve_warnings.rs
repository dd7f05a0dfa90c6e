//! `letta-otel serve` logs each settings warning once: `init` logs them, the
//! command does not repeat them.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A loopback port with nothing listening (bound, then released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// Kills the child on drop if it is still running.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.0.try_wait(), Ok(None)) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[test]
fn serve_logs_each_settings_warning_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_letta-otel"));
    command.args([
        "serve",
        "--port",
        &free_port().to_string(),
        "--drain-timeout",
        "2",
    ]);
    for name in [
        "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        "LETTA_TELEMETRY_ENABLE_DATADOG",
        "LETTA_PG_URI",
        "LETTA_LLM_ENDPOINT",
    ] {
        command.env_remove(name);
    }
    command
        .env("LETTA_DIR", dir.path())
        .env("LETTA_TELEMETRY_ENABLE_DATADOGG", "true")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = Running(command.spawn().expect("spawn letta-otel serve"));

    // Wait until it listens: the warnings are logged before that.
    let stdout = child.0.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("listening on") {
                let _ = tx.send(());
            }
        }
    });
    assert!(
        rx.recv_timeout(Duration::from_secs(60)).is_ok(),
        "serve did not start"
    );

    let pid = child.0.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM {pid}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while matches!(child.0.try_wait(), Ok(None)) {
        assert!(Instant::now() < deadline, "serve did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stderr = String::new();
    child
        .0
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");

    let warning = "LETTA_TELEMETRY_ENABLE_DATADOGG is ignored";
    assert_eq!(stderr.matches(warning).count(), 1, "{stderr}");
    let log =
        std::fs::read_to_string(dir.path().join("logs").join("Letta.log")).expect("Letta.log");
    assert_eq!(log.matches(warning).count(), 1, "{log}");
}
