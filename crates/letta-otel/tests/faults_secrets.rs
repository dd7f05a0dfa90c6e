//! The fault suite, secrets: canaries in every input (endpoints, headers,
//! query parameters, bodies, baggage) reach none of stdout, stderr,
//! `Letta.log`, the telemetry files, the collector or the model provider.

mod faults_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use faults_support::{read, runtime, start};
use serde_json::{Value, json};
use test_peers::Rotel;
use test_peers::rotel::Verbosity;

/// A fake OpenAI-compatible model provider on loopback: answers every chat
/// completion with a fixed reply and keeps every request it received, raw.
struct FakeProvider {
    port: u16,
    received: Arc<Mutex<Vec<u8>>>,
}

impl FakeProvider {
    fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let sink = sink.clone();
                std::thread::spawn(move || {
                    loop {
                        let Some(request) = read_request(&mut stream) else {
                            return;
                        };
                        sink.lock().expect("lock").extend_from_slice(&request);
                        let body = json!({
                            "id": "chatcmpl-1", "object": "chat.completion", "model": "fake",
                            "choices": [{"index": 0, "finish_reason": "stop",
                                "message": {"role": "assistant", "content": "ok"}}],
                            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
                        })
                        .to_string();
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(answer.as_bytes()).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        Self { port, received }
    }

    fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().expect("lock")).into_owned()
    }
}

/// One HTTP/1.1 request (headers and a `content-length` body), raw.
fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            while data.len() < end + 4 + length {
                let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
                data.extend_from_slice(&buf[..n]);
            }
            return Some(data);
        }
        let n = stream.read(&mut buf).ok().filter(|n| *n > 0)?;
        data.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn secret_canaries_reach_no_output_no_file_no_collector_and_no_provider() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rotel = Rotel::start_with(Verbosity::Detailed, &[]).expect("rotel");
    let provider = FakeProvider::start();
    let rt = runtime();
    // Canaries in the configuration: URL credentials and a token query.
    let traces = format!(
        "http://otlpuser:CANARY-OTLP-PW@127.0.0.1:{}/v1/traces?token=CANARY-OTLP-Q",
        rotel.http_port()
    );
    let llm = format!(
        "http://llmuser:CANARY-LLM-PW@127.0.0.1:{}/v1",
        provider.port
    );
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", &traces),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("LETTA_LLM_ENDPOINT", &llm),
            ("LETTA_LLM_API_KEY", "CANARY-LLM-KEY"),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ("LETTA_LOGGING_JSON_LOGGING", "true"),
        ],
        None,
    );
    let base = serve.base.clone();
    // Canaries in the requests: headers, query, baggage, body keys.
    rt.block_on(async {
        let client = reqwest::Client::new();
        // Unknown keys are refused (422), after the body was recorded.
        let refused = client
            .post(format!("{base}/v1/agents"))
            .json(
                &json!({"name": "canary", "password": "CANARY-B1", "client_secret": "CANARY-B2",
                "nested": {"session_id": "CANARY-B3"}, "auth": "CANARY-B4"}),
            )
            .send()
            .await
            .expect("create");
        assert_eq!(refused.status(), 422);
        let agent: Value = client
            .post(format!(
                "{base}/v1/agents?token=CANARY-Q1&api%5Fkey=CANARY-Q2&pwd=CANARY-Q3"
            ))
            .header("authorization", "Bearer CANARY-H1")
            .header("x-api-key", "CANARY-H2")
            .header("cookie", "session=CANARY-H3")
            .json(&json!({"name": "canary"}))
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json");
        let id = agent["id"].as_str().expect("id").to_owned();
        for _ in 0..3 {
            let r = client
                .post(format!("{base}/v1/agents/{id}/messages?key=CANARY-Q4"))
                .header("baggage", "internal.user=CANARY-BAGGAGE")
                .header(
                    "traceparent",
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                )
                .header("authorization", "Bearer CANARY-H1")
                .json(&json!({"messages": [{"role": "user", "content": "hello"}],
                    "passwd": "CANARY-B5", "key": "CANARY-B6"}))
                .send()
                .await
                .expect("message");
            assert_eq!(r.status(), 200, "{:?}", r.text().await);
        }
    });
    let spans = rotel.wait_for_spans(1, Duration::from_secs(10));
    assert!(!spans.is_empty(), "spans reached the collector");
    let (code, _) = serve.terminate(Duration::from_secs(30));
    assert_eq!(code, Some(0));
    let logs = serve.logs_dir();
    let places = [
        ("stdout", serve.stdout()),
        ("stderr", serve.stderr()),
        ("Letta.log", read(&logs.join("Letta.log"))),
        ("traces.json", read(&logs.join("traces.json"))),
        ("metrics.json", read(&logs.join("metrics.json"))),
        ("the collector", rotel.output()),
        ("the model provider", provider.received()),
    ];
    let canaries = [
        "CANARY-OTLP-PW",
        "CANARY-OTLP-Q",
        "CANARY-LLM-PW",
        "CANARY-Q1",
        "CANARY-Q2",
        "CANARY-Q3",
        "CANARY-Q4",
        "CANARY-H1",
        "CANARY-H2",
        "CANARY-H3",
        "CANARY-B1",
        "CANARY-B2",
        "CANARY-B3",
        "CANARY-B4",
        "CANARY-B5",
        "CANARY-B6",
        "CANARY-BAGGAGE",
    ];
    for (place, text) in &places {
        for canary in canaries {
            assert!(!text.contains(canary), "{canary} reached {place}");
        }
    }
    // The API key goes to the provider it is for, and nowhere else.
    for (place, text) in &places[..6] {
        assert!(
            !text.contains("CANARY-LLM-KEY"),
            "the API key reached {place}"
        );
    }
    assert!(provider.received().contains("CANARY-LLM-KEY"));
    assert!(
        provider
            .received()
            .to_ascii_lowercase()
            .contains("traceparent"),
        "trace context does go out"
    );
    assert!(
        serve.stdout().contains("otlpuser:***@"),
        "{}",
        serve.stdout()
    );
    // The files that hold bodies and parameters are private.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode() & 0o777)
            .ok()
    };
    assert_eq!(mode(&logs), Some(0o700));
    for entry in std::fs::read_dir(&logs).expect("logs dir").flatten() {
        assert_eq!(
            mode(&entry.path()),
            Some(0o600),
            "{}",
            entry.path().display()
        );
    }
}
