use letta_telemetry_macros::trace_method;

#[trace_method(name = step)]
fn f() {}

fn main() {}
