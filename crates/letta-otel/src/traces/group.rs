//! Grouping spans into traces.

use std::collections::BTreeMap;

use super::model::{Span, StatusCode};

/// The spans of one trace.
#[derive(Debug, Clone)]
pub struct Trace {
    /// Trace id (32 hex digits).
    pub trace_id: String,
    /// The spans, ordered by start time.
    pub spans: Vec<Span>,
}

impl Trace {
    /// The root span: the earliest span without a parent, else the earliest
    /// span whose parent is not in the trace.
    pub fn root(&self) -> Option<&Span> {
        self.spans.iter().find(|s| s.is_root()).or_else(|| {
            self.spans.iter().find(|s| {
                s.parent_span_id
                    .as_ref()
                    .is_some_and(|p| !self.spans.iter().any(|o| &o.span_id == p))
            })
        })
    }

    /// Earliest start (ns since the epoch).
    pub fn start_ns(&self) -> u64 {
        self.spans.iter().map(|s| s.start_ns).min().unwrap_or(0)
    }

    /// Latest end (ns since the epoch).
    pub fn end_ns(&self) -> u64 {
        self.spans.iter().map(|s| s.end_ns).max().unwrap_or(0)
    }

    /// End minus start of the whole trace.
    pub fn duration_ns(&self) -> u64 {
        self.end_ns().saturating_sub(self.start_ns())
    }

    /// ERROR when any span is an error, else the root's status.
    pub fn status(&self) -> StatusCode {
        if self
            .spans
            .iter()
            .any(|s| s.status.code == StatusCode::Error)
        {
            StatusCode::Error
        } else {
            self.root().map(|r| r.status.code).unwrap_or_default()
        }
    }
}

/// Groups spans by trace id, each trace's spans ordered by start time, the
/// traces ordered by start time (oldest first). Duplicate span ids (the same
/// span exported twice) are kept once.
pub fn group_traces(spans: Vec<Span>) -> Vec<Trace> {
    let mut by_id: BTreeMap<String, Vec<Span>> = BTreeMap::new();
    for span in spans {
        by_id.entry(span.trace_id.clone()).or_default().push(span);
    }
    let mut traces: Vec<Trace> = by_id
        .into_iter()
        .map(|(trace_id, mut spans)| {
            spans.sort_by(|a, b| {
                a.start_ns
                    .cmp(&b.start_ns)
                    .then_with(|| a.span_id.cmp(&b.span_id))
            });
            spans.dedup_by(|a, b| a.span_id == b.span_id);
            Trace { trace_id, spans }
        })
        .collect();
    traces.sort_by_key(|t| (t.start_ns(), t.trace_id.clone()));
    traces
}
