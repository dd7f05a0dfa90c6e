//! `letta-otel demo` end to end on a short workload: it exits 0, writes the
//! telemetry files under LETTA_DIR, and its summary agrees with them.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

/// Route → (count, errors) from the SERVER spans of an OTLP-JSON lines file.
fn server_spans_per_route(path: &std::path::Path) -> BTreeMap<String, (u64, u64)> {
    let text = std::fs::read_to_string(path).expect("traces.json");
    let mut routes = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let request: Value = serde_json::from_str(line).expect("each line is JSON");
        for rs in request["resourceSpans"].as_array().expect("resourceSpans") {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for span in ss["spans"].as_array().into_iter().flatten() {
                    if span["kind"] != 2 && span["kind"] != "SPAN_KIND_SERVER" {
                        continue;
                    }
                    let name = span["name"].as_str().expect("name").to_owned();
                    let error = span["status"]["code"] == 2
                        || span["status"]["code"] == "STATUS_CODE_ERROR";
                    let entry = routes.entry(name).or_insert((0, 0));
                    entry.0 += 1;
                    entry.1 += u64::from(error);
                }
            }
        }
    }
    routes
}

/// Route → (count, errors) from the demo's "Requests per route" table.
fn summary_per_route(stdout: &str) -> BTreeMap<String, (u64, u64)> {
    let mut routes = BTreeMap::new();
    let mut in_table = false;
    for line in stdout.lines() {
        if line.starts_with("Requests per route") {
            in_table = true;
            continue;
        }
        if !in_table {
            continue;
        }
        if line.trim().is_empty() {
            break;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first() == Some(&"ROUTE") || fields.len() < 9 {
            continue;
        }
        let n = fields.len();
        let count = fields[n - 7].parse().expect("count");
        let errors = fields[n - 6].parse().expect("errors");
        routes.insert(fields[..n - 7].join(" "), (count, errors));
    }
    routes
}

#[test]
fn demo_runs_and_its_summary_agrees_with_the_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .args([
            "demo",
            "--requests",
            "40",
            "--concurrency",
            "4",
            "--llm-latency-ms",
            "5",
            "--quiet",
        ])
        .env("LETTA_DIR", dir.path())
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("LETTA_OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        .output()
        .expect("run the demo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );

    let logs = dir.path().join("logs");
    let traces = logs.join("traces.json");
    assert!(traces.exists());
    assert!(logs.join("metrics.json").exists());
    // The server's log lines go to Letta.log, not between the summary lines.
    assert!(!stderr.contains("request failed"), "{stderr}");
    let log = std::fs::read_to_string(logs.join("Letta.log")).expect("Letta.log");
    assert!(log.contains("request failed"), "{log}");

    let from_files = server_spans_per_route(&traces);
    let from_summary = summary_per_route(&stdout);
    assert!(!from_summary.is_empty(), "{stdout}");
    assert_eq!(from_summary, from_files, "{stdout}");

    // The mix has failing requests (unknown agent, malformed JSON, provider
    // error) on the message route, and the other message routes were used.
    let messages = from_files
        .get("POST /v1/agents/{agent_id}/messages")
        .expect("message route");
    assert!(messages.1 >= 3, "{messages:?}");
    assert!(from_files.contains_key("POST /v1/agents/{agent_id}/messages/stream"));
    assert!(from_files.contains_key("POST /v1/agents/{agent_id}/messages/async"));

    assert!(stdout.contains("spans dropped 0"), "{stdout}");
    assert!(stdout.contains("letta-offline-1"), "{stdout}");
    assert!(stdout.contains("always_fails"), "{stdout}");
    assert!(stdout.contains(&traces.display().to_string()), "{stdout}");

    // The printed command shows the slowest trace.
    let command = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("letta-otel traces show "))
        .expect("slowest trace command");
    let trace_id = command.split_whitespace().nth(3).expect("trace id");
    let show = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .args(["traces", "show", trace_id, "--file"])
        .arg(&traces)
        .output()
        .expect("traces show");
    assert!(show.status.success());
    let tree = String::from_utf8_lossy(&show.stdout);
    assert!(tree.contains(trace_id), "{tree}");
    assert!(
        tree.contains("agent_step") || tree.contains("POST /v1/agents"),
        "{tree}"
    );
}
