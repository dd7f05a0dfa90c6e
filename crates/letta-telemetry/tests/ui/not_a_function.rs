use letta_telemetry::trace_method;

#[trace_method]
struct S;

fn main() {}
