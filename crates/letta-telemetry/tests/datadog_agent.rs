//! Datadog APM and profiling against a real ddapm-test-agent: spans reach the
//! agent through `datadog-opentelemetry` (installed by `init`), profiles
//! through `libdd-profiling`.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine as _;
use letta_telemetry::Settings;
use letta_telemetry::datadog::{CpuProfiler, DatadogConfig};
use letta_telemetry::logs::{LogConfig, LogFormat};
use opentelemetry::trace::{Span as _, SpanKind, TraceContextExt, Tracer};
use opentelemetry::{Context, KeyValue};
use serde_json::Value;
use test_peers::DdAgent;
use tracing_subscriber::layer::SubscriberExt;

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const REPO: &str = "https://github.com/letta-ai/letta";

fn settings_for(port: u16, dir: &std::path::Path) -> Settings {
    let mut s = Settings::default();
    s.enable_datadog = true;
    s.datadog_agent_host = "127.0.0.1".into();
    s.datadog_agent_port = port;
    s.datadog_service_name = "letta-server-test".into();
    s.environment = Some("staging".into());
    s.service_version = "9.8.7".into();
    s.datadog_git_repository_url = Some(REPO.into());
    s.datadog_git_commit_sha = Some(SHA.into());
    s.letta_dir = dir.to_path_buf();
    s.limits.schedule_delay = Duration::from_millis(50);
    s
}

/// Polls the agent until the trace with this Datadog id has `n` spans.
fn wait_for_trace(agent: &DdAgent, dd_trace_id: &str, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let body = agent.trace_json(dd_trace_id).expect("agent answers");
        let traces: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
        let spans: Vec<Value> = traces
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
            .cloned()
            .collect();
        if spans.len() >= n {
            return spans;
        }
        assert!(
            Instant::now() < deadline,
            "trace {dd_trace_id} not received ({body}); agent output:\n{}",
            agent.output()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn span_with_id(spans: &[Value], span_id: u64) -> &Value {
    spans
        .iter()
        .find(|s| s["span_id"].as_u64() == Some(span_id))
        .unwrap_or_else(|| panic!("no span {span_id} in {spans:?}"))
}

fn ids(sc: &opentelemetry::trace::SpanContext) -> (u128, u64) {
    (
        u128::from_be_bytes(sc.trace_id().to_bytes()),
        u64::from_be_bytes(sc.span_id().to_bytes()),
    )
}

#[test]
fn traces_arrive_through_datadogs_crate_with_tags_and_parentage() {
    test_peers::own_process!();
    let agent = DdAgent::start().expect("ddapm-test-agent starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let guard = letta_telemetry::init(settings_for(agent.port(), dir.path())).expect("init");
    let tracer = letta_telemetry::tracer().expect("tracer installed");

    let mut root = tracer
        .span_builder("POST /v1/agents/{agent_id}/messages")
        .with_kind(SpanKind::Server)
        .start(tracer);
    root.set_attribute(KeyValue::new("http.request.method", "POST"));
    root.set_attribute(KeyValue::new("http.response.status_code", 200));
    let (trace_id, root_id) = ids(root.span_context());
    let cx = Context::current_with_span(root);
    let child = tracer.start_with_context("agent.step", &cx);
    let (child_trace, child_id) = ids(child.span_context());
    assert_eq!(child_trace, trace_id);
    drop(child);
    cx.span().end();
    drop(cx);
    guard.flush();

    let spans = wait_for_trace(&agent, &(trace_id as u64).to_string(), 2);
    let root = span_with_id(&spans, root_id);
    let child = span_with_id(&spans, child_id);
    // The agent leaves a root's zero parent out.
    assert_eq!(root["parent_id"].as_u64().unwrap_or(0), 0, "{root}");
    assert_eq!(child["parent_id"].as_u64(), Some(root_id), "{child}");
    assert_eq!(root["trace_id"].as_u64(), Some(trace_id as u64));
    // The full 128-bit id travels too.
    assert_eq!(
        root["meta"]["otel.trace_id"],
        format!("{trace_id:032x}"),
        "{root}"
    );
    assert_eq!(root["type"], "web", "{root}");
    for span in [root, child] {
        assert_eq!(span["service"], "letta-server-test", "{span}");
        assert_eq!(span["meta"]["env"], "staging", "{span}");
        assert_eq!(span["meta"]["version"], "9.8.7", "{span}");
        assert_eq!(span["meta"]["git.repository_url"], REPO, "{span}");
        assert_eq!(span["meta"]["git.commit.sha"], SHA, "{span}");
        assert_eq!(span["meta"]["_dd.git.commit.sha"], SHA, "{span}");
        assert_eq!(span["meta"]["_dd.git.repository_url"], REPO, "{span}");
    }

    // The crate's own export (the local file, no OTLP endpoint set) got the
    // same spans, with the resource unchanged by Datadog.
    guard.shutdown();
    let file =
        std::fs::read_to_string(dir.path().join("logs").join("traces.json")).expect("traces.json");
    let hex = format!("{trace_id:032x}");
    assert_eq!(file.matches(&hex).count(), 2, "{file}");
    assert!(file.contains("\"letta-server\""), "{file}");
}

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn json_log_line_carries_the_dd_trace_id_the_agent_received() {
    test_peers::own_process!();
    let agent = DdAgent::start().expect("ddapm-test-agent starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let settings = settings_for(agent.port(), dir.path());
    let guard = letta_telemetry::init(settings.clone()).expect("init");
    let tracer = letta_telemetry::tracer().expect("tracer installed");

    let buf = Buf::default();
    let writer = buf.clone();
    let config = LogConfig::from_settings(&settings).with_file(None);
    let subscriber =
        tracing_subscriber::registry().with(config.layer(LogFormat::Json, move || writer.clone()));
    tracing::subscriber::with_default(subscriber, || {
        let span = tracer.start("tool.run");
        let cx = Context::current_with_span(span);
        let _g = cx.clone().attach();
        tracing::info!(tool = "send_message", "running tool");
        cx.span().end();
    });
    guard.flush();

    let text =
        String::from_utf8(buf.0.lock().map(|v| v.clone()).unwrap_or_default()).expect("utf-8");
    let line: Value = serde_json::from_str(text.trim()).expect("one JSON line");
    let dd_trace_id = line["dd.trace_id"]
        .as_str()
        .expect("dd.trace_id")
        .to_owned();
    let dd_span_id = line["dd.span_id"].as_str().expect("dd.span_id").to_owned();
    assert_eq!(line["dd.service"], "letta-server-test");
    assert_eq!(line["dd.env"], "staging");

    let spans = wait_for_trace(&agent, &dd_trace_id, 1);
    let span = spans
        .iter()
        .find(|s| s["span_id"].as_u64().map(|v| v.to_string()) == Some(dd_span_id.clone()))
        .unwrap_or_else(|| panic!("no span {dd_span_id} in {spans:?}"));
    assert_eq!(
        span["trace_id"].as_u64().map(|v| v.to_string()),
        Some(dd_trace_id)
    );
    assert_eq!(span["service"], "letta-server-test");
    guard.shutdown();
}

/// Keeps a CPU busy in a function the profile should name.
#[inline(never)]
fn burn_cpu_for_the_profiler(d: Duration) -> u64 {
    let end = Instant::now() + d;
    let mut x: u64 = 1;
    while Instant::now() < end {
        for i in 0..10_000u64 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
        }
    }
    x
}

/// The parts of one multipart body, as (name, bytes).
fn multipart_parts(body: &[u8], content_type: &str) -> Vec<(String, Vec<u8>)> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .expect("multipart boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let text_positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in text_positions.windows(2) {
        let part = &body[pair[0] + delimiter.len()..pair[1]];
        let Some(split) = part.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).into_owned();
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_owned();
        let content = part[split + 4..]
            .strip_suffix(b"\r\n")
            .unwrap_or(&part[split + 4..]);
        parts.push((name, content.to_vec()));
    }
    parts
}

/// One profile upload as the agent received it.
struct Upload {
    event: Value,
    /// The decompressed pprof.
    pprof: Vec<u8>,
}

impl Upload {
    fn pprof_contains(&self, s: &str) -> bool {
        self.pprof.windows(s.len()).any(|w| w == s.as_bytes())
    }
}

/// The profile uploads the agent received so far.
fn profile_uploads(agent: &DdAgent) -> Vec<Upload> {
    let requests: Value =
        serde_json::from_str(&agent.requests_json().expect("agent answers")).expect("JSON");
    let mut out = Vec::new();
    for upload in requests.as_array().expect("array").iter().filter(|r| {
        r["url"]
            .as_str()
            .is_some_and(|u| u.ends_with("/profiling/v1/input"))
    }) {
        let content_type = upload["headers"]["Content-Type"]
            .as_str()
            .expect("Content-Type");
        let body = base64::engine::general_purpose::STANDARD
            .decode(upload["body"].as_str().expect("body"))
            .expect("base64 body");
        let parts = multipart_parts(&body, content_type);
        let event = &parts.iter().find(|(n, _)| n == "event").expect("event").1;
        let pprof = &parts
            .iter()
            .find(|(n, _)| n == "profile.pprof")
            .expect("profile.pprof part")
            .1;
        out.push(Upload {
            event: serde_json::from_slice(event).expect("event JSON"),
            pprof: zstd::decode_all(pprof.as_slice()).expect("zstd-compressed pprof"),
        });
    }
    out
}

#[test]
fn cpu_profile_upload_arrives_with_its_tags() {
    test_peers::own_process!();
    let agent = DdAgent::start().expect("ddapm-test-agent starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = DatadogConfig::from_settings(&settings_for(agent.port(), dir.path()));
    config.profiling_upload_period = Duration::from_secs(1);
    let mut profiler = CpuProfiler::start(&config).expect("profiler starts");
    // Burn CPU until a profile shows it (the machine is shared: how much CPU
    // time a wall-clock second gives varies).
    let deadline = Instant::now() + Duration::from_secs(40);
    let uploads = loop {
        std::hint::black_box(burn_cpu_for_the_profiler(Duration::from_millis(500)));
        let uploads = profile_uploads(&agent);
        if uploads
            .iter()
            .any(|u| u.pprof_contains("burn_cpu_for_the_profiler"))
        {
            break uploads;
        }
        assert!(
            Instant::now() < deadline,
            "no uploaded profile has a sample in burn_cpu_for_the_profiler ({} uploads, {} failed)",
            uploads.len(),
            profiler.failed()
        );
    };
    profiler.stop(Instant::now() + Duration::from_secs(10));
    assert!(profiler.uploaded() >= 1, "failed: {}", profiler.failed());

    for upload in &uploads {
        let event = &upload.event;
        let tags: Vec<&str> = event["tags_profiler"]
            .as_str()
            .expect("tags_profiler")
            .split(',')
            .collect();
        for want in [
            "service:letta-server-test",
            "env:staging",
            "version:9.8.7",
            "language:rust",
            &format!("git.commit.sha:{SHA}"),
            &format!("git.repository_url:{REPO}"),
        ] {
            assert!(tags.contains(&want), "{want} not in {tags:?}");
        }
        assert_eq!(event["version"], "4");
        assert!(
            event["attachments"]
                .as_array()
                .expect("attachments")
                .contains(&Value::from("profile.pprof")),
            "{event}"
        );
        assert!(upload.pprof_contains("cpu-time") && upload.pprof_contains("nanoseconds"));
    }
}

#[test]
fn unreachable_agent_never_stops_init_and_spans_still_work() {
    test_peers::own_process!();
    let port = test_peers::util::free_port().expect("free port");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings_for(port, dir.path());
    settings.datadog_profiling_enabled = true;
    settings.datadog_profiling_memory_enabled = true;
    let guard = letta_telemetry::init(settings).expect("init succeeds without the agent");
    let tracer = opentelemetry::global::tracer("test");
    let span = tracer.start("still.works");
    let cx = Context::current_with_span(span);
    {
        let _g = cx.clone().attach();
        assert!(letta_telemetry::trace_id().is_some());
        tracing::info!("inside a span");
    }
    cx.span().end();
    // Shutdown returns within its deadline although the agent is down.
    let started = Instant::now();
    guard.shutdown();
    assert!(started.elapsed() < Duration::from_secs(12));
    let logs = dir.path().join("logs");
    // The local trace file still got the span.
    let traces = std::fs::read_to_string(logs.join("traces.json")).expect("traces.json");
    assert!(traces.contains("still.works"), "{traces}");
    // The log file got the line, in the Datadog text format, with the span,
    // and the one line saying memory profiling is not supported.
    let log = std::fs::read_to_string(logs.join("Letta.log")).expect("Letta.log");
    let line = log
        .lines()
        .find(|l| l.ends_with("inside a span"))
        .unwrap_or_else(|| panic!("no line in {log}"));
    assert!(
        line.contains("[dd.env=staging dd.service=letta-server-test dd.version=9.8.7 dd.trace_id="),
        "{line}"
    );
    assert!(!line.contains("dd.trace_id=0 "), "{line}");
    assert!(
        log.contains("memory and heap profiling are not supported"),
        "{log}"
    );
}

#[test]
fn unreachable_agent_counts_failed_profile_uploads_and_stops_in_time() {
    test_peers::own_process!();
    let port = test_peers::util::free_port().expect("free port");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = DatadogConfig::from_settings(&settings_for(port, dir.path()));
    config.profiling_upload_period = Duration::from_millis(200);
    config.timeout = Duration::from_millis(500);
    let mut profiler = CpuProfiler::start(&config).expect("profiler starts");
    // A second profiler in the same process is refused, not started.
    assert!(CpuProfiler::start(&config).is_err());
    let deadline = Instant::now() + Duration::from_secs(10);
    while profiler.failed() == 0 {
        assert!(Instant::now() < deadline, "no failed upload counted");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(profiler.uploaded(), 0);
    let started = Instant::now();
    profiler.stop(Instant::now() + Duration::from_secs(3));
    assert!(started.elapsed() < Duration::from_secs(4));
}
