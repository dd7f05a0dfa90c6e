//! The reference server's GenAI spans in a real Arize Phoenix, exported
//! over OTLP/HTTP and read back through Phoenix's REST API: agent steps are
//! AGENT spans, model calls LLM spans with token counts, tools TOOL spans.
//! With content capture on, the LLM spans carry their input and output
//! messages; with it off, no message content reaches Phoenix.

mod faults_support;

use std::time::{Duration, Instant};

use faults_support::{runtime, start};
use serde_json::{Value, json};
use test_peers::Phoenix;

/// Words that only the user's message contains.
const CANARY: &str = "zebra-canary-4711";

/// Runs one agent message (a tool call and the answer) through `serve`,
/// exporting to `phoenix` into `project`, and stops the server (which
/// flushes).
fn run_agent(phoenix: &Phoenix, project: &str, capture: &str) {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let resource = format!("openinference.project.name={project}");
    let endpoint = phoenix.traces_endpoint();
    let mut serve = start(
        &rt,
        dir.path(),
        &[
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint.as_str()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            // Phoenix receives traces only.
            ("OTEL_METRICS_EXPORTER", "none"),
            ("OTEL_LOGS_EXPORTER", "none"),
            ("OTEL_RESOURCE_ATTRIBUTES", resource.as_str()),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            (
                "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT",
                capture,
            ),
        ],
        None,
    );
    let base = serve.base.clone();
    rt.block_on(async {
        let client = reqwest::Client::new();
        let agent: Value = client
            .post(format!("{base}/v1/agents"))
            .json(&json!({"name": "phoenix agent", "tools": ["get_weather"]}))
            .send()
            .await
            .expect("create agent")
            .json()
            .await
            .expect("agent JSON");
        let id = agent["id"].as_str().expect("id");
        let text = format!("What is the weather in Paris? {CANARY}");
        let response = client
            .post(format!("{base}/v1/agents/{id}/messages"))
            .json(&json!({"messages": [{"role": "user", "content": text}]}))
            .send()
            .await
            .expect("message");
        assert!(response.status().is_success(), "{}", response.status());
    });
    let (code, _) = serve.terminate(Duration::from_secs(20));
    assert_eq!(code, Some(0), "{}", serve.stderr());
}

/// The project's spans once the agent step has arrived (Phoenix ingests
/// asynchronously).
fn spans_of(phoenix: &Phoenix, project: &str) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let body = phoenix.spans_json(project).unwrap_or_default();
        let spans: Vec<Value> = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|v| v["data"].as_array().cloned())
            .unwrap_or_default();
        let complete = spans.iter().filter(|s| s["span_kind"] == "LLM").count() >= 2
            && spans.iter().any(|s| s["span_kind"] == "AGENT");
        if complete {
            return spans;
        }
        assert!(
            Instant::now() < deadline,
            "{project}: spans did not arrive: {body}\nphoenix said:\n{}",
            phoenix.output()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn kind_of<'a>(spans: &'a [Value], name_prefix: &str) -> Vec<&'a Value> {
    spans
        .iter()
        .filter(|s| {
            s["name"]
                .as_str()
                .is_some_and(|n| n.starts_with(name_prefix))
        })
        .collect()
}

#[test]
fn phoenix_shows_agent_llm_and_tool_spans_and_content_only_when_captured() {
    test_peers::own_process!();
    let phoenix = Phoenix::start().expect("phoenix");
    run_agent(&phoenix, "capture-on", "SPAN_ONLY");
    run_agent(&phoenix, "capture-off", "NO_CONTENT");

    for project in ["capture-on", "capture-off"] {
        let spans = spans_of(&phoenix, project);
        let steps = kind_of(&spans, "agent_step");
        assert_eq!(steps.len(), 1, "{project}: {spans:#?}");
        assert_eq!(steps[0]["span_kind"], "AGENT", "{:#?}", steps[0]);
        let chats = kind_of(&spans, "chat ");
        assert_eq!(chats.len(), 2, "{project}: a tool call, then the answer");
        for chat in &chats {
            assert_eq!(chat["span_kind"], "LLM", "{chat:#?}");
            let prompt = &chat["attributes"]["llm.token_count.prompt"];
            assert!(prompt.as_i64().is_some_and(|n| n > 0), "{chat:#?}");
        }
        let tools = kind_of(&spans, "execute_tool get_weather");
        assert_eq!(tools.len(), 1, "{project}: {spans:#?}");
        assert_eq!(tools[0]["span_kind"], "TOOL");
    }

    let on = spans_of(&phoenix, "capture-on");
    let first_chat = kind_of(&on, "chat ")
        .into_iter()
        .min_by_key(|s| s["start_time"].as_str().unwrap_or_default().to_owned())
        .expect("a chat span");
    // Phoenix's REST API flattens its message attributes:
    // `llm.input_messages.<i>.message.content`, `llm.output_messages.<i>…`.
    let attributes = first_chat["attributes"].as_object().expect("attributes");
    let user_message = attributes
        .iter()
        .any(|(k, v)| k.starts_with("llm.input_messages.") && v.to_string().contains(CANARY));
    assert!(user_message, "input messages in Phoenix: {first_chat:#?}");
    let output = attributes
        .keys()
        .any(|k| k.starts_with("llm.output_messages."));
    assert!(output, "output messages in Phoenix: {first_chat:#?}");

    let off = phoenix.spans_json("capture-off").expect("spans");
    assert!(
        !off.contains(CANARY),
        "content reached Phoenix with capture off: {off}"
    );
}
