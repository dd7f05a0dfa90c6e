use letta_telemetry_macros::trace_method;

#[trace_method(name = "")]
fn f() {}

fn main() {}
