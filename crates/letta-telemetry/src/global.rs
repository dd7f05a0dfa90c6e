//! Process-wide telemetry state: the installed tracer and the on/off switch.
//!
//! Reads are a relaxed atomic load plus a `OnceLock` read, so the disabled
//! path of every helper is a single branch.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry_sdk::trace::SdkTracer;

static TRACER: OnceLock<SdkTracer> = OnceLock::new();
static ENABLED: AtomicBool = AtomicBool::new(false);

/// The installed tracer, or `None` when tracing is off or not initialised
/// (then instrumentation should do nothing: this check is the whole cost of
/// disabled tracing).
#[inline]
pub fn tracer() -> Option<&'static SdkTracer> {
    if ENABLED.load(Ordering::Relaxed) {
        TRACER.get()
    } else {
        None
    }
}

/// Whether spans are being produced.
#[inline]
pub fn tracing_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Installs the process tracer. Returns `false` when one was already installed.
pub(crate) fn install_tracer(tracer: SdkTracer) -> bool {
    let fresh = TRACER.set(tracer).is_ok();
    if fresh {
        ENABLED.store(true, Ordering::Release);
    }
    fresh
}

/// Turns span production off (at shutdown); the tracer stays installed.
pub(crate) fn disable_tracing() {
    ENABLED.store(false, Ordering::Release);
}
