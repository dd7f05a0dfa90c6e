use letta_telemetry::trace_method;

#[trace_method(name = "a.b", name = "c.d")]
fn f() {}

fn main() {}
