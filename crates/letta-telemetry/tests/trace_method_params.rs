//! Each kind of parameter: strings, numbers and bools as themselves, other
//! values through `Debug`, non-`Debug` values by type name.

use std::borrow::Cow;
use std::fmt::Debug;

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;
use opentelemetry::Value;
use opentelemetry_sdk::trace::SpanData;

fn attr(span: &SpanData, key: &str) -> Option<Value> {
    letta_telemetry::testing::span_attribute(span, key).cloned()
}

#[derive(Debug)]
#[allow(dead_code)]
struct Config {
    model: &'static str,
    temperature: f32,
}

struct Opaque;

#[trace_method]
#[allow(clippy::too_many_arguments)]
fn kinds(
    s: &str,
    owned: String,
    cow: Cow<'_, str>,
    int: i32,
    big: u64,
    float: f64,
    flag: bool,
    letter: char,
    maybe: Option<i32>,
    config: Config,
    list: &[u8],
    opaque: Opaque,
) -> usize {
    let _ = (int, big, float, flag, letter, maybe, config, list, opaque);
    s.len() + owned.len() + cow.len()
}

#[trace_method]
fn generic<T: Debug, U>(debug: T, plain: U, text: impl AsRef<str>) -> usize {
    let _ = (debug, plain);
    text.as_ref().len()
}

#[test]
fn every_kind_of_parameter() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let n = kinds(
        "a",
        "bb".into(),
        Cow::Borrowed("ccc"),
        -5,
        u64::MAX,
        1.5,
        true,
        'é',
        Some(3),
        Config {
            model: "gpt",
            temperature: 0.5,
        },
        &[1, 2],
        Opaque,
    );
    assert_eq!(n, 6, "the call itself is unchanged");
    let span = &recorder.named("trace_method_params.kinds")[0];
    assert_eq!(attr(span, "parameter.s"), Some(Value::from("a")));
    assert_eq!(attr(span, "parameter.owned"), Some(Value::from("bb")));
    assert_eq!(attr(span, "parameter.cow"), Some(Value::from("ccc")));
    assert_eq!(attr(span, "parameter.int"), Some(Value::I64(-5)));
    assert_eq!(
        attr(span, "parameter.big"),
        Some(Value::from(u64::MAX.to_string())),
        "integers beyond i64 are recorded as text"
    );
    assert_eq!(attr(span, "parameter.float"), Some(Value::F64(1.5)));
    assert_eq!(attr(span, "parameter.flag"), Some(Value::Bool(true)));
    assert_eq!(attr(span, "parameter.letter"), Some(Value::from("é")));
    assert_eq!(attr(span, "parameter.maybe"), Some(Value::from("Some(3)")));
    assert_eq!(
        attr(span, "parameter.config"),
        Some(Value::from(r#"Config { model: "gpt", temperature: 0.5 }"#))
    );
    assert_eq!(attr(span, "parameter.list"), Some(Value::from("[1, 2]")));
    assert_eq!(
        attr(span, "parameter.opaque"),
        Some(Value::from("<serialization failed: Opaque>"))
    );
}

#[test]
fn generic_and_impl_trait_parameters() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(generic(vec![1u8], Opaque, "xyz"), 3);
    let span = &recorder.named("trace_method_params.generic")[0];
    assert_eq!(attr(span, "parameter.debug"), Some(Value::from("[1]")));
    // Without a `Debug` bound the value is recorded by its concrete type name.
    assert_eq!(
        attr(span, "parameter.plain"),
        Some(Value::from("<serialization failed: Opaque>"))
    );
    assert_eq!(
        attr(span, "parameter.text"),
        Some(Value::from("<serialization failed: str>"))
    );
}

struct Agent {
    name: String,
}

impl Agent {
    #[trace_method]
    fn rename(&mut self, name: String) -> String {
        std::mem::replace(&mut self.name, name)
    }
}

#[test]
fn receiver_is_never_recorded() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let mut agent = Agent { name: "a".into() };
    assert_eq!(agent.rename("b".into()), "a");
    let span = &recorder.named("Agent.rename")[0];
    let keys: Vec<_> = span.attributes.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["parameter.name"]);
}

#[trace_method(fields(agent.kind = "memgpt", "llm.model" = model.to_uppercase(), step = 3_i64))]
fn with_fields(model: &str) {}

#[test]
fn extra_fields_are_attributes() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    with_fields("gpt");
    let span = &recorder.named("trace_method_params.with_fields")[0];
    assert_eq!(attr(span, "agent.kind"), Some(Value::from("memgpt")));
    assert_eq!(attr(span, "llm.model"), Some(Value::from("GPT")));
    assert_eq!(attr(span, "step"), Some(Value::I64(3)));
    assert_eq!(attr(span, "parameter.model"), Some(Value::from("gpt")));
}

#[derive(Debug)]
struct Point {
    x: i64,
    y: i64,
}

#[trace_method]
fn destructured((a, b): (i64, &str), Point { x, y: height }: Point, _: u8) -> i64 {
    a + x + height + b.len() as i64
}

#[test]
fn destructured_parameters_record_each_binding() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(destructured((1, "ab"), Point { x: 3, y: 4 }, 9), 10);
    let span = &recorder.named("trace_method_params.destructured")[0];
    assert_eq!(attr(span, "parameter.a"), Some(Value::I64(1)));
    assert_eq!(attr(span, "parameter.b"), Some(Value::from("ab")));
    assert_eq!(attr(span, "parameter.x"), Some(Value::I64(3)));
    assert_eq!(attr(span, "parameter.height"), Some(Value::I64(4)));
    let parameters = span
        .attributes
        .iter()
        .filter(|kv| kv.key.as_str().starts_with("parameter."))
        .count();
    assert_eq!(
        parameters, 4,
        "the wildcard binds nothing: {:?}",
        span.attributes
    );
}
