use letta_telemetry_macros::trace_method;

// The syntax error is reported where it is, not as a misuse of the attribute.
#[trace_method]
fn traced(a: u8) -> u8 {
    let b = ;
    a
}

fn main() {
    let _ = traced(1);
}
