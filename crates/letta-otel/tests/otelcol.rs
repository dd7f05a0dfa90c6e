//! The configurations of `otel/` on the real OpenTelemetry Collector (built
//! by `scripts/install-peers` from `otel/collector/manifest.yaml`):
//! `otelcol validate` accepts every file, the reference server's traces go
//! through the file configurations into files that `letta-otel traces`
//! reads, and the server's log lines arrive through the file log receiver.
//! Request limits are in `otelcol_limits.rs`.
//! Collectors started by these tests listen on free loopback ports: each
//! configuration is run with only its listen addresses changed. The start
//! script's collectors are in `otelcol_start_script.rs`.

mod faults_support;
mod otelcol_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use faults_support::{create_agent, read, runtime, start};
use otelcol_support::*;
use serde_json::{Value as Json, json};
use test_peers::Otelcol;
use yaml_serde::{Mapping, Value};

#[test]
fn every_configuration_validates_on_the_real_collector() -> TestResult {
    let home = tempfile::tempdir()?;
    let env = documented_env(home.path());
    for config in configs() {
        let name = config
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let output = Otelcol::validate(&config, &env_refs(&env))?;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let mut doc = load(&config);
        let removed = without_datadog(&mut doc);
        if removed.is_empty() {
            assert!(output.status.success(), "{name}: {stderr}");
            continue;
        }
        // Only the Datadog components, which this collector lacks, are
        // refused; the rest of the file is validated without them.
        assert!(!output.status.success(), "{name}");
        for line in stderr.lines().filter(|l| l.contains("unknown type")) {
            assert!(line.contains("unknown type: \"datadog\""), "{name}: {line}");
        }
        let variant = home.path().join(&name);
        write(&doc, &variant);
        let output = Otelcol::validate(&variant, &env_refs(&env))?;
        assert!(
            output.status.success(),
            "{name} without {removed:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// The trace ids `letta-otel traces list --file` shows.
fn listed(file: &Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .args(["traces", "list", "--file"])
        .arg(file)
        .output()
        .expect("traces list");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn server_path_through(config: &str, traces_file: impl Fn(&Path) -> PathBuf) -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut doc = load(&otel_dir().join(config));
    let (grpc, http) = on_free_ports(&mut doc);
    let local = dir.path().join(config);
    write(&doc, &local);
    let env = documented_env(dir.path());
    let file = traces_file(dir.path());
    let mut collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http])?;

    let rt = runtime();
    // A secured configuration takes TLS and the token; a -dev one plaintext.
    let (scheme, mut vars) = if is_secured(&otel_dir().join(config)) {
        ("https", client_env(dir.path()))
    } else {
        ("http", Vec::new())
    };
    vars.push((
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        format!("{scheme}://127.0.0.1:{grpc}"),
    ));
    let mut serve = start(&rt, dir.path(), &env_refs(&vars), None);
    let base = serve.base.clone();
    let trace_ids: Vec<String> = rt.block_on(async {
        let client = reqwest::Client::new();
        let mut ids = Vec::new();
        for i in 0..3 {
            let r = client
                .post(format!("{base}/v1/agents"))
                .json(&json!({"name": format!("collector {i}")}))
                .send()
                .await
                .expect("create");
            assert_eq!(r.status(), 201);
            ids.push(
                r.headers()
                    .get("x-trace-id")
                    .and_then(|v| v.to_str().ok())
                    .expect("x-trace-id")
                    .to_ascii_lowercase(),
            );
        }
        ids
    });
    let (code, _) = serve.terminate(Duration::from_secs(30));
    assert_eq!(code, Some(0), "{}", serve.stderr());
    // The file exporter writes what the batch processor hands it (1 s).
    let deadline = Instant::now() + Duration::from_secs(15);
    while !trace_ids.iter().all(|id| read(&file).contains(id.as_str())) {
        assert!(
            Instant::now() < deadline,
            "{} never held the server's traces; collector output:\n{}",
            file.display(),
            collector.output()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    collector.terminate(Duration::from_secs(10));

    let list = listed(&file);
    for id in &trace_ids {
        assert!(list.contains(id.as_str()), "{id} not in:\n{list}");
    }
    let show = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .args(["traces", "show", &trace_ids[0], "--file"])
        .arg(&file)
        .output()?;
    assert!(show.status.success(), "{show:?}");
    assert!(String::from_utf8_lossy(&show.stdout).contains("POST /v1/agents"));
    let stats = Command::new(env!("CARGO_BIN_EXE_letta-otel"))
        .args(["traces", "stats", "--file"])
        .arg(&file)
        .output()?;
    assert!(stats.status.success(), "{stats:?}");
    assert!(String::from_utf8_lossy(&stats.stdout).contains("POST /v1/agents"));
    Ok(())
}

#[test]
fn the_server_s_traces_go_through_the_file_configuration_to_letta_otel_traces() -> TestResult {
    server_path_through("otel-collector-config-file.yaml", |dir| {
        dir.join("traces.json")
    })
}

#[test]
fn the_server_s_traces_go_through_the_dev_file_configuration_to_letta_otel_traces() -> TestResult {
    server_path_through("otel-collector-config-file-dev.yaml", |home| {
        // start-otel-collector.sh creates this directory before it starts
        // the dev configurations: the file exporter does not.
        let logs = home.join(".letta").join("logs");
        std::fs::create_dir_all(&logs).expect("logs dir");
        logs.join("traces.json")
    })
}

#[test]
fn the_server_s_json_log_lines_arrive_through_the_file_log_receiver() -> TestResult {
    let dir = tempfile::tempdir()?;
    // The production ClickHouse configuration, its ClickHouse exporter
    // swapped for a local file so that what arrives can be read.
    let mut doc = load(&otel_dir().join("otel-collector-config-clickhouse.yaml"));
    let (grpc, http) = on_free_ports(&mut doc);
    let out = dir.path().join("collected.json");
    let mut file = Mapping::new();
    file.insert("path".into(), out.display().to_string().into());
    let exporters = mapping(&mut doc, "exporters").expect("exporters");
    exporters.remove("clickhouse");
    exporters.insert("file".into(), Value::Mapping(file));
    for pipeline in ["traces", "metrics", "logs"] {
        doc["service"]["pipelines"][pipeline]["exporters"] = Value::Sequence(vec!["file".into()]);
    }
    let local = dir.path().join("clickhouse-local.yaml");
    write(&doc, &local);

    let log = dir.path().join("letta").join("logs").join("Letta.log");
    std::fs::create_dir_all(log.parent().expect("logs dir"))?;
    std::fs::write(&log, b"")?;
    let mut env = documented_env(dir.path());
    env.push(("LETTA_LOG_FILE", log.display().to_string()));
    env.push(("LETTA_ENVIRONMENT", "collector-test".into()));
    let collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http])?;

    let rt = runtime();
    let mut serve = start(
        &rt,
        dir.path(),
        &[("LETTA_LOGGING_JSON_LOGGING", "true")],
        None,
    );
    // The receiver reads what is written after it starts watching: a tool
    // failure logs a WARNING line.
    let base = serve.base.clone();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let id = create_agent(&client, &base, "logs").await;
        client
            .post(format!("{base}/v1/agents/{id}/messages"))
            .json(&json!({"messages": [{"role": "user", "content": "use the broken tool"}]}))
            .send()
            .await
            .expect("message");
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = read(&out);
        if text.contains("tool failed") {
            let line = text
                .lines()
                .find(|l| l.contains("tool failed"))
                .unwrap_or_default();
            let request: Json = serde_json::from_str(line)?;
            // One request may carry several lines, resources and scopes: find
            // the tool's record and the resource it came with.
            let empty = Vec::new();
            let (resource, record) = request["resourceLogs"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .flat_map(|rl| {
                    rl["scopeLogs"]
                        .as_array()
                        .unwrap_or(&empty)
                        .iter()
                        .flat_map(|sl| sl["logRecords"].as_array().unwrap_or(&empty).iter())
                        .map(move |r| (&rl["resource"], r))
                })
                .find(|(_, r)| r.to_string().contains("tool failed"))
                .ok_or("no tool-failure record")?;
            assert!(record.to_string().contains("WARNING"), "{record}");
            assert!(
                resource.to_string().contains("collector-test"),
                "the resource processor ran: {resource}"
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no log line arrived in {}:\n{}\nthe log:\n{}",
            out.display(),
            collector.output(),
            read(&log)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    serve.terminate(Duration::from_secs(30));
    Ok(())
}
