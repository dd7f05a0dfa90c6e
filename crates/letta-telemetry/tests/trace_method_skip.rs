//! Skip list, `skip(...)`, `skip_all`, `include(...)`, never-skipped
//! parameters, and ids of skipped values.

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method::SKIPPED_PARAMETERS;
use letta_telemetry::{TelemetryId, trace_method};
use opentelemetry::Value;
use opentelemetry_sdk::trace::SpanData;

fn attr(span: &SpanData, key: &str) -> Option<Value> {
    letta_telemetry::testing::span_attribute(span, key).cloned()
}

fn text(span: &SpanData, key: &str) -> String {
    match attr(span, key) {
        Some(v) => v.as_str().into_owned(),
        None => panic!("no attribute {key} on {}", span.name),
    }
}

#[derive(Debug, TelemetryId)]
struct AgentState {
    id: String,
}

#[derive(Debug, TelemetryId)]
struct Message {
    id: Option<u64>,
}

#[derive(Debug)]
struct Memory;

#[allow(clippy::too_many_arguments)]
#[trace_method]
fn defaults(
    agent_state: &AgentState,
    messages: Vec<Message>,
    in_context_messages: &[Message],
    memory: Memory,
    content: String,
    chunks: Vec<Message>,
    request_data: String,
    agent_id: &str,
) {
    let _ = (agent_state, messages, in_context_messages, memory, content);
    let _ = (chunks, request_data, agent_id);
}

fn messages(n: u64) -> Vec<Message> {
    (1..=n).map(|i| Message { id: Some(i) }).collect()
}

#[test]
fn default_skip_list_records_type_and_ids() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    defaults(
        &AgentState {
            id: "agent-1".into(),
        },
        messages(12),
        &messages(3),
        Memory,
        "big text".into(),
        Vec::new(),
        "{\"q\":1}".into(),
        "agent-1",
    );
    let span = &recorder.named("trace_method_skip.defaults")[0];
    assert_eq!(
        text(span, "parameter.agent_state"),
        "<AgentState (excluded, id=agent-1)>"
    );
    assert_eq!(
        text(span, "parameter.messages"),
        "<Vec<Message> (excluded, ids=[1,2,3,4,5... (12 total)])>"
    );
    assert_eq!(
        text(span, "parameter.in_context_messages"),
        "<[Message] (excluded, ids=[1,2,3])>"
    );
    assert_eq!(text(span, "parameter.memory"), "<Memory (excluded)>");
    assert_eq!(text(span, "parameter.content"), "<String (excluded)>");
    assert_eq!(
        text(span, "parameter.chunks"),
        "<Vec<Message> (excluded, ids=[])>"
    );
    assert_eq!(text(span, "parameter.request_data"), "{\"q\":1}");
    assert_eq!(text(span, "parameter.agent_id"), "agent-1");
}

/// One function with every default-skipped name: all 16 are excluded.
#[trace_method]
#[allow(clippy::too_many_arguments)]
fn every_default(
    agent_state: u8,
    messages: u8,
    in_context_messages: u8,
    message_sequence: u8,
    content: u8,
    tool_returns: u8,
    memory: u8,
    sources: u8,
    context: u8,
    source_code: u8,
    system: u8,
    text_chunks: u8,
    embeddings: u8,
    embedding: u8,
    file_bytes: u8,
    chunks: u8,
    other: u8,
) -> u8 {
    agent_state
        + messages
        + in_context_messages
        + message_sequence
        + content
        + tool_returns
        + memory
        + sources
        + context
        + source_code
        + system
        + text_chunks
        + embeddings
        + embedding
        + file_bytes
        + chunks
        + other
}

#[test]
fn every_name_of_the_reference_list_is_skipped() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(
        every_default(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1),
        17
    );
    let span = &recorder.named("trace_method_skip.every_default")[0];
    let mut skipped = Vec::new();
    for kv in &span.attributes {
        if kv.key.as_str() == "parameter.other" {
            assert_eq!(kv.value, Value::I64(1));
            continue;
        }
        assert_eq!(kv.value.as_str(), "<u8 (excluded)>", "{}", kv.key);
        skipped.push(kv.key.as_str().trim_start_matches("parameter.").to_owned());
    }
    assert_eq!(skipped, SKIPPED_PARAMETERS);
}

#[trace_method(skip(secret_plan, agent_state))]
fn explicit_skip(secret_plan: &AgentState, agent_state: &AgentState, visible: i64) {
    let _ = (secret_plan, agent_state, visible);
}

#[test]
fn skip_option_adds_to_the_list() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let a = AgentState { id: "a1".into() };
    explicit_skip(&a, &a, 4);
    let span = &recorder.named("trace_method_skip.explicit_skip")[0];
    assert_eq!(
        text(span, "parameter.secret_plan"),
        "<redacted>",
        "redaction by name wins over skipping"
    );
    assert_eq!(
        text(span, "parameter.agent_state"),
        "<AgentState (excluded, id=a1)>"
    );
    assert_eq!(attr(span, "parameter.visible"), Some(Value::I64(4)));
}

#[trace_method(skip_all)]
fn skip_everything(messages: Vec<Message>, n: i64, request_data: &str) {
    let _ = (messages, n, request_data);
}

#[test]
fn skip_all_skips_everything_but_request_data() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    skip_everything(messages(2), 9, "body");
    let span = &recorder.named("trace_method_skip.skip_everything")[0];
    assert_eq!(
        text(span, "parameter.messages"),
        "<Vec<Message> (excluded, ids=[1,2])>"
    );
    assert_eq!(text(span, "parameter.n"), "<i64 (excluded)>");
    assert_eq!(text(span, "parameter.request_data"), "body");
}

#[trace_method(include(messages, n))]
fn include_only(messages: Vec<Message>, n: i64, other: &str) {
    let _ = (messages, n, other);
}

#[test]
fn include_records_only_the_named_parameters_in_full() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    include_only(messages(1), 2, "hidden");
    let span = &recorder.named("trace_method_skip.include_only")[0];
    assert_eq!(
        text(span, "parameter.messages"),
        "[Message { id: Some(1) }]",
        "include records a default-skipped name in full"
    );
    assert_eq!(attr(span, "parameter.n"), Some(Value::I64(2)));
    assert_eq!(attr(span, "parameter.other"), None);
}

#[test]
fn derive_uses_the_id_field() {
    test_peers::own_process!();
    assert_eq!(
        AgentState { id: "x".into() }.telemetry_id().as_deref(),
        Some("x")
    );
    assert_eq!(Message { id: None }.telemetry_id(), None);
    assert_eq!(Message { id: Some(5) }.telemetry_id().as_deref(), Some("5"));
}
