//! [`ConsoleLogExporter`]: a line per log record on stdout.

use opentelemetry::logs::AnyValue;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, SdkLogRecord};

/// Writes each record as
/// `<time> log <SEVERITY> <target> <body> trace_id=… span_id=… <attributes>`.
#[derive(Debug, Default)]
pub(crate) struct ConsoleLogExporter;

fn any_value(v: &AnyValue) -> String {
    match v {
        AnyValue::String(s) => s.to_string(),
        AnyValue::Int(i) => i.to_string(),
        AnyValue::Double(d) => d.to_string(),
        AnyValue::Boolean(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}

/// The line of one record.
pub(crate) fn log_line(record: &SdkLogRecord) -> String {
    let time = record.timestamp().or(record.observed_timestamp());
    let mut line = format!(
        "{} log {} {} {:?}",
        super::timestamp(time),
        record.severity_text().unwrap_or("-"),
        record.target().map_or("-", |t| t.as_ref()),
        record.body().map(any_value).unwrap_or_default(),
    );
    if let Some(tc) = record.trace_context() {
        super::push_pairs(
            &mut line,
            [
                ("trace_id", tc.trace_id.to_string()),
                ("span_id", tc.span_id.to_string()),
            ],
        );
    }
    super::push_pairs(
        &mut line,
        record
            .attributes_iter()
            .map(|(k, v)| (k.as_str(), any_value(v))),
    );
    line.push('\n');
    line
}

impl LogExporter for ConsoleLogExporter {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let lines: String = batch.iter().map(|(record, _)| log_line(record)).collect();
        super::write_lines(&lines);
        Ok(())
    }
}
