//! Off: without a tracer the call goes straight through and nothing is
//! formatted. Its own test binary, so no other test installs a tracer
//! first (the tracer provider is process-global).

mod counted_calls;

use std::sync::atomic::Ordering;

use counted_calls::{Counted, FORMATTED, async_call, sync_call};

#[tokio::test]
async fn without_a_tracer_nothing_is_recorded_or_formatted() {
    assert_eq!(sync_call(Counted(1)), Ok(1));
    assert_eq!(async_call(Counted(2)).await, 2);
    assert_eq!(FORMATTED.load(Ordering::SeqCst), 0);
    assert_eq!(letta_telemetry::trace_id(), None);
}
