use letta_telemetry_macros::trace_method;

#[trace_method(include(nope))]
fn f(agent: u8) {
    let _ = agent;
}

fn main() {}
