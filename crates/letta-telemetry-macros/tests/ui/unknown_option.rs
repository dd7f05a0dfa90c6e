use letta_telemetry_macros::trace_method;

#[trace_method(skip(a), level = "info")]
fn f(a: u8) {}

fn main() {}
