use letta_telemetry_macros::trace_method;

#[trace_method(skip(a), skip(b))]
fn f(a: u8, b: u8) {}

fn main() {}
