use letta_telemetry::trace_method;

#[trace_method(skip(agent, missing))]
fn f(agent: u8) {
    let _ = agent;
}

fn main() {}
