//! The GenAI conventions beyond the reference: request parameters, the
//! model endpoint, time to first chunk, the conventions' client metrics,
//! and agent steps as `invoke_agent` spans.

use letta_telemetry::genai::{AgentStep, LlmCall, LlmRequest, LlmResponse};
use letta_telemetry::testing::{self, PointValue, span_attribute as attr};
use opentelemetry::trace::SpanKind;
use opentelemetry::{Array, StringValue, Value};

#[test]
fn request_parameters_endpoint_and_first_chunk_are_on_the_span() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    let call = LlmCall::builder("openai", "gpt-x")
        .request(
            LlmRequest::new()
                .temperature(0.7)
                .top_p(0.9)
                .max_tokens(1024)
                .stop_sequence("END")
                .seed(42)
                .frequency_penalty(0.1)
                .presence_penalty(0.2)
                .choice_count(1)
                .stream(true),
        )
        .server("api.example.com", 443)
        .start();
    call.first_token();
    call.finish(
        LlmResponse::new()
            .response_id("chatcmpl-1")
            .cache_creation_input_tokens(7)
            .cost_usd(0.25),
    );
    let span = spans.named("chat gpt-x").pop().expect("span");
    let expected = [
        ("gen_ai.request.temperature", Value::F64(0.7)),
        ("gen_ai.request.top_p", Value::F64(0.9)),
        ("gen_ai.request.max_tokens", Value::I64(1024)),
        ("gen_ai.request.seed", Value::I64(42)),
        ("gen_ai.request.frequency_penalty", Value::F64(0.1)),
        ("gen_ai.request.presence_penalty", Value::F64(0.2)),
        ("gen_ai.request.stream", Value::Bool(true)),
        ("server.address", Value::from("api.example.com")),
        ("server.port", Value::I64(443)),
        ("gen_ai.response.id", Value::from("chatcmpl-1")),
        ("gen_ai.usage.cache_creation.input_tokens", Value::I64(7)),
        // The reference's cost, and the same under Langfuse's name.
        ("letta.cost_usd", Value::F64(0.25)),
        ("gen_ai.usage.cost", Value::F64(0.25)),
    ];
    for (key, value) in expected {
        assert_eq!(attr(&span, key), Some(&value), "{key}");
    }
    assert_eq!(
        attr(&span, "gen_ai.request.stop_sequences"),
        Some(&Value::Array(Array::String(vec![StringValue::from("END")])))
    );
    // A choice count of 1 is the default and is not recorded.
    assert!(attr(&span, "gen_ai.request.choice.count").is_none());
    assert!(matches!(
        attr(&span, "gen_ai.response.time_to_first_chunk"),
        Some(Value::F64(s)) if *s >= 0.0
    ));
    // The reference's event stays.
    assert!(span.events.iter().any(|e| e.name == "time_to_first_token"));
}

#[test]
fn the_conventions_client_metrics_carry_their_attributes() {
    test_peers::own_process!();
    let metrics = testing::install_metric_recorder();
    let call = LlmCall::builder("openai", "gpt-m")
        .server("api.example.com", 443)
        .start();
    call.first_token();
    call.finish(LlmResponse::new().response_model("gpt-m-1").usage(100, 20));
    LlmCall::builder("openai", "gpt-m")
        .start()
        .fail("timeout", "took too long");

    let points = metrics.collect();
    let usage: Vec<_> = points
        .iter()
        .filter(|p| p.name == "gen_ai.client.token.usage")
        .collect();
    assert_eq!(usage.len(), 2, "{points:#?}");
    for point in &usage {
        assert_eq!(point.unit, "{token}");
        assert_eq!(
            point.attribute("gen_ai.response.model"),
            Some(&Value::from("gpt-m-1"))
        );
        assert_eq!(point.attribute("server.port"), Some(&Value::I64(443)));
        let expected = match point.attribute("gen_ai.token.type") {
            Some(v) if *v == Value::from("input") => 100.0,
            Some(v) if *v == Value::from("output") => 20.0,
            other => panic!("token type {other:?}"),
        };
        let PointValue::Histogram { sum, bounds, .. } = &point.value else {
            panic!("not a histogram: {point:?}");
        };
        assert_eq!(*sum, expected);
        // The conventions' advisory boundaries: powers of 4 from 1 to 4^13.
        assert_eq!(bounds.len(), 14);
        assert_eq!((bounds[0], bounds[1], bounds[13]), (1.0, 4.0, 67108864.0));
    }
    let durations: Vec<_> = points
        .iter()
        .filter(|p| p.name == "gen_ai.client.operation.duration")
        .collect();
    assert_eq!(
        durations.len(),
        2,
        "one success, one failure: {durations:#?}"
    );
    for point in &durations {
        assert_eq!(point.unit, "s");
        let PointValue::Histogram { bounds, .. } = &point.value else {
            panic!("not a histogram: {point:?}");
        };
        assert_eq!((bounds[0], bounds[13]), (0.01, 81.92));
    }
    assert!(
        durations
            .iter()
            .any(|p| p.attribute("error.type") == Some(&Value::from("timeout")))
    );
    let first_chunk = points
        .iter()
        .find(|p| p.name == "gen_ai.client.operation.time_to_first_chunk")
        .expect("time to first chunk");
    assert_eq!(first_chunk.unit, "s");
    assert_eq!(
        first_chunk.attribute("gen_ai.operation.name"),
        Some(&Value::from("chat"))
    );
}

#[test]
fn an_agent_step_is_an_invoke_agent_span_that_keeps_the_reference_name() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    let step = AgentStep::builder("step-1")
        .agent_id("agent-1")
        .agent_name("helper")
        .conversation_id("conv-1")
        .provider("openai")
        .start();
    step.add_usage(100, 10);
    step.add_usage(50, 5);
    step.finish();

    // Legacy names are on by default: the dashboards' `agent_step`.
    let span = spans.named("agent_step").pop().expect("agent_step span");
    assert_eq!(span.span_kind, SpanKind::Internal);
    let expected = [
        ("gen_ai.operation.name", Value::from("invoke_agent")),
        ("gen_ai.agent.id", Value::from("agent-1")),
        ("gen_ai.agent.name", Value::from("helper")),
        ("gen_ai.conversation.id", Value::from("conv-1")),
        ("gen_ai.provider.name", Value::from("openai")),
        ("gen_ai.usage.input_tokens", Value::I64(150)),
        ("gen_ai.usage.output_tokens", Value::I64(15)),
        ("step.id", Value::from("step-1")),
    ];
    for (key, value) in expected {
        assert_eq!(attr(&span, key), Some(&value), "{key}");
    }
}

#[test]
fn without_legacy_names_the_step_is_named_invoke_agent_and_the_agent() {
    test_peers::own_process!();
    let spans = testing::install_span_recorder();
    testing::set_legacy_attributes(false);
    AgentStep::builder("step-2")
        .agent_name("helper")
        .start()
        .finish();
    AgentStep::start("step-3").finish();
    assert_eq!(spans.named("invoke_agent helper").len(), 1);
    assert_eq!(spans.named("invoke_agent").len(), 1);
    assert!(spans.named("agent_step").is_empty());
}
