use letta_telemetry_macros::trace_method;

#[trace_method]
const fn f() -> u8 {
    1
}

fn main() {}
