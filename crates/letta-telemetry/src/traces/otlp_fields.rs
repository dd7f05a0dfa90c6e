//! The span fields both OTLP encoders (`otlp_json`, `otlp_proto`) write
//! the same way: the flags word, the span kind's number, timestamps.

/// `SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK`.
const HAS_IS_REMOTE: u32 = 0x100;
/// `SpanFlags.CONTEXT_IS_REMOTE_MASK`.
const IS_REMOTE: u32 = 0x200;

/// The span's flags word: the W3C trace flags and whether the parent (or
/// the link's context) is remote.
pub(super) fn flags(trace_flags: u8, remote: bool) -> u32 {
    u32::from(trace_flags) | HAS_IS_REMOTE | if remote { IS_REMOTE } else { 0 }
}

/// `Span.SpanKind` numbers.
pub(super) fn span_kind(kind: &opentelemetry::trace::SpanKind) -> u8 {
    use opentelemetry::trace::SpanKind;
    match kind {
        SpanKind::Internal => 1,
        SpanKind::Server => 2,
        SpanKind::Client => 3,
        SpanKind::Producer => 4,
        SpanKind::Consumer => 5,
    }
}

/// Nanoseconds since the epoch (0 before it), as the proto conversion does.
pub(super) fn nanos(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
