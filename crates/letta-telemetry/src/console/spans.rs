//! [`ConsoleSpanExporter`]: a line per span on stdout.

use std::fmt::Write as _;
use std::time::Duration;

use opentelemetry::trace::{SpanId, Status};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

/// Writes each span as
/// `<end time> span <name> trace_id=… span_id=… parent_id=… kind=… duration_ms=… status=… <attributes>`.
#[derive(Debug, Default)]
pub(crate) struct ConsoleSpanExporter;

/// The line of one span.
pub(crate) fn span_line(span: &SpanData) -> String {
    let mut line = format!(
        "{} span {}",
        super::timestamp(Some(span.end_time)),
        span.name
    );
    let duration = span
        .end_time
        .duration_since(span.start_time)
        .unwrap_or(Duration::ZERO);
    let parent = if span.parent_span_id == SpanId::INVALID {
        "-".to_string()
    } else {
        span.parent_span_id.to_string()
    };
    let status = match &span.status {
        Status::Unset => "unset".to_string(),
        Status::Ok => "ok".to_string(),
        Status::Error { description } => format!("error: {description}"),
    };
    super::push_pairs(
        &mut line,
        [
            ("trace_id", span.span_context.trace_id().to_string()),
            ("span_id", span.span_context.span_id().to_string()),
            ("parent_id", parent),
            ("kind", format!("{:?}", span.span_kind).to_lowercase()),
            (
                "duration_ms",
                format!("{:.3}", duration.as_secs_f64() * 1000.0),
            ),
            ("status", status),
        ],
    );
    super::push_pairs(
        &mut line,
        span.attributes
            .iter()
            .map(|kv| (kv.key.as_str(), kv.value.to_string())),
    );
    for event in span.events.iter() {
        let _ = write!(line, " event={:?}", event.name);
    }
    line.push('\n');
    line
}

impl SpanExporter for ConsoleSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let lines: String = batch.iter().map(span_line).collect();
        super::write_lines(&lines);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::SpanRecorder;
    use opentelemetry::KeyValue;
    use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::SdkTracerProvider;

    #[test]
    fn one_readable_line_per_span() {
        let recorder = SpanRecorder::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(recorder.clone())
            .build();
        let tracer = provider.tracer("t");
        let mut span = tracer.start("GET /v1/agents");
        span.set_attribute(KeyValue::new("http.route", "/v1/agents"));
        span.set_attribute(KeyValue::new("note", "two words"));
        span.end();
        let spans = recorder.spans();
        let line = span_line(&spans[0]);
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        assert!(line.contains(" span GET /v1/agents trace_id="), "{line}");
        assert!(
            line.contains(" parent_id=- kind=internal duration_ms="),
            "{line}"
        );
        assert!(line.contains(" http.route=/v1/agents"), "{line}");
        assert!(line.contains(" note=\"two words\""), "{line}");
    }
}
