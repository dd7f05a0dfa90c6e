//! The configurations of `otel/` on the real OpenTelemetry Collector (built
//! by `scripts/install-peers` from `otel/collector/manifest.yaml`):
//! `otelcol validate` accepts every file, the reference server's traces go
//! through the file configurations into files that `letta-otel traces`
//! reads, the server's log lines arrive through the file log receiver, the
//! start script's collector accepts OTLP, and the receivers take a 5 MiB
//! request. Collectors started by these tests listen on free loopback ports:
//! each configuration is run with only its listen addresses changed.

mod faults_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use faults_support::{create_agent, read, runtime, start};
use serde_json::{Value as Json, json};
use test_peers::Otelcol;
use test_peers::util::{free_ports, wait_for_port};
use yaml_serde::{Mapping, Value};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn otel_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../otel")
}

fn configs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(otel_dir())
        .expect("otel/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The environment `otel/README.md` documents, with values for a test.
fn documented_env(home: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("HOME", home.display().to_string()),
        ("CLICKHOUSE_ENDPOINT", "tcp://127.0.0.1:9000".into()),
        ("CLICKHOUSE_PASSWORD", "test-password".into()),
        ("CLICKHOUSE_CLUSTER", "test_cluster".into()),
        ("DD_API_KEY", "test-key".into()),
        ("SIGNOZ_ENDPOINT", "127.0.0.1:4317".into()),
        ("SIGNOZ_INGESTION_KEY", "test-key".into()),
        (
            "LETTA_TRACES_FILE",
            home.join("traces.json").display().to_string(),
        ),
    ]
}

fn env_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn load(path: &Path) -> Value {
    yaml_serde::from_str(&std::fs::read_to_string(path).expect("read")).expect("yaml")
}

fn write(doc: &Value, path: &Path) {
    std::fs::write(path, yaml_serde::to_string(doc).expect("yaml")).expect("write");
}

fn mapping<'a>(doc: &'a mut Value, key: &str) -> Option<&'a mut Mapping> {
    doc.get_mut(key).and_then(Value::as_mapping_mut)
}

/// The component ids of kind `datadog` (`datadog`, `datadog/connector`).
fn is_datadog(id: &str) -> bool {
    id == "datadog" || id.starts_with("datadog/")
}

/// `doc` without its Datadog exporter and connector (not buildable here:
/// see otel/README.md); a pipeline left without exporters gets `debug`, and
/// one left without receivers is removed. Returns the ids removed.
fn without_datadog(doc: &mut Value) -> Vec<String> {
    let mut removed = Vec::new();
    for section in ["exporters", "connectors"] {
        if let Some(m) = mapping(doc, section) {
            let ids: Vec<Value> = m
                .keys()
                .filter(|k| k.as_str().is_some_and(is_datadog))
                .cloned()
                .collect();
            for id in ids {
                removed.push(id.as_str().unwrap_or_default().to_owned());
                m.remove(&id);
            }
        }
    }
    if removed.is_empty() {
        return removed;
    }
    let exporters = doc
        .get_mut("exporters")
        .and_then(Value::as_mapping_mut)
        .expect("exporters");
    exporters.insert("debug".into(), Value::Mapping(Mapping::new()));
    if let Some(pipelines) = doc
        .get_mut("service")
        .and_then(|s| s.get_mut("pipelines"))
        .and_then(Value::as_mapping_mut)
    {
        let names: Vec<Value> = pipelines.keys().cloned().collect();
        for name in names {
            let pipeline = pipelines.get_mut(&name).expect("pipeline");
            for list in ["receivers", "exporters"] {
                if let Some(seq) = pipeline.get_mut(list).and_then(Value::as_sequence_mut) {
                    seq.retain(|v| !v.as_str().is_some_and(is_datadog));
                }
            }
            let empty = |list: &str| {
                pipeline
                    .get(list)
                    .and_then(Value::as_sequence)
                    .is_none_or(|s| s.is_empty())
            };
            if empty("receivers") {
                pipelines.remove(&name);
            } else if empty("exporters") {
                pipeline["exporters"] = Value::Sequence(vec!["debug".into()]);
            }
        }
    }
    removed
}

/// `doc` listening on free loopback ports: the OTLP receiver's gRPC and HTTP
/// endpoints (returned), the extensions' endpoints, and no self-metrics
/// server. Nothing else changes.
fn on_free_ports(doc: &mut Value) -> (u16, u16) {
    let ports = free_ports(5).expect("ports");
    if let Some(protocols) = doc
        .get_mut("receivers")
        .and_then(|r| r.get_mut("otlp"))
        .and_then(|o| o.get_mut("protocols"))
    {
        protocols["grpc"]["endpoint"] = format!("127.0.0.1:{}", ports[0]).into();
        protocols["http"]["endpoint"] = format!("127.0.0.1:{}", ports[1]).into();
    }
    if let Some(extensions) = mapping(doc, "extensions") {
        for (i, (_, ext)) in extensions.iter_mut().enumerate() {
            if ext.get("endpoint").is_some() {
                ext["endpoint"] = format!("127.0.0.1:{}", ports[2 + i.min(2)]).into();
            }
        }
    }
    if let Some(service) = doc.get_mut("service").and_then(Value::as_mapping_mut) {
        let mut telemetry = Mapping::new();
        let mut metrics = Mapping::new();
        metrics.insert("level".into(), "none".into());
        telemetry.insert("metrics".into(), Value::Mapping(metrics));
        service.insert("telemetry".into(), Value::Mapping(telemetry));
    }
    (ports[0], ports[1])
}

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
    let endpoint = format!("http://127.0.0.1:{grpc}");
    let mut serve = start(
        &rt,
        dir.path(),
        &[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &endpoint)],
        None,
    );
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
            let record = &request["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0];
            assert!(record.to_string().contains("WARNING"), "{record}");
            assert!(
                line.contains("collector-test"),
                "the resource processor ran: {line}"
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

#[test]
fn the_receivers_take_a_5_mib_request_and_refuse_one_past_16_mib() -> TestResult {
    let dir = tempfile::tempdir()?;
    let mut doc = load(&otel_dir().join("otel-collector-config-file.yaml"));
    let (grpc, http) = on_free_ports(&mut doc);
    let local = dir.path().join("file-local.yaml");
    write(&doc, &local);
    let env = documented_env(dir.path());
    let _collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http])?;
    let body = |mib: usize| {
        json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
            "name": "big", "kind": 1, "startTimeUnixNano": "1", "endTimeUnixNano": "2",
            "attributes": [{"key": "big", "value": {"stringValue": "x".repeat(mib << 20)}}]
        }]}]}]})
        .to_string()
    };
    let rt = runtime();
    let post = |b: String| {
        rt.block_on(async {
            reqwest::Client::new()
                .post(format!("http://127.0.0.1:{http}/v1/traces"))
                .header("content-type", "application/json")
                .body(b)
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        })
    };
    assert_eq!(post(body(5)), 200, "a 5 MiB request is accepted");
    let refused = post(body(17));
    assert!(
        refused == 413 || refused == 400,
        "a 17 MiB request is refused: {refused}"
    );
    Ok(())
}

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
fn the_memory_limiter_comes_first_and_refuses_data_over_its_limit() -> TestResult {
    // As the comments say: first in every pipeline of every configuration
    // that has one.
    for config in configs() {
        let doc = load(&config);
        if doc["processors"].get("memory_limiter").is_none() {
            continue;
        }
        let pipelines = doc["service"]["pipelines"].as_mapping().expect("pipelines");
        for (name, pipeline) in pipelines {
            let first = pipeline["processors"][0].as_str();
            assert_eq!(first, Some("memory_limiter"), "{config:?} {name:?}");
        }
    }
    // And it refuses: the production configuration with its limit brought
    // down to 48 MiB (spike 16 MiB) refuses a burst of 5 MiB requests
    // instead of growing, and keeps serving.
    let dir = tempfile::tempdir()?;
    let mut doc = load(&otel_dir().join("otel-collector-config-clickhouse.yaml"));
    let (grpc, http) = on_free_ports(&mut doc);
    doc["processors"]["memory_limiter"]["limit_mib"] = 48.into();
    doc["processors"]["memory_limiter"]["spike_limit_mib"] = 16.into();
    doc["processors"]["memory_limiter"]["check_interval"] = "100ms".into();
    let exporters = mapping(&mut doc, "exporters").expect("exporters");
    exporters.remove("clickhouse");
    exporters.insert("debug".into(), Value::Mapping(Mapping::new()));
    for pipeline in ["traces", "metrics", "logs"] {
        doc["service"]["pipelines"][pipeline]["exporters"] = Value::Sequence(vec!["debug".into()]);
    }
    let local = dir.path().join("limited.yaml");
    write(&doc, &local);
    let env = documented_env(dir.path());
    let _collector = Otelcol::start(&local, &env_refs(&env), &[grpc, http])?;
    let body = json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
        "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
        "name": "big", "kind": 1, "startTimeUnixNano": "1", "endTimeUnixNano": "2",
        "attributes": [{"key": "big", "value": {"stringValue": "x".repeat(5 << 20)}}]
    }]}]}]})
    .to_string();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let statuses: Vec<u16> = rt.block_on(async {
        let client = reqwest::Client::new();
        let mut all = Vec::new();
        for _ in 0..6 {
            let mut burst = tokio::task::JoinSet::new();
            for _ in 0..8 {
                let request = client
                    .post(format!("http://127.0.0.1:{http}/v1/traces"))
                    .header("content-type", "application/json")
                    .body(body.clone());
                burst.spawn(async move {
                    request
                        .send()
                        .await
                        .map(|r| r.status().as_u16())
                        .unwrap_or(0)
                });
            }
            all.extend(burst.join_all().await);
        }
        all
    });
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(
        statuses.iter().any(|s| *s == 503 || *s == 429),
        "some requests are refused for memory: {statuses:?}"
    );
    assert!(
        !statuses.contains(&0),
        "the collector stayed up: {statuses:?}"
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
