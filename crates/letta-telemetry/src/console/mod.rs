//! The `console` exporters (`OTEL_TRACES_EXPORTER=console`,
//! `OTEL_METRICS_EXPORTER=console`, `OTEL_LOGS_EXPORTER=console`): one
//! readable line per span, metric point or log record on stdout.
//!
//! Hand-written rather than `opentelemetry-stdout`, which prints multi-line
//! blocks with `println!`: that panics when stdout is closed (a server piped
//! into `head`), and telemetry must never panic the host. These write
//! through a locked stdout and drop a line that cannot be written. They run
//! on the export threads of their pipelines, never on request threads.

mod logs;
mod metrics;
mod spans;

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::SystemTime;

pub(crate) use logs::ConsoleLogExporter;
pub(crate) use metrics::ConsoleMetricExporter;
pub(crate) use spans::ConsoleSpanExporter;

/// Writes `lines` to stdout in one locked write; errors (a closed stdout)
/// drop the lines.
fn write_lines(lines: &str) {
    if lines.is_empty() {
        return;
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(lines.as_bytes());
    let _ = out.flush();
}

/// `time` as RFC 3339 UTC, or `-` when unknown.
fn timestamp(time: Option<SystemTime>) -> String {
    time.map_or_else(|| "-".into(), crate::timestamp::rfc3339_micros)
}

/// Appends ` key=value` for each pair, quoting values with spaces.
fn push_pairs<'a>(line: &mut String, pairs: impl IntoIterator<Item = (&'a str, String)>) {
    for (key, value) in pairs {
        if value.contains(char::is_whitespace) || value.is_empty() {
            let _ = write!(line, " {key}={value:?}");
        } else {
            let _ = write!(line, " {key}={value}");
        }
    }
}
