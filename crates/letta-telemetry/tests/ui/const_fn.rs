use letta_telemetry::trace_method;

#[trace_method]
const fn f() -> u8 {
    1
}

fn main() {}
