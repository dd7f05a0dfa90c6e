use letta_telemetry::TelemetryId;

#[derive(TelemetryId)]
struct Agent {
    name: String,
}

fn main() {}
