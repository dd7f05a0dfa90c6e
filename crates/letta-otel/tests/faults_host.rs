//! The fault suite, host side: a full disk (`RLIMIT_FSIZE`), an unwritable
//! telemetry directory and hostile requests. The server keeps serving,
//! telemetry degrades and counts what it loses, and no hostile input becomes
//! a span name. Secret canaries are in `faults_secrets.rs`.

mod faults_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use faults_support::{Stopped, assert_no_panic, create_agent, load, read, runtime, start};
use serde_json::Value;

const DEADLINE_MS: u64 = 2000;

/// Every line of an OTLP-JSON lines file parses: no torn line.
fn assert_whole_lines(path: &Path) -> usize {
    let text = read(path);
    let mut n = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|e| panic!("torn line in {}: {e}", path.display()));
        n += 1;
    }
    n
}

#[test]
fn a_full_disk_degrades_telemetry_never_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The database lives in PostgreSQL, a process of its own: the full disk
    // is the telemetry's alone (SQLite's write-ahead log would fill first).
    let postgres = test_peers::Postgres::start().expect("postgres");
    let pg = postgres.url();
    let rt = runtime();
    let deadline = DEADLINE_MS.to_string();
    // Files may grow to 512 KiB; past that, writes fail with EFBIG (the
    // signal it would raise is ignored, as a full disk raises none).
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            ("LETTA_PG_URI", &pg),
            ("LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS", &deadline),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "300"),
        ],
        Some("trap '' XFSZ; ulimit -f 512"),
    );
    let requests = 400;
    assert_eq!(
        load(&rt, &serve.base, requests),
        requests,
        "every request served"
    );
    let Stopped { accounting, .. } =
        serve.stop_and_account("full disk (512 KiB file limit)", requests, DEADLINE_MS);
    assert!(accounting.lost > 0, "the disk filled: {accounting:?}");
    assert!(
        serve.stdout().contains("io "),
        "losses are counted as io failures: {}",
        serve.stdout()
    );
    let logs = serve.logs_dir();
    for name in ["traces.json", "metrics.json"] {
        let path = logs.join(name);
        assert!(std::fs::metadata(&path).map_or(0, |m| m.len()) <= 512 * 1024);
        assert_whole_lines(&path);
    }
    let log = read(&logs.join("Letta.log"));
    assert!(
        log.contains("telemetry span export failed"),
        "one warning says spans are lost:\n{log}"
    );
}

#[test]
fn an_unwritable_telemetry_directory_does_not_stop_the_server() {
    let dir = tempfile::tempdir().expect("tempdir");
    // `<LETTA_DIR>/logs` is a regular file: nothing can be created in it,
    // even as root; the database beside it works.
    std::fs::create_dir_all(dir.path().join("letta")).expect("letta dir");
    std::fs::write(dir.path().join("letta").join("logs"), b"").expect("blocker");
    let rt = runtime();
    let deadline = DEADLINE_MS.to_string();
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            ("LETTA_TELEMETRY_SHUTDOWN_TIMEOUT_MS", &deadline),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "300"),
        ],
        None,
    );
    let requests = 100;
    assert_eq!(load(&rt, &serve.base, requests), requests);
    let Stopped {
        accounting, stderr, ..
    } = serve.stop_and_account("unwritable telemetry directory", requests, DEADLINE_MS);
    assert_eq!(
        stderr.matches("could not open the trace file").count(),
        1,
        "one warning:\n{stderr}"
    );
    assert!(
        stderr.contains("telemetry metric export failed"),
        "metric write errors are warned about:\n{stderr}"
    );
    assert!(
        stderr.matches("telemetry metric export failed").count() <= 2,
        "rate-limited:\n{stderr}"
    );
    assert_eq!(accounting.exported, 0);
}

/// Sends raw bytes as one HTTP/1.1 request; returns the whole answer
/// (head and body).
fn raw_full(base: &str, request: &[u8]) -> String {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// Sends raw bytes as one HTTP/1.1 request; returns the status line.
fn raw(base: &str, request: &[u8]) -> String {
    raw_full(base, request)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A message request declaring a `declared`-byte body of which only `sent`
/// bytes follow the head.
fn oversized_message(id: &str, declared: usize, sent: usize) -> Vec<u8> {
    let mut request = format!(
        "POST /v1/agents/{id}/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
    )
    .into_bytes();
    let mut body = br#"{"messages":[{"role":"user","content":""#.to_vec();
    body.resize(sent, b'x');
    request.extend_from_slice(&body);
    request
}

#[test]
fn hostile_requests_are_answered_and_never_make_span_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = runtime();
    let mut serve = start(&rt, dir.path(), &[("OTEL_BSP_SCHEDULE_DELAY", "100")], None);
    let base = serve.base.clone();
    let client = reqwest::Client::new();
    let id = rt.block_on(create_agent(&client, &base, "hostile"));

    // A body that declares 50 MB: 413, naming the limit. Sent on a raw
    // socket that stops one byte past the 2 MiB limit, so the server has
    // read every byte sent when it answers and closes: a client still
    // writing 50 MB would race the close (BrokenPipe) and lose the answer.
    let answer = raw_full(&base, &oversized_message(&id, 50 << 20, (2 << 20) + 1));
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert!(answer.contains("2097152 bytes"), "{answer}");

    let mut thousand = String::new();
    for i in 0..1000 {
        thousand.push_str(&format!("x-h-{i}: v\r\n"));
    }
    let long_query = "q=".to_owned() + &"a".repeat(60_000);
    let hostile: Vec<Vec<u8>> = vec![
        format!("GET /v1/agents/{id} HTTP/1.1\r\nhost: x\r\ntraceparent: 00-zzzz-not-hex-01\r\nconnection: close\r\n\r\n").into_bytes(),
        format!("GET /v1/agents/{id} HTTP/1.1\r\nhost: x\r\ntraceparent: 00-{}-{}-01\r\nconnection: close\r\n\r\n", "0".repeat(32), "0".repeat(16)).into_bytes(),
        format!("GET /v1/agents/{id} HTTP/1.1\r\nhost: x\r\nbaggage: ;;;=%%%,,k=\r\nconnection: close\r\n\r\n").into_bytes(),
        format!("GET /v1/agents/{id} HTTP/1.1\r\nhost: x\r\n{thousand}connection: close\r\n\r\n").into_bytes(),
        format!("GET /v1/agents?{long_query} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").into_bytes(),
        b"GET /v1/agents/\xff\xfe/../../etc/passwd HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".to_vec(),
        b"GET /v1/agents?name=\xff\xfe HTTP/1.1\r\nhost: x\r\nuser-agent: \xff\xfe\r\nconnection: close\r\n\r\n".to_vec(),
        b"GET /v1/agents/../../etc/passwd HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".to_vec(),
        b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n".to_vec(),
        [
            format!("POST /v1/agents/{id}/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 7\r\nconnection: close\r\n\r\n").as_bytes(),
            b"{\"a\":\xff}",
        ]
        .concat(),
    ];
    for request in &hostile {
        let status = raw(&base, request);
        assert!(
            status.starts_with("HTTP/1.1 "),
            "an answer, not a dropped connection: {status:?}"
        );
        assert!(!status.contains(" 500 "), "{status}");
    }
    for i in 0..20 {
        let status = raw(
            &base,
            format!(
                "GET /v1/no/such/route/{i}/{} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
                "z".repeat(i * 50)
            )
            .as_bytes(),
        );
        assert!(status.contains(" 404 "), "{status}");
    }
    let health = raw(
        &base,
        b"GET /v1/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    );
    assert!(health.contains(" 200 "), "still serving: {health}");

    let (code, _) = serve.terminate(Duration::from_secs(30));
    assert_eq!(code, Some(0));
    assert_no_panic(&serve.stderr());
    // Span names stay a small set: routes and bare methods, never a path.
    let text = read(&serve.logs_dir().join("traces.json"));
    let mut names = std::collections::BTreeSet::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).expect("line");
        for rs in v["resourceSpans"].as_array().into_iter().flatten() {
            for ss in rs["scopeSpans"].as_array().into_iter().flatten() {
                for span in ss["spans"].as_array().into_iter().flatten() {
                    if span["kind"] == 2 {
                        names.insert(span["name"].as_str().unwrap_or_default().to_owned());
                    }
                }
            }
        }
    }
    assert!(names.len() <= 8, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| !n.contains("passwd") && !n.contains("route") && !n.contains("zzz")),
        "{names:?}"
    );
}
