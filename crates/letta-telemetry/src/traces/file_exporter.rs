//! The embedded default: spans as OTLP-JSON lines in a rotated local file,
//! one `ExportTraceServiceRequest` per line, as the OpenTelemetry
//! Collector's file exporter writes them.
//!
//! The file refuses a line longer than its rotation size: such a batch is
//! written in halves, and a span that alone is too long is cut down
//! (`letta.truncated`). A span that still does not fit (a rotation size
//! smaller than one bare span) is lost and counted, while the rest of its
//! batch is written.

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::otlp_json::{self, ResourceJson};
use super::size::{span_size_upper_bound, truncate_span};
use super::stats::{FailureReason, note_partial_loss};
use crate::rotating_file::RotatingFileWriter;

/// How many times a span that alone is too long is cut down further.
const CUTS: u32 = 4;

/// Writes each batch of spans as one OTLP-JSON line to a [`RotatingFileWriter`].
#[derive(Debug)]
pub struct OtlpJsonFileExporter {
    file: RotatingFileWriter,
    resource: ResourceJson,
}

impl OtlpJsonFileExporter {
    /// Writes to `file`.
    pub fn new(file: RotatingFileWriter) -> Self {
        Self {
            file,
            resource: ResourceJson::default(),
        }
    }
}

impl OtlpJsonFileExporter {
    /// Writes `spans` as one line (OTLP/JSON, [`super::otlp_json`]).
    fn write(&self, spans: &[SpanData]) -> std::io::Result<()> {
        let mut line = Vec::with_capacity(512 + spans.len() * 1024);
        otlp_json::encode(&mut line, &self.resource, spans);
        self.file.write_line(&line)
    }
}

impl SpanExporter for OtlpJsonFileExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        if batch.is_empty() {
            return Ok(());
        }
        let total = batch.len();
        let mut lost = 0;
        let mut todo = vec![(batch, 0u32)];
        while let Some((mut spans, cuts)) = todo.pop() {
            match self.write(&spans) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                    if spans.len() > 1 {
                        let second = spans.split_off(spans.len() / 2);
                        todo.push((second, cuts));
                        todo.push((spans, cuts));
                    } else if cuts < CUTS {
                        for span in &mut spans {
                            let half = span_size_upper_bound(span) / 2;
                            truncate_span(span, half);
                        }
                        todo.push((spans, cuts + 1));
                    } else {
                        lost += spans.len();
                    }
                }
                // Any other error (the disk, the directory): nothing more
                // of this batch can be written.
                Err(e) => {
                    let unwritten =
                        lost + spans.len() + todo.iter().map(|(s, _)| s.len()).sum::<usize>();
                    if unwritten == total {
                        return Err(OTelSdkError::InternalFailure(format!("io: {e}")));
                    }
                    note_partial_loss(unwritten as u64, FailureReason::Io);
                    return Ok(());
                }
            }
        }
        if lost == total {
            return Err(OTelSdkError::InternalFailure(
                "io: a span is larger than the trace file's rotation size".into(),
            ));
        }
        note_partial_loss(lost as u64, FailureReason::Io);
        Ok(())
    }

    /// Writes are unbuffered: every line is in the OS file on return.
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = ResourceJson::new(&resource.into());
    }
}
