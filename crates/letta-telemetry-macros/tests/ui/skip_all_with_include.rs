use letta_telemetry_macros::trace_method;

#[trace_method(include(a), skip_all)]
fn f(a: u8) {}

fn main() {}
