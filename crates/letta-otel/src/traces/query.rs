//! What a trace command asks a source for.

/// Selection passed to every trace source.
///
/// A source may return more than asked (the renderer filters again), but
/// should honour `trace_id` and `limit_traces` to keep reads small.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TraceQuery {
    /// Only spans of this trace (32 hex digits), for `traces show`.
    pub trace_id: Option<String>,
    /// At most this many most-recent traces (by root start time); `None` = all.
    pub limit_traces: Option<usize>,
    /// Only spans that started at or after this time (ns since the Unix epoch).
    pub since_ns: Option<u64>,
}
