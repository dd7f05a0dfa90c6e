//! Sampled out: a GenAI handle (agent step, model call, tool execution)
//! under a parent that is not sampled starts no span. It runs in its
//! parent's context, so its children and outgoing requests carry the
//! caller's span id and decision. Its metrics are still recorded.
//! Sampled in, the same handles record their spans.

use letta_telemetry::genai::{AgentStep, LlmCall, LlmResponse, ToolExecution};
use letta_telemetry::testing;
use opentelemetry::Context;
use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
};

fn parent(flags: TraceFlags) -> Context {
    Context::new().with_remote_span_context(SpanContext::new(
        TraceId::from(7u128),
        SpanId::from(9u64),
        flags,
        true,
        TraceState::default(),
    ))
}

/// The span context current in `cx`.
fn span_context(cx: &Context) -> SpanContext {
    cx.span().span_context().clone()
}

#[test]
fn handles_under_an_unsampled_parent_start_no_span_and_keep_its_context() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    let metrics = testing::install_metric_recorder();
    let unsampled = parent(TraceFlags::default());

    let step = AgentStep::start_with_parent("step-1", Some(&unsampled));
    let call = LlmCall::builder("openai", "gpt-4o")
        .parent(step.context())
        .start();
    let tool = ToolExecution::builder("search")
        .parent(call.context())
        .start();
    for cx in [step.context(), call.context(), tool.context()] {
        // the caller's own span context: no span of its own
        assert_eq!(span_context(cx), span_context(&unsampled));
    }
    tool.finish(true);
    call.finish(LlmResponse::new().usage(10, 5));
    step.finish();
    assert!(spans.spans().is_empty(), "{:#?}", spans.spans());
    let names: Vec<String> = metrics.collect().into_iter().map(|p| p.name).collect();
    for name in ["hist_llm_execution_time_ms", "hist_message_input_tokens"] {
        assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
    }

    // sampled in: the same handles record their spans, under the caller
    let sampled = parent(TraceFlags::SAMPLED);
    let step = AgentStep::start_with_parent("step-2", Some(&sampled));
    let call = LlmCall::builder("openai", "gpt-4o")
        .parent(step.context())
        .start();
    let call_span = span_context(call.context());
    assert!(call_span.is_sampled());
    assert_ne!(call_span.span_id(), SpanId::from(9u64));
    call.finish(LlmResponse::new().usage(10, 5));
    step.finish();
    let recorded = spans.spans();
    let chat = recorded
        .iter()
        .find(|s| s.name == "chat gpt-4o")
        .unwrap_or_else(|| panic!("no chat span in {recorded:#?}"));
    assert_eq!(chat.span_context.trace_id(), TraceId::from(7u128));
    assert_eq!(
        testing::span_attribute(chat, "gen_ai.request.model"),
        Some(&opentelemetry::Value::from("gpt-4o".to_owned()))
    );
    assert_eq!(recorded.len(), 2, "{recorded:#?}");
}
