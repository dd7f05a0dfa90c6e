//! The conventions' client metrics of model calls, recorded through
//! instruments bound per attribute set, and unbound beyond the cache's
//! room: the same series either way.

use letta_telemetry::genai::{LlmCall, LlmResponse};
use letta_telemetry::testing::{self, MetricPoint, PointValue};
use opentelemetry::Value;

const DURATION: &str = "gen_ai.client.operation.duration";
const TOKENS: &str = "gen_ai.client.token.usage";

fn sum(point: &MetricPoint) -> f64 {
    match &point.value {
        PointValue::Histogram { sum, .. } => *sum,
        other => panic!("not a histogram: {other:?}"),
    }
}

/// The points of `name` whose request model is `model`.
fn of_model<'a>(points: &'a [MetricPoint], name: &str, model: &str) -> Vec<&'a MetricPoint> {
    let model = Value::from(model.to_owned());
    points
        .iter()
        .filter(|p| p.name == name && p.attribute("gen_ai.request.model") == Some(&model))
        .collect()
}

#[test]
fn repeated_calls_add_up_in_one_series_and_every_attribute_set_gets_its_own() {
    test_peers::own_process!();
    let metrics = testing::install_metric_recorder();
    for _ in 0..3 {
        LlmCall::builder("openai", "gpt-a")
            .start()
            .finish(LlmResponse::new().usage(10, 2));
    }
    // far more attribute sets than the bound cache holds
    let models: Vec<String> = (0..150).map(|i| format!("model-{i}")).collect();
    for model in &models {
        LlmCall::builder("anthropic", model.as_str())
            .start()
            .finish(LlmResponse::new().usage(7, 1));
    }

    let points = metrics.collect();
    let durations = of_model(&points, DURATION, "gpt-a");
    assert_eq!(durations.len(), 1, "{durations:#?}");
    assert_eq!(durations[0].count(), 3);
    let tokens = of_model(&points, TOKENS, "gpt-a");
    assert_eq!(tokens.len(), 2, "input and output: {tokens:#?}");
    for point in tokens {
        let expected = match point.attribute("gen_ai.token.type") {
            Some(v) if *v == Value::from("input") => 30.0,
            Some(v) if *v == Value::from("output") => 6.0,
            other => panic!("token type {other:?}"),
        };
        assert_eq!((point.count(), sum(point)), (3, expected));
    }
    for model in &models {
        let durations = of_model(&points, DURATION, model);
        assert_eq!(durations.len(), 1, "{model}: {durations:#?}");
        assert_eq!(durations[0].count(), 1, "{model}");
        let tokens = of_model(&points, TOKENS, model);
        let mut sums: Vec<f64> = tokens.iter().map(|p| sum(p)).collect();
        sums.sort_by(f64::total_cmp);
        assert_eq!(sums, [1.0, 7.0], "{model}");
    }
}
