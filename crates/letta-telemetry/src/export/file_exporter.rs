//! The embedded default: spans as OTLP-JSON lines in a rotated local file,
//! one `ExportTraceServiceRequest` per line, as the OpenTelemetry
//! Collector's file exporter writes them.

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::transform::common::tonic::ResourceAttributesWithSchema;
use opentelemetry_proto::transform::trace::tonic::group_spans_by_resource_and_scope;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

use super::file::JsonLinesFile;

/// Writes each batch of spans as one OTLP-JSON line to a [`JsonLinesFile`].
#[derive(Debug)]
pub struct OtlpJsonFileExporter {
    file: Arc<JsonLinesFile>,
    resource: ResourceAttributesWithSchema,
}

impl OtlpJsonFileExporter {
    /// Writes to `file`.
    pub fn new(file: Arc<JsonLinesFile>) -> Self {
        Self {
            file,
            resource: ResourceAttributesWithSchema::default(),
        }
    }
}

impl SpanExporter for OtlpJsonFileExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        if batch.is_empty() {
            return Ok(());
        }
        let request = ExportTraceServiceRequest {
            resource_spans: group_spans_by_resource_and_scope(batch, &self.resource),
        };
        self.file
            .write_json(&request)
            .map_err(|e| OTelSdkError::InternalFailure(format!("io: {e}")))
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.file
            .flush()
            .map_err(|e| OTelSdkError::InternalFailure(format!("io: {e}")))
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = resource.into();
    }
}
