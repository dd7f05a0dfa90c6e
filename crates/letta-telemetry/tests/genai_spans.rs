//! GenAI spans (semantic conventions) and the metrics recorded with them.

use letta_telemetry::genai::{AgentStep, LlmCall, LlmResponse, ToolExecution};
use letta_telemetry::testing;
use opentelemetry::trace::{SpanKind, Status};
use opentelemetry::{Array, StringValue, Value};
use opentelemetry_sdk::trace::SpanData;

use letta_telemetry::testing::span_attribute as attr;

fn s(v: &str) -> Value {
    Value::from(v.to_owned())
}

fn only(spans: Vec<SpanData>, name: &str) -> SpanData {
    assert_eq!(spans.len(), 1, "{name}: {spans:#?}");
    spans.into_iter().next().unwrap_or_else(|| unreachable!())
}

#[test]
fn model_call_is_a_genai_client_span_and_metrics() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    let metrics = testing::install_metric_recorder();
    let step = AgentStep::start("step-1");
    let call = LlmCall::builder("openai", "gpt-4o")
        .parent(step.context())
        .start();
    call.first_token();
    call.first_token(); // only the first counts
    call.finish(
        LlmResponse::new()
            .response_model("gpt-4o-2024-08-06")
            .usage(1200, 250)
            .cached_input_tokens(1000)
            .cost_usd(0.0042)
            .finish_reason("stop"),
    );
    step.finish();

    let chat = only(spans.named("chat gpt-4o"), "chat gpt-4o");
    assert_eq!(chat.span_kind, SpanKind::Client);
    assert_eq!(chat.status, Status::Ok);
    assert_eq!(attr(&chat, "gen_ai.operation.name"), Some(&s("chat")));
    assert_eq!(attr(&chat, "gen_ai.provider.name"), Some(&s("openai")));
    assert_eq!(attr(&chat, "gen_ai.request.model"), Some(&s("gpt-4o")));
    assert_eq!(
        attr(&chat, "gen_ai.response.model"),
        Some(&s("gpt-4o-2024-08-06"))
    );
    assert_eq!(
        attr(&chat, "gen_ai.usage.input_tokens"),
        Some(&Value::I64(1200))
    );
    assert_eq!(
        attr(&chat, "gen_ai.usage.output_tokens"),
        Some(&Value::I64(250))
    );
    assert_eq!(
        attr(&chat, "gen_ai.usage.cache_read.input_tokens"),
        Some(&Value::I64(1000))
    );
    assert_eq!(
        attr(&chat, "gen_ai.response.finish_reasons"),
        Some(&Value::Array(Array::String(vec![StringValue::from(
            "stop"
        )])))
    );
    let ttft: Vec<_> = chat
        .events
        .iter()
        .filter(|e| e.name == "time_to_first_token")
        .collect();
    assert_eq!(ttft.len(), 1);
    assert!(
        ttft[0]
            .attributes
            .iter()
            .any(|kv| kv.key.as_str() == "ttft_ms")
    );

    let step_span = only(spans.named("agent_step"), "agent_step");
    assert_eq!(chat.parent_span_id, step_span.span_context.span_id());
    assert_eq!(attr(&step_span, "step.id"), Some(&s("step-1")));

    let points = metrics.collect();
    let names: Vec<&str> = points.iter().map(|p| p.name.as_str()).collect();
    for name in [
        "hist_ttft_ms",
        "hist_llm_execution_time_ms",
        "hist_message_input_tokens",
        "hist_message_output_tokens",
        "hist_message_cost_usd",
        "hist_step_execution_time_ms",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let ttft = points
        .iter()
        .find(|p| p.name == "hist_ttft_ms")
        .unwrap_or_else(|| unreachable!());
    assert_eq!(ttft.count(), 1);
    assert_eq!(ttft.attribute("model"), Some(&s("gpt-4o")));
}

#[test]
fn tool_execution_span_and_counter() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    let metrics = testing::install_metric_recorder();
    ToolExecution::builder("web_search")
        .step_id("step-7")
        .call_id("call-1")
        .start()
        .fail("TimeoutError", "took too long");
    ToolExecution::builder("web_search").start().finish(true);

    let tools = spans.named("execute_tool web_search");
    assert_eq!(tools.len(), 2);
    let failed = tools
        .iter()
        .find(|s| matches!(s.status, Status::Error { .. }))
        .unwrap_or_else(|| panic!("{tools:#?}"));
    assert_eq!(
        attr(failed, "gen_ai.operation.name"),
        Some(&s("execute_tool"))
    );
    assert_eq!(attr(failed, "gen_ai.tool.name"), Some(&s("web_search")));
    assert_eq!(attr(failed, "gen_ai.tool.call.id"), Some(&s("call-1")));
    assert_eq!(attr(failed, "error.type"), Some(&s("TimeoutError")));

    let counts = metrics.named("count_tool_execution");
    assert_eq!(counts.len(), 2, "{counts:#?}");
    let failed = counts
        .iter()
        .find(|p| p.attribute("success") == Some(&Value::Bool(false)))
        .unwrap_or_else(|| panic!("{counts:#?}"));
    assert_eq!(failed.attribute("step_id"), Some(&s("step-7")));
}

#[test]
fn dropped_handles_are_recorded_as_cancelled() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    let _metrics = testing::install_metric_recorder();
    drop(LlmCall::builder("anthropic", "claude").start());
    let call = only(spans.named("chat claude"), "chat claude");
    assert!(matches!(call.status, Status::Error { .. }));
    assert_eq!(attr(&call, "error.type"), Some(&s("cancelled")));
}

#[test]
fn provider_timeout_is_counted() {
    test_peers::own_process!();
    let _spans = testing::install_span_recorder();
    let metrics = testing::install_metric_recorder();
    LlmCall::builder("openai", "gpt-4o")
        .start()
        .fail("timeout", "no answer in 60 s");
    let t = metrics.named("provider_timeout_total");
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].attribute("provider"), Some(&s("openai")));
}
