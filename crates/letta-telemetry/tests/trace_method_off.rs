//! Off: without a tracer the call goes straight through and nothing is
//! formatted. Its own test binary, so no other test installs a tracer
//! first (the tracer provider is process-global).

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use letta_telemetry::trace_method;
use opentelemetry::trace::TraceContextExt as _;

static FORMATTED: AtomicUsize = AtomicUsize::new(0);

struct Counted(u32);

impl fmt::Debug for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.fetch_add(1, Ordering::SeqCst);
        write!(f, "Counted({})", self.0)
    }
}

#[trace_method]
fn sync_call(value: Counted) -> Result<u32, String> {
    let active = opentelemetry::Context::current().has_active_span();
    if active {
        return Err("a span is current".into());
    }
    Ok(value.0)
}

#[trace_method]
async fn async_call(value: Counted) -> u32 {
    tokio::task::yield_now().await;
    value.0
}

#[tokio::test]
async fn without_a_tracer_nothing_is_recorded_or_formatted() {
    assert_eq!(sync_call(Counted(1)), Ok(1));
    assert_eq!(async_call(Counted(2)).await, 2);
    assert_eq!(FORMATTED.load(Ordering::SeqCst), 0);
    assert_eq!(letta_telemetry::trace_id(), None);
}
