use letta_telemetry_macros::trace_method;

#[trace_method(skip(a, b, a))]
fn f(a: u8, b: u8) {}

fn main() {}
