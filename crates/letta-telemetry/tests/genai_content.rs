//! GenAI content capture: off by default (nothing built, nothing recorded),
//! on spans, in the operation-details event, redacted and bounded.

use std::cell::Cell;

use letta_telemetry::genai::{
    self, InputContent, LlmCall, LlmResponse, Message, MessagePart, ToolDefinition, ToolExecution,
};
use letta_telemetry::settings::ContentCapture;
use letta_telemetry::testing::{self, span_attribute as attr};
use letta_telemetry::trace_method::MAX_PARAM_SIZE;
use opentelemetry::Value;
use opentelemetry_sdk::trace::SpanData;
use serde_json::json;

const CONTENT_KEYS: [&str; 4] = [
    "gen_ai.system_instructions",
    "gen_ai.input.messages",
    "gen_ai.output.messages",
    "gen_ai.tool.definitions",
];

fn input() -> InputContent {
    InputContent {
        system_instructions: vec!["You are a helpful agent.".into()],
        messages: vec![
            Message::text("user", "weather in Paris?"),
            Message::new("assistant").part(MessagePart::ToolCall {
                id: Some("call_1".into()),
                name: "get_weather".into(),
                arguments: r#"{"city":"Paris","api_key":"sk-canary"}"#.into(),
            }),
            Message::new("tool").part(MessagePart::ToolCallResponse {
                id: Some("call_1".into()),
                response: "rainy".into(),
            }),
        ],
        tools: vec![ToolDefinition {
            name: "get_weather".into(),
            description: Some("Current weather of a city".into()),
            parameters: Some(json!({"type": "object"})),
        }],
    }
}

/// One model call with content, finished with an output message.
fn call_with_content(model: &str, built: &Cell<bool>) {
    let mut call = LlmCall::builder("openai", model).start();
    call.capture_input(|| {
        built.set(true);
        input()
    });
    call.finish(
        LlmResponse::new()
            .usage(10, 2)
            .output_message(Message::text("assistant", "It rains.").finish_reason("stop")),
    );
}

fn json_attr(span: &SpanData, key: &str) -> serde_json::Value {
    match attr(span, key) {
        Some(Value::String(s)) => serde_json::from_str(s.as_str()).expect("valid JSON"),
        other => panic!("{key}: {other:?}"),
    }
}

#[test]
fn content_is_off_by_default_and_never_built() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    assert_eq!(genai::content_capture(), ContentCapture::NoContent);
    let built = Cell::new(false);
    call_with_content("m-off", &built);
    assert!(!built.get(), "the content closure ran with capture off");
    let span = spans.named("chat m-off").pop().expect("span");
    for key in CONTENT_KEYS {
        assert!(
            attr(&span, key).is_none(),
            "{key} recorded with capture off"
        );
    }
    assert!(span.events.iter().all(|e| !e.name.starts_with("gen_ai.")));
}

#[test]
fn span_only_records_the_conventions_shapes_with_secrets_redacted() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    genai::set_content_capture(ContentCapture::SpanOnly);
    let built = Cell::new(false);
    call_with_content("m-span", &built);
    assert!(built.get());
    let span = spans.named("chat m-span").pop().expect("span");
    assert_eq!(
        json_attr(&span, "gen_ai.system_instructions"),
        json!([{"type": "text", "content": "You are a helpful agent."}])
    );
    let input = json_attr(&span, "gen_ai.input.messages");
    assert_eq!(
        input[0],
        json!({"role": "user", "parts": [{"type": "text", "content": "weather in Paris?"}]})
    );
    assert_eq!(
        input[1]["parts"][0],
        json!({"type": "tool_call", "id": "call_1", "name": "get_weather",
               "arguments": {"city": "Paris", "api_key": "<redacted>"}})
    );
    assert_eq!(input[2]["parts"][0]["type"], "tool_call_response");
    assert_eq!(
        json_attr(&span, "gen_ai.output.messages"),
        json!([{"role": "assistant", "parts": [{"type": "text", "content": "It rains."}],
                "finish_reason": "stop"}])
    );
    assert_eq!(
        json_attr(&span, "gen_ai.tool.definitions")[0]["name"],
        "get_weather"
    );
    let everything = format!("{span:?}");
    assert!(
        !everything.contains("sk-canary"),
        "a secret reached the span"
    );
    assert!(span.events.iter().all(|e| !e.name.starts_with("gen_ai.")));
}

#[test]
fn event_only_puts_the_content_in_the_operation_details_event() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    genai::set_content_capture(ContentCapture::EventOnly);
    call_with_content("m-event", &Cell::new(false));
    let span = spans.named("chat m-event").pop().expect("span");
    for key in CONTENT_KEYS {
        assert!(
            attr(&span, key).is_none(),
            "{key} on the span under EVENT_ONLY"
        );
    }
    let event = span
        .events
        .iter()
        .find(|e| e.name == "gen_ai.client.inference.operation.details")
        .expect("details event");
    let keys: Vec<String> = event
        .attributes
        .iter()
        .map(|kv| kv.key.to_string())
        .collect();
    for key in CONTENT_KEYS {
        assert!(
            keys.contains(&key.to_owned()),
            "{key} missing from {keys:?}"
        );
    }
}

#[test]
fn a_huge_prompt_is_cut_at_the_parameter_limit_and_marked() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    genai::set_content_capture(ContentCapture::SpanAndEvent);
    let huge = "z".repeat(50 * 1024 * 1024);
    let mut call = LlmCall::builder("openai", "m-huge").start();
    call.capture_input(|| InputContent {
        messages: vec![Message::text("user", huge.clone())],
        ..InputContent::default()
    });
    call.finish(LlmResponse::new());
    let span = spans.named("chat m-huge").pop().expect("span");
    let Some(Value::String(messages)) = attr(&span, "gen_ai.input.messages") else {
        panic!("no input messages");
    };
    assert!(
        messages.as_str().len() < MAX_PARAM_SIZE + 1024,
        "{} bytes",
        messages.as_str().len()
    );
    let parsed: serde_json::Value = serde_json::from_str(messages.as_str()).expect("still JSON");
    let content = parsed[0]["parts"][0]["content"].as_str().expect("text");
    assert!(content.ends_with("... (truncated, original size: 52428800 chars)"));
    assert_eq!(
        attr(&span, "letta.content.truncated"),
        Some(&Value::Bool(true))
    );
}

#[test]
fn tool_arguments_and_results_are_recorded_under_capture_only() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    ToolExecution::builder("lookup")
        .arguments(r#"{"q":"x","password":"hunter2"}"#)
        .start()
        .finish_with_result(true, "found");
    genai::set_content_capture(ContentCapture::SpanOnly);
    ToolExecution::builder("lookup2")
        .arguments(r#"{"q":"x","password":"hunter2"}"#)
        .start()
        .finish_with_result(true, "found");

    let off = spans.named("execute_tool lookup").pop().expect("span");
    assert!(attr(&off, "gen_ai.tool.call.arguments").is_none());
    assert!(attr(&off, "gen_ai.tool.call.result").is_none());
    assert_eq!(
        attr(&off, "gen_ai.tool.type"),
        Some(&Value::from("function"))
    );
    let on = spans.named("execute_tool lookup2").pop().expect("span");
    assert_eq!(
        json_attr(&on, "gen_ai.tool.call.arguments"),
        json!({"q": "x", "password": "<redacted>"})
    );
    assert_eq!(
        attr(&on, "gen_ai.tool.call.result"),
        Some(&Value::from("found"))
    );
}
