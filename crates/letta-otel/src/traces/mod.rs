//! Reading traces back: sources (OTLP-JSON files, ClickHouse), the shared span
//! model, and the `list`, `show` and `stats` renderings.
//!
//! Every source returns [`Span`]s of the shared [`model`]; everything else
//! works on those alone, so a new source only has to produce spans.

pub mod clickhouse;
pub mod clickhouse_settings;
mod error;
mod group;
pub mod model;
mod otlp_json;
mod query;
mod render_list;
mod render_show;
mod render_stats;
mod stats;
mod time;
mod ui_filter;

use std::path::PathBuf;

pub use error::TraceError;
pub use group::group_traces;
pub use model::{Span, SpanKind, StatusCode};
pub use otlp_json::read_file;
pub use query::TraceQuery;
pub use render_list::render_list;
pub use render_show::{ShowOptions, render_show};
pub use render_stats::render_stats;
pub use stats::route_stats;
pub use ui_filter::is_ui_span;

/// Where traces are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An OTLP-JSON lines file.
    File(PathBuf),
    /// The collector's ClickHouse tables (settings from `CLICKHOUSE_*`).
    ClickHouse,
}

/// Spans loaded from a source, with what had to be skipped.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The spans.
    pub spans: Vec<Span>,
    /// Lines (or rows) that could not be parsed and were skipped.
    pub skipped: usize,
    /// The first skip's line number and reason.
    pub first_error: Option<(usize, String)>,
}

impl Loaded {
    /// A one-line note about skipped input, if any was skipped.
    pub fn skipped_note(&self) -> Option<String> {
        if self.skipped == 0 {
            return None;
        }
        let first = self
            .first_error
            .as_ref()
            .map(|(line, reason)| format!(" (first at line {line}: {reason})"))
            .unwrap_or_default();
        Some(format!(
            "skipped {} malformed line{}{first}",
            self.skipped,
            if self.skipped == 1 { "" } else { "s" }
        ))
    }
}

/// Loads the spans selected by `query` from `source`.
pub async fn load(source: &Source, query: &TraceQuery) -> Result<Loaded, TraceError> {
    match source {
        Source::File(path) => {
            let file = read_file(path)?;
            let mut spans = file.spans;
            if let Some(id) = &query.trace_id {
                let id = id.to_ascii_lowercase();
                spans.retain(|s| s.trace_id == id);
            }
            if let Some(since) = query.since_ns {
                spans.retain(|s| s.start_ns >= since);
            }
            Ok(Loaded {
                spans,
                skipped: file.skipped_lines,
                first_error: file.first_error,
            })
        }
        Source::ClickHouse => Ok(Loaded {
            spans: clickhouse::load(query).await?,
            ..Loaded::default()
        }),
    }
}
