use letta_telemetry::trace_method;

#[trace_method(name = step)]
fn f() {}

fn main() {}
