//! A `Debug` that panics while a parameter is captured: the call goes on,
//! the value is recorded as `<serialization failed: …>`, and the process's
//! panic hook prints nothing for it (other panics still reach it). In a file
//! of its own: it installs a panic hook.

use std::panic::catch_unwind;

use letta_telemetry::testing::install_span_recorder;
use letta_telemetry::trace_method;

struct PanickyDebug;

impl std::fmt::Debug for PanickyDebug {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        panic!("debug exploded")
    }
}

#[trace_method]
fn takes_panicky(value: &PanickyDebug) -> u8 {
    let _ = value;
    7
}

static HOOK_CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

#[test]
fn a_panicking_debug_is_recorded_without_calling_the_panic_hook() {
    test_peers::own_process!();
    use std::sync::atomic::Ordering;
    std::panic::set_hook(Box::new(|_| {
        HOOK_CALLS.fetch_add(1, Ordering::SeqCst);
    }));
    let recorder = install_span_recorder();
    assert_eq!(takes_panicky(&PanickyDebug), 7);
    let span = &recorder.spans()[0];
    assert_eq!(
        letta_telemetry::testing::span_attribute(span, "parameter.value")
            .map(|v| v.as_str().into_owned()),
        Some("<serialization failed: PanickyDebug>".to_owned())
    );
    assert_eq!(
        HOOK_CALLS.load(Ordering::SeqCst),
        0,
        "the hook stayed silent"
    );
    // Any other panic still reaches the application's hook.
    let _ = catch_unwind(|| panic!("a real one"));
    assert_eq!(HOOK_CALLS.load(Ordering::SeqCst), 1);
}
