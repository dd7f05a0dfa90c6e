//! `letta-otel serve` as a process: it listens on the given port, answers,
//! and on SIGTERM drains, flushes telemetry and exits 0 within a deadline;
//! the spans of the requests it served are in `traces.json` (flushed at
//! shutdown: the batch delay is set far beyond the test). The route regex
//! lists come from the environment.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A loopback port with nothing listening (bound, then released).
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// `letta-otel serve` as a child process, killed on drop if still running.
struct Serve {
    child: Child,
    base: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn command(letta_dir: &Path, port: u16, vars: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_letta-otel"));
    command.args(["serve", "--port", &port.to_string(), "--drain-timeout", "5"]);
    for name in [
        "LETTA_OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
        "OTEL_SDK_DISABLED",
        "LETTA_TELEMETRY_DISABLE_TRACING",
        "LETTA_TELEMETRY_ENABLE_DATADOG",
        "LETTA_PG_URI",
        "LETTA_LLM_ENDPOINT",
        "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX",
        "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX",
    ] {
        command.env_remove(name);
    }
    command
        .env("LETTA_DIR", letta_dir)
        // Nothing is exported before shutdown: the spans and metrics in the
        // files can only come from the flush on SIGTERM.
        .env("OTEL_BSP_SCHEDULE_DELAY", "600000")
        .env("OTEL_METRIC_EXPORT_INTERVAL", "600000");
    for (name, value) in vars {
        command.env(name, value);
    }
    command
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Starts `serve` and waits until `/v1/health` answers 200.
fn start(rt: &tokio::runtime::Runtime, letta_dir: &Path, vars: &[(&str, &str)]) -> Serve {
    let port = free_port();
    let child = command(letta_dir, port, vars)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn letta-otel serve");
    let mut serve = Serve {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = serve.child.try_wait() {
            panic!("letta-otel serve exited early: {status}");
        }
        let health = rt.block_on(client.get(format!("{}/v1/health", serve.base)).send());
        if health.is_ok_and(|r| r.status() == 200) {
            return serve;
        }
        assert!(Instant::now() < deadline, "serve did not answer in 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Sends SIGTERM and waits (up to `deadline`) for the exit status.
fn terminate(serve: &mut Serve, deadline: Duration) -> ExitStatus {
    let pid = serve.child.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -TERM {pid}");
    let until = Instant::now() + deadline;
    loop {
        if let Some(status) = serve.child.try_wait().expect("try_wait") {
            return status;
        }
        assert!(
            Instant::now() < until,
            "serve did not exit within {deadline:?} of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A request: its status, its `x-trace-id` header and its JSON body.
fn call(
    rt: &tokio::runtime::Runtime,
    request: reqwest::RequestBuilder,
) -> (u16, Option<String>, Value) {
    rt.block_on(async {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let trace_id = response
            .headers()
            .get("x-trace-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase);
        let body = response.json().await.unwrap_or(Value::Null);
        (status, trace_id, body)
    })
}

/// (trace id, name) of the SERVER spans of an OTLP-JSON lines file.
fn server_spans(path: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} not readable: {e}", path.display()));
    let mut spans = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let request: Value = serde_json::from_str(line).expect("each line is JSON");
        for rs in request["resourceSpans"].as_array().into_iter().flatten() {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for span in ss["spans"].as_array().into_iter().flatten() {
                    if span["kind"] == 2 || span["kind"] == "SPAN_KIND_SERVER" {
                        spans.push((
                            span["traceId"].as_str().unwrap_or_default().to_owned(),
                            span["name"].as_str().unwrap_or_default().to_owned(),
                        ));
                    }
                }
            }
        }
    }
    spans
}

/// `endpoint_path` of every `count_endpoint_requests` point of metrics.json.
fn metered_paths(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{} not readable: {e}", path.display()));
    let mut paths = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let request: Value = serde_json::from_str(line).expect("each line is JSON");
        for rm in request["resourceMetrics"].as_array().into_iter().flatten() {
            for sm in rm["scopeMetrics"].as_array().into_iter().flatten() {
                for metric in sm["metrics"].as_array().into_iter().flatten() {
                    if metric["name"] != "count_endpoint_requests" {
                        continue;
                    }
                    for point in metric["sum"]["dataPoints"].as_array().into_iter().flatten() {
                        for attribute in point["attributes"].as_array().into_iter().flatten() {
                            if attribute["key"] == "endpoint_path" {
                                let value = &attribute["value"]["stringValue"];
                                paths.push(value.as_str().unwrap_or_default().to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    paths
}

#[test]
fn serve_drains_on_sigterm_exits_0_and_flushes_the_spans_of_its_requests() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = runtime();
    let mut serve = start(&rt, dir.path(), &[]);
    let client = reqwest::Client::new();
    let base = serve.base.clone();

    let (status, create_trace, agent) = call(
        &rt,
        client
            .post(format!("{base}/v1/agents"))
            .json(&json!({"name": "serve test"})),
    );
    assert_eq!(status, 201, "{agent}");
    let agent_id = agent["id"].as_str().expect("agent id").to_owned();
    let (status, message_trace, reply) = call(
        &rt,
        client
            .post(format!("{base}/v1/agents/{agent_id}/messages"))
            .json(&json!({"messages": [{"role": "user", "content": "please add 2 and 3"}]})),
    );
    assert_eq!(status, 200, "{reply}");
    let (status, list_trace, _) = call(&rt, client.get(format!("{base}/v1/agents")));
    assert_eq!(status, 200);

    let exit = terminate(&mut serve, Duration::from_secs(20));
    assert_eq!(exit.code(), Some(0), "{exit}");

    let spans = server_spans(&dir.path().join("logs").join("traces.json"));
    for (trace, name) in [
        (create_trace, "POST /v1/agents"),
        (message_trace, "POST /v1/agents/{agent_id}/messages"),
        (list_trace, "GET /v1/agents"),
    ] {
        let trace = trace.unwrap_or_else(|| panic!("no x-trace-id on {name}"));
        assert!(
            spans.contains(&(trace.clone(), name.to_owned())),
            "no SERVER span {name} in trace {trace}: {spans:?}"
        );
    }
    // Health checks are excluded from tracing by default.
    assert!(
        !spans.iter().any(|(_, n)| n == "GET /v1/health"),
        "{spans:?}"
    );
}

#[test]
fn serve_reads_the_route_regex_lists_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = runtime();
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            (
                "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX",
                "^GET /v1/agents$",
            ),
            (
                "LETTA_TELEMETRY_METRICS_ENDPOINTS_REGEX",
                "^POST /v1/agents$",
            ),
        ],
    );
    let client = reqwest::Client::new();
    let base = serve.base.clone();
    let (status, _, agent) = call(
        &rt,
        client
            .post(format!("{base}/v1/agents"))
            .json(&json!({"name": "regex test"})),
    );
    assert_eq!(status, 201);
    let agent_id = agent["id"].as_str().expect("agent id").to_owned();
    let (status, _, _) = call(
        &rt,
        client
            .post(format!("{base}/v1/agents/{agent_id}/messages"))
            .json(&json!({"messages": [{"role": "user", "content": "hello"}]})),
    );
    assert_eq!(status, 200);
    let (status, _, _) = call(&rt, client.get(format!("{base}/v1/agents")));
    assert_eq!(status, 200);

    let exit = terminate(&mut serve, Duration::from_secs(20));
    assert_eq!(exit.code(), Some(0), "{exit}");

    let logs = dir.path().join("logs");
    let names: Vec<String> = server_spans(&logs.join("traces.json"))
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    // The list replaced the default: health is traced, GET /v1/agents is not.
    assert!(names.iter().any(|n| n == "GET /v1/health"), "{names:?}");
    assert!(!names.iter().any(|n| n == "GET /v1/agents"), "{names:?}");
    assert!(
        names
            .iter()
            .any(|n| n == "POST /v1/agents/{agent_id}/messages"),
        "{names:?}"
    );
    // Endpoint metrics only for the configured route.
    let metered = metered_paths(&logs.join("metrics.json"));
    assert!(metered.iter().any(|p| p == "/v1/agents"), "{metered:?}");
    assert!(metered.iter().all(|p| p == "/v1/agents"), "{metered:?}");
}

#[test]
fn serve_refuses_an_invalid_route_regex_naming_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = command(
        dir.path(),
        free_port(),
        &[(
            "LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX",
            "^GET /v1/(health",
        )],
    )
    .output()
    .expect("run serve");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("LETTA_TELEMETRY_EXCLUDED_ENDPOINTS_REGEX=\"^GET /v1/(health\""),
        "{stderr}"
    );
    assert!(stderr.contains("not a valid regex"), "{stderr}");
}

#[test]
fn json_log_lines_carry_the_step_context_and_the_exception() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = runtime();
    let mut serve = start(&rt, dir.path(), &[("LETTA_LOGGING_JSON_LOGGING", "true")]);
    let client = reqwest::Client::new();
    let base = serve.base.clone();

    let (status, _, agent) = call(
        &rt,
        client
            .post(format!("{base}/v1/agents"))
            .json(&json!({"name": "logs"})),
    );
    assert_eq!(status, 201, "{agent}");
    let agent_id = agent["id"].as_str().expect("agent id").to_owned();
    let (status, trace_id, _) = call(
        &rt,
        client
            .post(format!("{base}/v1/agents/{agent_id}/messages"))
            .json(&json!({"messages": [{"role": "user", "content": "use the broken tool"}]})),
    );
    assert_eq!(status, 200);
    let trace_id = trace_id.expect("x-trace-id header");
    assert!(terminate(&mut serve, Duration::from_secs(20)).success());

    let log =
        std::fs::read_to_string(dir.path().join("logs").join("Letta.log")).expect("Letta.log");
    let line: Value = log
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["message"] == "tool failed")
        .unwrap_or_else(|| panic!("no `tool failed` JSON line in:\n{log}"));
    assert_eq!(line["agent_id"], agent_id.as_str(), "{line}");
    assert!(
        line["step_id"]
            .as_str()
            .is_some_and(|s| s.starts_with("step-")),
        "{line}"
    );
    assert_eq!(line["trace_id"], trace_id.as_str(), "{line}");
    assert!(
        line["exception"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("always fails")),
        "{line}"
    );
}
