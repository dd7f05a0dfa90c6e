//! Shared by the fault suite (`faults_*.rs`): `letta-otel serve` as a child
//! process with its output in files, a workload, SIGTERM with a stop clock,
//! peak memory, and the exit accounting line it prints.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Every variable that could point the child elsewhere than the test says.
const CLEARED: [&str; 18] = [
    "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_HEADERS",
    "OTEL_SDK_DISABLED",
    "LETTA_TELEMETRY_DISABLE_TRACING",
    "LETTA_TELEMETRY_ENABLE_DATADOG",
    "LETTA_PG_URI",
    "LETTA_LLM_ENDPOINT",
    "LETTA_LLM_API_KEY",
    "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX",
    "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX",
    "LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS",
    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
    "LETTA_TELEMETRY_GENAI_CAPTURE_MESSAGE_CONTENT",
];

/// `letta-otel serve`, killed on drop if still running.
pub struct Serve {
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
}

impl Drop for Serve {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn free_port() -> u16 {
    test_peers::util::free_port().expect("free port")
}

/// The `serve` command with a clean environment, `LETTA_DIR=<dir>/letta`
/// and `vars`; `wrap` runs it under `bash -c` (e.g. with `ulimit`).
pub fn command(dir: &Path, port: u16, vars: &[(&str, &str)], wrap: Option<&str>) -> Command {
    let bin = env!("CARGO_BIN_EXE_letta-otel");
    let args = ["serve", "--port", &port.to_string(), "--drain-timeout", "5"];
    let mut command = match wrap {
        Some(prefix) => {
            let mut c = Command::new("bash");
            c.arg("-c")
                .arg(format!("{prefix}; exec \"$0\" \"$@\""))
                .arg(bin)
                .args(args);
            c
        }
        None => {
            let mut c = Command::new(bin);
            c.args(args);
            c
        }
    };
    for name in CLEARED {
        command.env_remove(name);
    }
    command.env("LETTA_DIR", dir.join("letta"));
    for (name, value) in vars {
        command.env(name, value);
    }
    command
}

/// Starts `serve` (stdout and stderr to files under `dir`) and waits until
/// `/v1/health` answers.
pub fn start(
    rt: &tokio::runtime::Runtime,
    dir: &Path,
    vars: &[(&str, &str)],
    wrap: Option<&str>,
) -> Serve {
    let port = free_port();
    let stdout = std::fs::File::create(dir.join("stdout.txt")).expect("stdout file");
    let stderr = std::fs::File::create(dir.join("stderr.txt")).expect("stderr file");
    let child = command(dir, port, vars, wrap)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .expect("spawn letta-otel serve");
    let mut serve = Serve {
        child,
        base: format!("http://127.0.0.1:{port}"),
        dir: dir.to_owned(),
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = serve.child.try_wait() {
            panic!(
                "letta-otel serve exited early: {status}\n{}",
                read(&dir.join("stderr.txt"))
            );
        }
        let health = rt.block_on(client.get(format!("{}/v1/health", serve.base)).send());
        if health.is_ok_and(|r| r.status() == 200) {
            return serve;
        }
        assert!(Instant::now() < deadline, "serve did not answer in 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn read(path: &Path) -> String {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

impl Serve {
    pub fn stdout(&self) -> String {
        read(&self.dir.join("stdout.txt"))
    }

    pub fn stderr(&self) -> String {
        read(&self.dir.join("stderr.txt"))
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.dir.join("letta").join("logs")
    }

    /// Peak resident memory of the process so far, in KiB (`VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = read(Path::new(&format!("/proc/{}/status", self.child.id())));
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }

    /// Sends SIGTERM; returns the exit code and the time to exit.
    pub fn terminate(&mut self, limit: Duration) -> (Option<i32>, Duration) {
        let pid = self.child.id().to_string();
        let sent = Instant::now();
        let ok = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("run kill");
        assert!(ok.success(), "kill -TERM {pid}");
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return (status.code(), sent.elapsed());
            }
            assert!(
                sent.elapsed() < limit,
                "serve did not exit within {limit:?} of SIGTERM\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// How a scenario's `serve` stopped.
pub struct Stopped {
    /// The accounting line it printed.
    pub accounting: Accounting,
    /// SIGTERM to exit.
    pub took: Duration,
    /// Its stderr.
    pub stderr: String,
}

impl Serve {
    /// The end of every fault scenario: SIGTERM, exit 0, every span
    /// accounted for, no panic, and the scenario's `FIGURES` row.
    pub fn stop_and_account(
        &mut self,
        scenario: &str,
        requests: usize,
        deadline_ms: u64,
    ) -> Stopped {
        let rss = self.peak_rss_kib();
        let (code, took) = self.terminate(Duration::from_secs(30));
        let (stdout, stderr) = (self.stdout(), self.stderr());
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        let accounting = Accounting::parse(&stdout);
        accounting.assert_balanced();
        assert_no_panic(&stderr);
        figures(scenario, requests, &accounting, took, deadline_ms, rss);
        Stopped {
            accounting,
            took,
            stderr,
        }
    }
}

/// What `serve` printed about its spans at exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accounting {
    pub stop_ms: u64,
    pub ended: u64,
    pub exported: u64,
    pub lost: u64,
    pub pending: u64,
}

impl Accounting {
    /// Parses `telemetry stopped in N ms: spans: E ended, X exported, L lost
    /// (…), P pending`.
    pub fn parse(stdout: &str) -> Self {
        let line = stdout
            .lines()
            .find(|l| l.starts_with("telemetry stopped in "))
            .unwrap_or_else(|| panic!("no accounting line in:\n{stdout}"));
        let number_before = |word: &str| -> u64 {
            let i = line
                .find(word)
                .unwrap_or_else(|| panic!("no {word:?} in {line}"));
            line[..i]
                .trim_end()
                .rsplit([' ', '(', ','])
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("no number before {word:?} in {line}"))
        };
        Self {
            stop_ms: number_before(" ms:"),
            ended: number_before(" ended"),
            exported: number_before(" exported"),
            lost: number_before(" lost"),
            pending: number_before(" pending"),
        }
    }

    /// Every span that ended is exported or counted as lost.
    pub fn assert_balanced(&self) {
        assert_eq!(self.pending, 0, "{self:?}");
        assert_eq!(self.ended, self.exported + self.lost, "{self:?}");
        assert!(self.ended > 0, "{self:?}");
    }
}

/// Creates an agent named `name`; returns its id.
pub async fn create_agent(client: &reqwest::Client, base: &str, name: &str) -> String {
    let agent: Value = client
        .post(format!("{base}/v1/agents"))
        .json(&json!({ "name": name }))
        .send()
        .await
        .expect("create agent")
        .json()
        .await
        .expect("agent json");
    agent["id"].as_str().expect("agent id").to_owned()
}

/// A workload: one agent, then `n` requests alternating a read and a
/// message. Returns how many answered 2xx.
pub fn load(rt: &tokio::runtime::Runtime, base: &str, n: usize) -> usize {
    rt.block_on(async {
        let client = reqwest::Client::new();
        let id = create_agent(&client, base, "faults").await;
        let mut ok = 0;
        for i in 0..n {
            let request = if i % 2 == 0 {
                client.get(format!("{base}/v1/agents/{id}"))
            } else {
                client
                    .post(format!("{base}/v1/agents/{id}/messages"))
                    .json(&json!({"messages": [{"role": "user", "content": "add 2 and 3"}]}))
            };
            if request.send().await.is_ok_and(|r| r.status().is_success()) {
                ok += 1;
            }
        }
        ok
    })
}

/// One row of the figures table of `docs/reliability.md`, printed for
/// `cargo nextest run --no-capture`.
pub fn figures(
    scenario: &str,
    requests: usize,
    a: &Accounting,
    stop: Duration,
    deadline_ms: u64,
    rss_kib: u64,
) {
    println!(
        "FIGURES | {scenario} | {requests} requests | {} ended / {} exported / {} lost | stop {} ms (telemetry {} ms, deadline {deadline_ms} ms) | peak RSS {:.1} MiB |",
        a.ended,
        a.exported,
        a.lost,
        stop.as_millis(),
        a.stop_ms,
        rss_kib as f64 / 1024.0
    );
}

/// No panic message in a process's stderr.
pub fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}
