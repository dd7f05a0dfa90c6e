use letta_telemetry::trace_method;

#[trace_method(name = "")]
fn f() {}

fn main() {}
