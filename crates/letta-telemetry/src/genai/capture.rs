//! The process's GenAI content-capture mode, set by `init` from
//! [`Settings::genai_capture_message_content`](crate::Settings::genai_capture_message_content).

use std::sync::atomic::{AtomicU8, Ordering};

use crate::settings::ContentCapture;

static MODE: AtomicU8 = AtomicU8::new(0);

/// The content-capture mode in effect ([`ContentCapture::NoContent`] until
/// `init` or [`set_content_capture`] says otherwise).
pub fn content_capture() -> ContentCapture {
    match MODE.load(Ordering::Relaxed) {
        1 => ContentCapture::SpanOnly,
        2 => ContentCapture::EventOnly,
        3 => ContentCapture::SpanAndEvent,
        _ => ContentCapture::NoContent,
    }
}

/// Sets the content-capture mode of the process. `init` calls it with the
/// resolved setting; call it yourself only when you install telemetry
/// without `init`.
pub fn set_content_capture(mode: ContentCapture) {
    let code = match mode {
        ContentCapture::SpanOnly => 1,
        ContentCapture::EventOnly => 2,
        ContentCapture::SpanAndEvent => 3,
        _ => 0,
    };
    MODE.store(code, Ordering::Relaxed);
}
