use letta_telemetry_macros::trace_method;

#[trace_method(fields(agent.id = 1_i64, agent.id = 2_i64))]
fn f() {}

fn main() {}
