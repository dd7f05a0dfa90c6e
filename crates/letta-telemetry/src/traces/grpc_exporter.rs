//! The OTLP/gRPC span exporter: each batch encoded by [`otlp_proto`]
//! straight from the spans and sent through tonic as bytes.
//!
//! Hand-written around tonic, not `opentelemetry-otlp`'s exporter, because
//! that one copies every span into `opentelemetry-proto`'s structs before
//! prost encodes them, which cost more than the request that made the spans
//! (see `docs/performance.md`). What it did beyond that is kept: the
//! headers as request metadata, gzip, the channel's TLS and timeout, and
//! retries of the failures the OTLP specification calls retryable, with
//! exponential backoff inside the export timeout. In addition, spans the
//! collector answers it rejected (a partial success) are counted as lost.
//!
//! [`otlp_proto`]: super::otlp_proto

use std::time::Duration;

use bytes::{BufMut as _, Bytes};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use prost::Message as _;
use tonic::codec::{
    BufferSettings, Codec, CompressionEncoding, DecodeBuf, Decoder, EncodeBuf, Encoder,
};
use tonic::metadata::MetadataMap;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt as _;

use super::encode_buffer::EncodeBuffer;
use super::otlp_proto::{ResourceProto, encode};
use super::retry::{Retries, USER_AGENT};
use super::stats::{FailureReason, note_partial_loss};
use crate::otlp_transport::OtlpTransport;
use crate::pipeline::PipelineError;

/// The OTLP trace service's export method.
const EXPORT_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/// Exports spans over OTLP/gRPC.
#[derive(Debug)]
pub(crate) struct GrpcSpanExporter {
    client: tonic::client::Grpc<Channel>,
    metadata: MetadataMap,
    resource: ResourceProto,
    timeout: Duration,
    /// Sizes each request's buffer from the last one's.
    buffer: EncodeBuffer,
}

impl GrpcSpanExporter {
    /// An exporter over `transport`. Must run inside a tokio runtime (the
    /// channel's connection task is spawned there on first use).
    pub(crate) fn new(transport: &OtlpTransport) -> Result<Self, PipelineError> {
        let mut client = tonic::client::Grpc::new(transport.grpc_channel()?);
        if transport.gzip() {
            client = client
                .send_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Gzip);
        }
        let mut metadata = transport.metadata()?;
        if !metadata.contains_key("user-agent") {
            metadata.insert(
                "user-agent",
                tonic::metadata::MetadataValue::from_static(USER_AGENT),
            );
        }
        Ok(Self {
            client,
            metadata,
            resource: ResourceProto::default(),
            timeout: transport.timeout(),
            buffer: EncodeBuffer::default(),
        })
    }

    /// One attempt: the request, and the collector's answer.
    async fn attempt(&self, body: Bytes) -> Result<ExportTraceServiceResponse, Status> {
        let mut client = self.client.clone();
        client
            .ready()
            .await
            .map_err(|e| Status::unavailable(format!("the channel is not ready: {e}")))?;
        let body_len = body.len();
        let mut request = tonic::Request::new(body);
        *request.metadata_mut() = self.metadata.clone();
        let path = http::uri::PathAndQuery::from_static(EXPORT_PATH);
        // the whole message fits the codec's buffer at once (tonic's 8 KiB
        // default grew by doubling: a copy per doubling)
        let codec = RawCodec {
            buffer: body_len + GRPC_FRAME_HEADER,
        };
        client
            .unary(request, path, codec)
            .await
            .map(tonic::Response::into_inner)
    }
}

impl SpanExporter for GrpcSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let mut out = self.buffer.for_spans(batch.len());
        encode(&mut out, &self.resource, &batch);
        self.buffer.note(out.len(), batch.len());
        drop(batch);
        let body = Bytes::from(out);
        let mut retries = Retries::new(self.timeout);
        loop {
            match self.attempt(body.clone()).await {
                Ok(response) => {
                    if let Some(partial) = response.partial_success
                        && partial.rejected_spans > 0
                    {
                        let rejected = u64::try_from(partial.rejected_spans).unwrap_or(0);
                        note_partial_loss(rejected, FailureReason::Rejected);
                    }
                    return Ok(());
                }
                Err(status) => {
                    let wait = match next_step(&status) {
                        Next::Retry { after } => retries.next_wait(after),
                        Next::GiveUp => None,
                    };
                    match wait {
                        Some(wait) => tokio::time::sleep(wait).await,
                        None => return Err(error(&status)),
                    }
                }
            }
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.resource = ResourceProto::new(resource);
    }
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq)]
enum Next {
    /// Try again, after the collector's `RetryInfo` delay if it gave one
    /// (else the backoff's).
    Retry { after: Option<Duration> },
    /// Report the failure.
    GiveUp,
}

/// The OTLP specification's rule: the codes [`retryable`] are retried,
/// `RESOURCE_EXHAUSTED` only when the collector sent `RetryInfo` (it is
/// throttling; without it the request is too large, and the export worker
/// splits it); a `RetryInfo` delay is honoured whatever the code.
fn next_step(status: &Status) -> Next {
    let hint = status.get_details_retry_info();
    let throttled = status.code() == Code::ResourceExhausted && hint.is_some();
    if retryable(status.code()) || throttled {
        Next::Retry {
            after: hint.and_then(|info| info.retry_delay),
        }
    } else {
        Next::GiveUp
    }
}

/// Whether the OTLP specification has a failure with `code` retried
/// (`RESOURCE_EXHAUSTED` aside: see [`next_step`]).
fn retryable(code: Code) -> bool {
    matches!(
        code,
        Code::Cancelled
            | Code::DeadlineExceeded
            | Code::Aborted
            | Code::OutOfRange
            | Code::Unavailable
            | Code::DataLoss
    )
}

/// The error of a failed export, in the form the export worker classifies
/// (`… gRPC code: <Code>`, then the transport error's causes). The status
/// message is left out: a collector may echo credentials in it.
fn error(status: &Status) -> OTelSdkError {
    let mut message =
        if next_step(status) != Next::GiveUp && status.code() == Code::ResourceExhausted {
            // throttled until the timeout: the collector is busy, the request
            // is not too large (which is what a bare RESOURCE_EXHAUSTED means)
            "gRPC export failed with gRPC code: Unavailable (ResourceExhausted with RetryInfo: \
         the collector kept throttling)"
                .to_owned()
        } else {
            format!("gRPC export failed with gRPC code: {:?}", status.code())
        };
    let mut source = std::error::Error::source(status);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    OTelSdkError::InternalFailure(message)
}

/// The length-prefixed message header of gRPC: a compression flag and a
/// 4-byte length.
const GRPC_FRAME_HEADER: usize = 5;

/// tonic's default: how full its buffer gets before a frame is handed on
/// (one message is one frame here whatever its size).
const TONIC_YIELD_THRESHOLD: usize = 32 * 1024;

/// Sends an already encoded request and decodes the collector's answer.
#[derive(Debug, Clone, Copy)]
struct RawCodec {
    /// The encode buffer's size: the request's.
    buffer: usize,
}

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = ExportTraceServiceResponse;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        *self
    }

    fn decoder(&mut self) -> Self::Decoder {
        *self
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }

    fn buffer_settings(&self) -> BufferSettings {
        BufferSettings::new(self.buffer, TONIC_YIELD_THRESHOLD)
    }
}

impl Decoder for RawCodec {
    type Item = ExportTraceServiceResponse;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Status> {
        ExportTraceServiceResponse::decode(src)
            .map(Some)
            .map_err(|e| {
                Status::internal(format!(
                    "the collector's answer is not an ExportTraceServiceResponse: {e}"
                ))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::super::classify::classify;
    use super::*;

    #[test]
    fn retries_what_the_otlp_specification_calls_retryable() {
        assert!(retryable(Code::Unavailable));
        assert!(retryable(Code::DeadlineExceeded));
        assert!(!retryable(Code::InvalidArgument));
        assert!(!retryable(Code::Unauthenticated));
        assert!(!retryable(Code::ResourceExhausted));
    }

    #[test]
    fn resource_exhausted_is_retried_only_when_the_collector_sends_retry_info() {
        use tonic_types::ErrorDetails;
        let throttled = Status::with_error_details(
            Code::ResourceExhausted,
            "slow down",
            ErrorDetails::with_retry_info(Some(Duration::from_millis(250))),
        );
        assert_eq!(
            next_step(&throttled),
            Next::Retry {
                after: Some(Duration::from_millis(250))
            }
        );
        // given up on after the timeout: reported as a busy collector, not
        // as a request too large (which the worker would split)
        let failure = error(&throttled);
        assert_eq!(classify(&failure), FailureReason::Unavailable, "{failure}");
        let too_large = Status::resource_exhausted("message larger than max");
        assert_eq!(next_step(&too_large), Next::GiveUp);
        assert!(
            error(&too_large)
                .to_string()
                .contains("gRPC code: ResourceExhausted")
        );
        // a RetryInfo delay is honoured on any retryable code
        let unavailable = Status::with_error_details(
            Code::Unavailable,
            "restarting",
            ErrorDetails::with_retry_info(Some(Duration::from_secs(2))),
        );
        assert_eq!(
            next_step(&unavailable),
            Next::Retry {
                after: Some(Duration::from_secs(2))
            }
        );
        assert_eq!(
            next_step(&Status::unavailable("down")),
            Next::Retry { after: None }
        );
        // and does not make other codes retryable
        let invalid = Status::with_error_details(
            Code::InvalidArgument,
            "bad",
            ErrorDetails::with_retry_info(Some(Duration::from_secs(1))),
        );
        assert_eq!(next_step(&invalid), Next::GiveUp);
    }

    #[test]
    fn errors_name_the_code_and_not_the_message() {
        let status = Status::unauthenticated("token sk-secret is wrong");
        let text = error(&status).to_string();
        assert!(text.contains("gRPC code: Unauthenticated"), "{text}");
        assert!(!text.contains("sk-secret"), "{text}");
    }
}
