//! The reference server's GenAI telemetry against the yardstick: the
//! official OpenTelemetry instrumentation of the OpenAI Python client
//! (`opentelemetry-instrumentation-openai-v2`, latest experimental
//! conventions, content on spans). Both call one offline provider with the
//! same requests: a chat that asks for a tool, the chat with the tool's
//! answer, and a streamed chat. Every attribute name their `chat` spans
//! record, ours record with the same type; every metric they emit, we emit
//! with at least their attribute keys.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use letta_server::{LlmEndpoint, OFFLINE_MODEL, OfflineProvider, Server, ServerConfig};
use letta_telemetry::settings::ContentCapture;
use letta_telemetry::testing;
use opentelemetry::Value as OtelValue;
use serde_json::{Value, json};

const SYSTEM: &str = "You are a helpful agent.";

/// What the Python yardstick recorded.
struct Theirs {
    /// Attribute name → type, over every `chat` span.
    chat_attributes: BTreeMap<String, String>,
    /// Metric name → attribute keys.
    metrics: BTreeMap<String, BTreeSet<String>>,
}

fn run_yardstick(base_url: &str) -> Theirs {
    let python = test_peers::genai::yardstick_python().expect("the yardstick is installed");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/genai_support/openai_v2_yardstick.py"
    );
    let output = std::process::Command::new(python)
        .args([script, base_url, OFFLINE_MODEL])
        .output()
        .expect("run the yardstick");
    assert!(
        output.status.success(),
        "yardstick failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("yardstick JSON");
    let mut chat_attributes = BTreeMap::new();
    let spans = report["spans"].as_array().expect("spans");
    let chats: Vec<&Value> = spans
        .iter()
        .filter(|s| s["name"].as_str().is_some_and(|n| n.starts_with("chat ")))
        .collect();
    assert_eq!(chats.len(), 3, "three chat spans: {spans:#?}");
    for span in chats {
        assert_eq!(span["kind"], "CLIENT");
        for (key, ty) in span["attributes"].as_object().expect("attributes") {
            chat_attributes.insert(key.clone(), ty.as_str().expect("type").to_owned());
        }
    }
    let mut metrics = BTreeMap::new();
    for metric in report["metrics"].as_array().expect("metrics") {
        let keys = metric["attributes"]
            .as_array()
            .expect("keys")
            .iter()
            .filter_map(|k| k.as_str().map(str::to_owned))
            .collect();
        metrics.insert(metric["name"].as_str().expect("name").to_owned(), keys);
    }
    Theirs {
        chat_attributes,
        metrics,
    }
}

fn type_name(value: &OtelValue) -> &'static str {
    match value {
        OtelValue::Bool(_) => "bool",
        OtelValue::I64(_) => "int",
        OtelValue::F64(_) => "double",
        OtelValue::String(_) => "string",
        OtelValue::Array(_) => "array",
        _ => "other",
    }
}

async fn post(client: &reqwest::Client, url: String, body: Value) -> reqwest::Response {
    let response = client.post(url).json(&body).send().await.expect("send");
    assert!(response.status().is_success(), "{}", response.status());
    response
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_name_the_official_instrumentation_records_we_record_with_the_same_type() {
    test_peers::own_process!();
    let provider = OfflineProvider {
        first_token_latency: Duration::from_millis(1),
        inter_chunk_latency: Duration::ZERO,
    }
    .start()
    .await
    .expect("offline provider");
    let base_url = provider.base_url();
    let theirs = tokio::task::spawn_blocking({
        let base_url = base_url.clone();
        move || run_yardstick(&base_url)
    })
    .await
    .expect("yardstick thread");

    // The yardstick really records what the comparison is about.
    for key in [
        "gen_ai.response.id",
        "gen_ai.request.temperature",
        "gen_ai.request.max_tokens",
        "gen_ai.input.messages",
        "gen_ai.output.messages",
        "gen_ai.usage.input_tokens",
    ] {
        assert!(
            theirs.chat_attributes.contains_key(key),
            "the yardstick lacks {key}: {:#?}",
            theirs.chat_attributes
        );
    }
    for metric in [
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.duration",
    ] {
        assert!(theirs.metrics.contains_key(metric), "{:#?}", theirs.metrics);
    }
    eprintln!(
        "yardstick: chat attributes {:#?}\nmetrics {:#?}",
        theirs.chat_attributes, theirs.metrics
    );

    // Ours: the reference server, on the same provider, content on spans.
    let spans = testing::install_span_recorder();
    let metrics = testing::install_metric_recorder();
    letta_telemetry::genai::set_content_capture(ContentCapture::SpanOnly);
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().expect("loopback"),
        letta_dir: dir.path().to_owned(),
        llm: LlmEndpoint::Remote {
            base_url,
            api_key: None,
            provider: None,
        },
        ..ServerConfig::default()
    })
    .await
    .expect("server starts");
    let base = server.base_url();
    let client = reqwest::Client::new();
    let agent: Value = post(
        &client,
        format!("{base}/v1/agents"),
        json!({"name": "yardstick", "system": SYSTEM, "tools": ["get_weather"]}),
    )
    .await
    .json()
    .await
    .expect("agent JSON");
    let agent = agent["id"].as_str().expect("id");
    let message = |text: &str| json!({"messages": [{"role": "user", "content": text}]});
    post(
        &client,
        format!("{base}/v1/agents/{agent}/messages"),
        message("What is the weather in Paris?"),
    )
    .await;
    post(
        &client,
        format!("{base}/v1/agents/{agent}/messages/stream"),
        message("Tell me a story"),
    )
    .await
    .text()
    .await
    .expect("stream body");

    let mut ours: BTreeMap<String, &'static str> = BTreeMap::new();
    let chats: Vec<_> = spans
        .spans()
        .into_iter()
        .filter(|s| s.name.starts_with("chat "))
        .collect();
    assert_eq!(
        chats.len(),
        3,
        "{:#?}",
        chats.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    for span in &chats {
        assert_eq!(span.span_kind, opentelemetry::trace::SpanKind::Client);
        for kv in &span.attributes {
            ours.insert(kv.key.to_string(), type_name(&kv.value));
        }
    }
    let missing: Vec<String> = theirs
        .chat_attributes
        .iter()
        .filter(|(key, ty)| ours.get(key.as_str()) != Some(&ty.as_str()))
        .map(|(key, ty)| format!("{key}: theirs {ty}, ours {:?}", ours.get(key.as_str())))
        .collect();
    assert!(
        missing.is_empty(),
        "chat span attributes the yardstick records and we do not (or with another type):\n{}\nours: {ours:#?}",
        missing.join("\n")
    );

    let points = metrics.collect();
    for (name, their_keys) in &theirs.metrics {
        let ours: BTreeSet<String> = points
            .iter()
            .filter(|p| &p.name == name)
            .flat_map(|p| p.attributes.iter().map(|kv| kv.key.to_string()))
            .collect();
        assert!(!ours.is_empty(), "we do not emit {name}");
        let lacking: Vec<&String> = their_keys.difference(&ours).collect();
        assert!(
            lacking.is_empty(),
            "{name}: attribute keys we lack: {lacking:?} (ours: {ours:?})"
        );
    }
    server.shutdown().await;
}
