use letta_telemetry_macros::trace_method;

#[trace_method]
struct S;

fn main() {}
