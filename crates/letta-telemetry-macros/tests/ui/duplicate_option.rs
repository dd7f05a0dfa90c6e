use letta_telemetry_macros::trace_method;

#[trace_method(name = "a.b", name = "c.d")]
fn f() {}

fn main() {}
