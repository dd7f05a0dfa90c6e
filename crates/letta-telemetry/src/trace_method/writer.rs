//! A `fmt::Write` that refuses bytes past its limit, so formatting a huge
//! value costs no more than formatting the limit.

use std::cell::Cell;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

/// Why bounded formatting ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rendered {
    /// The whole value fit.
    Complete,
    /// The limit was reached; `seen` bytes had been produced by then.
    Truncated { seen: usize },
    /// The value's own `Debug`/`Display` failed or panicked.
    Failed,
}

/// Payload used to unwind out of a formatter once the limit is reached.
///
/// `fmt::Error` alone is not enough: `DebugList`/`DebugMap` keep iterating
/// (without formatting) after an error, so a 50 MB `Vec` would still be
/// walked to its end. Unwinding with `resume_unwind` (which skips the panic
/// hook, so nothing is printed) stops at once; it is caught in [`render`].
struct LimitReached;

/// Collects at most `limit` bytes, cutting on a UTF-8 boundary.
pub(crate) struct BoundedWriter {
    buf: String,
    limit: usize,
    seen: usize,
    full: bool,
}

impl BoundedWriter {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            buf: String::new(),
            limit,
            seen: 0,
            full: false,
        }
    }
}

impl fmt::Write for BoundedWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.full {
            return Err(fmt::Error);
        }
        self.seen += s.len();
        let room = self.limit - self.buf.len();
        if s.len() <= room {
            self.buf.push_str(s);
            return Ok(());
        }
        self.buf.push_str(&s[..floor_char_boundary(s, room)]);
        self.full = true;
        stop_formatting()
    }
}

#[cfg(panic = "unwind")]
fn stop_formatting() -> fmt::Result {
    std::panic::resume_unwind(Box::new(LimitReached))
}

#[cfg(not(panic = "unwind"))]
fn stop_formatting() -> fmt::Result {
    Err(fmt::Error)
}

/// The largest index `<= at` that is a char boundary of `s`.
pub(crate) fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    let mut i = at;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

thread_local! {
    /// Set while a value is formatted: a panic in its `Debug` is caught and
    /// recorded, so the panic hook stays silent for it.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

static QUIET_HOOK: Once = Once::new();

/// Wraps the process's panic hook (once) so that it stays silent for panics
/// raised while [`QUIET`] is set on the panicking thread, and calls the hook
/// it replaced otherwise. A hook installed later by the application replaces
/// this one; a panicking `Debug` then prints again, and is still caught.
fn install_quiet_hook() {
    // `take_hook`/`set_hook` panic on a panicking thread (a traced call in a
    // `Drop` during unwinding): leave the hook alone there.
    if std::thread::panicking() {
        return;
    }
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Formats with `format` into at most `limit` bytes. Never panics: a panic
/// inside the value's formatting gives [`Rendered::Failed`], and the panic
/// hook prints nothing for it.
pub(crate) fn render(
    limit: usize,
    format: impl FnOnce(&mut BoundedWriter) -> fmt::Result,
) -> (String, Rendered) {
    install_quiet_hook();
    let mut w = BoundedWriter::new(limit);
    let was_quiet = QUIET.with(|q| q.replace(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| format(&mut w)));
    QUIET.with(|q| q.set(was_quiet));
    let rendered = match outcome {
        _ if w.full => Rendered::Truncated { seen: w.seen },
        Ok(Ok(())) => Rendered::Complete,
        Ok(Err(_)) => Rendered::Failed,
        Err(payload) if payload.is::<LimitReached>() => Rendered::Truncated { seen: w.seen },
        Err(_) => Rendered::Failed,
    };
    (w.buf, rendered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    #[test]
    fn stops_at_limit_on_char_boundary() {
        let (s, r) = render(5, |w| w.write_str("abcdé"));
        // "abcdé" is 6 bytes; é would straddle the limit.
        assert_eq!(s, "abcd");
        assert_eq!(r, Rendered::Truncated { seen: 6 });
    }

    #[test]
    fn complete_and_failed() {
        assert_eq!(
            render(10, |w| w.write_str("abc")),
            ("abc".into(), Rendered::Complete)
        );
        assert_eq!(render(10, |_| Err(fmt::Error)).1, Rendered::Failed);
        assert_eq!(render(10, |_| panic!("boom")).1, Rendered::Failed);
    }

    #[test]
    fn huge_list_stops_early() {
        let v: Vec<u64> = (0..1_000_000).collect();
        let (s, r) = render(100, |w| write!(w, "{v:?}"));
        assert_eq!(s.len(), 100);
        assert!(matches!(r, Rendered::Truncated { seen } if seen > 100 && seen < 200));
    }
}
