//! letta-otel
fn main() {}
