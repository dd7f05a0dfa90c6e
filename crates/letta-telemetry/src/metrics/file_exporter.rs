//! The embedded default metric exporter: one OTLP-JSON
//! `ExportMetricsServiceRequest` per line in `<LETTA_DIR>/logs/metrics.json`,
//! rotated by size.
//!
//! The exporter writes through the small [`LineSink`] trait, implemented by
//! the rotating writer shared with the trace file exporter
//! ([`crate::rotating_file::RotatingFileWriter`]).

use std::io;
use std::time::Duration;

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;

use crate::rotating_file::RotatingFileWriter;

/// Where encoded lines go.
pub(crate) trait LineSink: Send + Sync + 'static {
    /// Appends one line (without its newline).
    fn write_line(&self, line: &[u8]) -> io::Result<()>;
    /// Flushes buffered lines to the OS.
    fn flush(&self) -> io::Result<()>;
}

impl LineSink for RotatingFileWriter {
    fn write_line(&self, line: &[u8]) -> io::Result<()> {
        RotatingFileWriter::write_line(self, line)
    }

    /// Writes are unbuffered: nothing to flush.
    fn flush(&self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes every collection as one OTLP-JSON line.
pub(crate) struct JsonLinesMetricExporter<S> {
    sink: S,
    temporality: Temporality,
}

impl<S: LineSink> JsonLinesMetricExporter<S> {
    pub(crate) fn new(sink: S, temporality: Temporality) -> Self {
        Self { sink, temporality }
    }

    fn write(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let request = ExportMetricsServiceRequest::from(metrics);
        if request
            .resource_metrics
            .iter()
            .all(|rm| rm.scope_metrics.iter().all(|sm| sm.metrics.is_empty()))
        {
            return Ok(());
        }
        let line = serde_json::to_vec(&request)
            .map_err(|e| OTelSdkError::InternalFailure(format!("encoding metrics: {e}")))?;
        super::self_telemetry::record_request_bytes(line.len());
        self.sink
            .write_line(&line)
            .and_then(|()| self.sink.flush())
            .map_err(|e| OTelSdkError::InternalFailure(format!("writing metrics file: {e}")))
    }
}

impl<S: LineSink> PushMetricExporter for JsonLinesMetricExporter<S> {
    fn export(
        &self,
        metrics: &ResourceMetrics,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        std::future::ready(self.write(metrics))
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.sink
            .flush()
            .map_err(|e| OTelSdkError::InternalFailure(format!("flushing metrics file: {e}")))
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        self.force_flush()
    }

    fn temporality(&self) -> Temporality {
        self.temporality
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::metrics::MeterProvider as _;

    #[test]
    fn writes_one_otlp_json_line_per_collection() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("logs").join("metrics.json");
        let file = RotatingFileWriter::open(&path, 1 << 20, 1)?;
        let exporter = JsonLinesMetricExporter::new(file, Temporality::Delta);
        let provider = super::super::build_meter_provider(
            exporter,
            opentelemetry_sdk::Resource::builder_empty().build(),
            &super::super::MetricsOptions::default(),
        );
        let c = provider
            .meter("t")
            .u64_counter("count_user_message")
            .build();
        c.add(3, &[]);
        provider.force_flush()?;
        provider.force_flush()?;
        let text = std::fs::read_to_string(&path)?;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "empty collections are skipped: {text}");
        let v: serde_json::Value = serde_json::from_str(lines[0])?;
        let m = &v["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0];
        assert_eq!(m["name"], "count_user_message");
        assert_eq!(m["sum"]["aggregationTemporality"], 1);
        Ok(())
    }
}
