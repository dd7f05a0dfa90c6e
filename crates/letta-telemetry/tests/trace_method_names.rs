//! Span names: `module.function`, `Type.method`, impl blocks, `name = ...`.

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;

mod agents {
    use super::trace_method;

    #[trace_method]
    pub fn free_fn(x: i64) -> i64 {
        x + 1
    }

    #[trace_method]
    pub async fn async_free() -> u8 {
        7
    }

    pub struct Agent;

    impl Agent {
        #[trace_method]
        pub fn step(&self, n: u32) -> u32 {
            n
        }

        #[trace_method]
        pub fn assoc() -> Self {
            Agent
        }

        #[trace_method(name = "custom.name")]
        pub fn renamed(&self) {}

        #[trace_method]
        #[allow(clippy::boxed_local)]
        pub fn boxed(self: Box<Self>) {}
    }

    pub struct Generic<T>(pub T);

    impl<T: Clone> Generic<T> {
        #[trace_method]
        pub fn get(&self) -> T {
            self.0.clone()
        }
    }

    pub struct Store;

    #[trace_method]
    impl Store {
        pub fn open() -> Self {
            Store
        }

        #[trace_method(name = "S.renamed")]
        pub fn x(&self) {}

        pub fn plain(&self, a: i32) -> i32 {
            a
        }

        pub const fn untouched() -> u8 {
            1
        }
    }

    pub trait Greeter {
        #[trace_method]
        fn greet(&self) -> &'static str {
            "hi"
        }
    }

    impl Greeter for Agent {}
    impl Greeter for Store {}
}

use agents::*;

fn names(recorder: &letta_telemetry::testing::SpanRecorder) -> Vec<String> {
    recorder
        .spans()
        .into_iter()
        .map(|s| s.name.into_owned())
        .collect()
}

#[test]
fn free_function_is_module_dot_function() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(free_fn(1), 2);
    assert_eq!(names(&recorder), ["agents.free_fn"]);
}

#[tokio::test]
async fn async_free_function_is_module_dot_function() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    assert_eq!(async_free().await, 7);
    assert_eq!(names(&recorder), ["agents.async_free"]);
}

#[test]
fn methods_are_type_dot_method() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    Agent.step(3);
    Generic(String::from("g")).get();
    Box::new(Agent).boxed();
    assert_eq!(
        names(&recorder),
        ["Agent.step", "Generic.get", "Agent.boxed"]
    );
}

#[test]
fn associated_function_without_impl_attribute_is_module_dot_function() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let _ = Agent::assoc();
    assert_eq!(names(&recorder), ["agents.assoc"]);
}

#[test]
fn name_option_overrides() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    Agent.renamed();
    Store.x();
    assert_eq!(names(&recorder), ["custom.name", "S.renamed"]);
}

#[test]
fn impl_block_attribute_names_every_function() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    let store = Store::open();
    assert_eq!(store.plain(5), 5);
    assert_eq!(Store::untouched(), 1);
    assert_eq!(names(&recorder), ["Store.open", "Store.plain"]);
    let plain = &recorder.named("Store.plain")[0];
    assert!(
        plain
            .attributes
            .iter()
            .any(|kv| kv.key.as_str() == "parameter.a"),
        "parameters are recorded for impl-block functions"
    );
}

#[test]
fn trait_default_method_is_named_per_implementor() {
    test_peers::own_process!();
    let recorder = install_span_recorder();
    Agent.greet();
    Store.greet();
    Agent.greet();
    assert_eq!(
        names(&recorder),
        ["Agent.greet", "Store.greet", "Agent.greet"]
    );
}
