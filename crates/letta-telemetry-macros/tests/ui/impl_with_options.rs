use letta_telemetry_macros::trace_method;

struct S;

#[trace_method(skip_all)]
impl S {
    fn f(&self) {}
}

fn main() {}
