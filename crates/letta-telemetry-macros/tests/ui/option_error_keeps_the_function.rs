use letta_telemetry_macros::trace_method;

// One error, on the option: the function is still emitted, so its callers
// do not add "cannot find function" errors.
#[trace_method(level = "info")]
fn traced(a: u8) -> u8 {
    a
}

fn main() {
    let _ = traced(1);
}
