//! Traced calls whose parameter counts how often it is formatted, for the
//! tests of calls that must format nothing. Each test binary that includes
//! this module has its own counter.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use letta_telemetry::trace_method;
use opentelemetry::trace::TraceContextExt as _;

pub static FORMATTED: AtomicUsize = AtomicUsize::new(0);

pub struct Counted(pub u32);

impl fmt::Debug for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.fetch_add(1, Ordering::SeqCst);
        write!(f, "Counted({})", self.0)
    }
}

#[trace_method]
pub fn sync_call(value: Counted) -> Result<u32, String> {
    let active = opentelemetry::Context::current().has_active_span();
    if active {
        return Err("a span is current".into());
    }
    Ok(value.0)
}

#[trace_method]
pub async fn async_call(value: Counted) -> u32 {
    tokio::task::yield_now().await;
    value.0
}
