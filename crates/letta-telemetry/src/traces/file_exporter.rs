//! The embedded default: spans as OTLP-JSON lines in a rotated local file,
//! one `ExportTraceServiceRequest` per line, as the OpenTelemetry
//! Collector's file exporter writes them.
//!
//! The file refuses a line longer than its rotation size: such a batch is
//! written in halves, and a span that alone is too long is cut down
//! (`letta.truncated`). A span that still does not fit (a rotation size
//! smaller than one bare span) is lost and counted, while the rest of its
//! batch is written.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::resource::v1::Resource as ProtoResource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans};
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::size::{span_size_upper_bound, truncate_span};
use super::stats::note_partial_loss;
use crate::rotating_file::RotatingFileWriter;

/// How many times a span that alone is too long is cut down further.
const CUTS: u32 = 4;

/// Writes each batch of spans as one OTLP-JSON line to a [`RotatingFileWriter`].
#[derive(Debug)]
pub struct OtlpJsonFileExporter {
    file: RotatingFileWriter,
    resource: ResourceAttributesWithSchema,
}

impl OtlpJsonFileExporter {
    /// Writes to `file`.
    pub fn new(file: RotatingFileWriter) -> Self {
        Self {
            file,
            resource: ResourceAttributesWithSchema::default(),
        }
    }
}

impl OtlpJsonFileExporter {
    /// Writes `spans` as one line, grouped by instrumentation scope as the
    /// SDK's `group_spans_by_resource_and_scope` does, but from a slice, so a
    /// batch that must be written in halves is not copied first.
    fn write(&self, spans: &[SpanData]) -> std::io::Result<()> {
        let mut scopes: Vec<ScopeSpans> = Vec::new();
        let mut keys: Vec<&opentelemetry::InstrumentationScope> = Vec::new();
        for span in spans {
            let scope = &span.instrumentation_scope;
            let index = match keys.iter().position(|k| *k == scope) {
                Some(i) => i,
                None => {
                    keys.push(scope);
                    scopes.push(ScopeSpans {
                        scope: Some((scope, None).into()),
                        schema_url: scope
                            .schema_url()
                            .map(ToOwned::to_owned)
                            .unwrap_or_default(),
                        spans: Vec::new(),
                    });
                    scopes.len() - 1
                }
            };
            scopes[index].spans.push(span.clone().into());
        }
        let request = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(ProtoResource {
                    attributes: self.resource.attributes.0.clone(),
                    dropped_attributes_count: 0,
                    entity_refs: Vec::new(),
                }),
                scope_spans: scopes,
                schema_url: self.resource.schema_url.clone().unwrap_or_default(),
            }],
        };
        self.file.write_json(&request)
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
                    note_partial_loss(unwritten as u64);
                    return Ok(());
                }
            }
        }
        if lost == total {
            return Err(OTelSdkError::InternalFailure(
                "io: a span is larger than the trace file's rotation size".into(),
            ));
        }
        note_partial_loss(lost as u64);
        Ok(())
    }

    /// Writes are unbuffered: every line is in the OS file on return.
    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = resource.into();
    }
}
