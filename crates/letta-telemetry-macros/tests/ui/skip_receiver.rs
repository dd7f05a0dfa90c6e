use letta_telemetry_macros::trace_method;

struct S;

impl S {
    #[trace_method(skip(self))]
    fn f(&self) {}
}

fn main() {}
