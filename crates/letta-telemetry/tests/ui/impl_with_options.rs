use letta_telemetry::trace_method;

struct S;

#[trace_method(skip_all)]
impl S {
    fn f(&self) {}
}

fn main() {}
