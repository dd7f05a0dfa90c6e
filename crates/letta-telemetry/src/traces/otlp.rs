//! The OTLP span exporter (gRPC via tonic, HTTP protobuf or JSON via
//! reqwest) over a configured [`OtlpTransport`].

use opentelemetry_otlp::SpanExporter;

use crate::otlp_transport::OtlpTransport;
use crate::pipeline::PipelineError;
use crate::settings::Protocol;

/// Builds the exporter. Must run inside a tokio runtime context (tonic
/// spawns its connection task there).
pub(crate) fn build_span_exporter(t: &OtlpTransport) -> Result<SpanExporter, PipelineError> {
    let built = match t.protocol() {
        #[cfg(feature = "otlp-grpc")]
        Protocol::Grpc => t.tonic(SpanExporter::builder().with_tonic())?.build(),
        #[cfg(feature = "otlp-http")]
        Protocol::HttpProtobuf | Protocol::HttpJson => {
            t.http(SpanExporter::builder().with_http())?.build()
        }
        #[cfg(not(feature = "otlp-grpc"))]
        Protocol::Grpc => return Err(t.missing("otlp-grpc")),
        #[cfg(not(feature = "otlp-http"))]
        Protocol::HttpProtobuf | Protocol::HttpJson => return Err(t.missing("otlp-http")),
    };
    built.map_err(|e| t.error(e))
}
