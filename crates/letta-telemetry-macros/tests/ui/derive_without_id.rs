use letta_telemetry_macros::TelemetryId;

#[derive(TelemetryId)]
struct Agent {
    name: String,
}

fn main() {}
