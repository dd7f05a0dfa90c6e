use letta_telemetry_macros::trace_method;

#[trace_method(skip(agent, missing))]
fn f(agent: u8) {
    let _ = agent;
}

fn main() {}
