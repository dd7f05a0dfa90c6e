//! The OTLP span exporter over a configured [`OtlpTransport`]: gRPC through
//! this crate's own encoder and tonic ([`GrpcSpanExporter`]), HTTP
//! (protobuf or JSON) through its own encoders and reqwest
//! ([`HttpSpanExporter`]).

use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};

#[cfg(feature = "otlp-grpc")]
use super::grpc_exporter::GrpcSpanExporter;
#[cfg(feature = "otlp-http")]
use super::http_exporter::HttpSpanExporter;
use crate::otlp_transport::OtlpTransport;
use crate::pipeline::PipelineError;
use crate::settings::Protocol;

/// The span exporter of one OTLP protocol.
#[derive(Debug)]
pub(crate) enum OtlpSpanExporter {
    /// OTLP/gRPC.
    #[cfg(feature = "otlp-grpc")]
    Grpc(GrpcSpanExporter),
    /// OTLP/HTTP, protobuf or JSON.
    #[cfg(feature = "otlp-http")]
    Http(HttpSpanExporter),
}

/// Builds the exporter. Must run inside a tokio runtime context (tonic
/// spawns its connection task there).
pub(crate) fn build_span_exporter(t: &OtlpTransport) -> Result<OtlpSpanExporter, PipelineError> {
    match t.protocol() {
        #[cfg(feature = "otlp-grpc")]
        Protocol::Grpc => GrpcSpanExporter::new(t).map(OtlpSpanExporter::Grpc),
        #[cfg(feature = "otlp-http")]
        Protocol::HttpProtobuf | Protocol::HttpJson => {
            HttpSpanExporter::new(t).map(OtlpSpanExporter::Http)
        }
        #[cfg(not(feature = "otlp-grpc"))]
        Protocol::Grpc => Err(t.missing("otlp-grpc")),
        #[cfg(not(feature = "otlp-http"))]
        Protocol::HttpProtobuf | Protocol::HttpJson => Err(t.missing("otlp-http")),
    }
}

impl SpanExporter for OtlpSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        match self {
            #[cfg(feature = "otlp-grpc")]
            Self::Grpc(e) => e.export(batch).await,
            #[cfg(feature = "otlp-http")]
            Self::Http(e) => e.export(batch).await,
        }
    }

    fn shutdown_with_timeout(&self, timeout: std::time::Duration) -> OTelSdkResult {
        match self {
            #[cfg(feature = "otlp-grpc")]
            Self::Grpc(e) => e.shutdown_with_timeout(timeout),
            #[cfg(feature = "otlp-http")]
            Self::Http(e) => e.shutdown_with_timeout(timeout),
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        match self {
            #[cfg(feature = "otlp-grpc")]
            Self::Grpc(e) => e.set_resource(resource),
            #[cfg(feature = "otlp-http")]
            Self::Http(e) => e.set_resource(resource),
        }
    }
}
