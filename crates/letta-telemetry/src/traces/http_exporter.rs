//! The OTLP/HTTP span exporter: each batch encoded by [`otlp_proto`] (or
//! [`otlp_json`] for `http/json`) straight from the spans and posted with
//! reqwest.
//!
//! Hand-written around reqwest, not `opentelemetry-otlp`'s exporter, for
//! the reason the gRPC one is ([`super::grpc_exporter`]): that exporter
//! copies every span into `opentelemetry-proto`'s structs before encoding
//! them, ~3.8 µs of export CPU per span where this costs ~1 (see
//! `docs/performance.md`). What it did is kept: the headers, gzip, the
//! client's TLS and timeout. Added: retries of the statuses the OTLP
//! specification calls retryable (429, 502, 503, 504) and of connection
//! failures, with exponential backoff or the collector's `Retry-After`,
//! inside the export timeout; spans the collector answers it rejected (a
//! partial success) are counted as lost.
//!
//! [`otlp_proto`]: super::otlp_proto
//! [`otlp_json`]: super::otlp_json

use std::io::Write as _;
use std::time::{Duration, SystemTime};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use prost::Message as _;
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};

use super::encode_buffer::EncodeBuffer;
use super::otlp_json::{self, ResourceJson};
use super::otlp_proto::{self, ResourceProto};
use super::retry::{Retries, USER_AGENT};
use super::stats::{FailureReason, note_partial_loss};
use crate::otlp_transport::OtlpTransport;
use crate::pipeline::PipelineError;
use crate::settings::Protocol;

/// The body's encoding, with its resource envelope.
#[derive(Debug)]
enum Body {
    Protobuf(ResourceProto),
    Json(ResourceJson),
}

/// Exports spans over OTLP/HTTP.
#[derive(Debug)]
pub(crate) struct HttpSpanExporter {
    client: reqwest::Client,
    endpoint: String,
    headers: HeaderMap,
    body: Body,
    gzip: bool,
    timeout: Duration,
    /// Sizes each request's buffer from the last one's.
    buffer: EncodeBuffer,
}

impl HttpSpanExporter {
    /// An exporter over `transport` (`http/protobuf` or `http/json`).
    pub(crate) fn new(transport: &OtlpTransport) -> Result<Self, PipelineError> {
        let json = transport.protocol() == Protocol::HttpJson;
        let mut headers = transport.header_map()?;
        let content_type = if json {
            "application/json"
        } else {
            "application/x-protobuf"
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if transport.gzip() {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if !headers.contains_key(reqwest::header::USER_AGENT) {
            headers.insert(
                reqwest::header::USER_AGENT,
                HeaderValue::from_static(USER_AGENT),
            );
        }
        Ok(Self {
            client: transport.http_client()?,
            endpoint: transport.endpoint().to_owned(),
            headers,
            body: if json {
                Body::Json(ResourceJson::default())
            } else {
                Body::Protobuf(ResourceProto::default())
            },
            gzip: transport.gzip(),
            timeout: transport.timeout(),
            buffer: EncodeBuffer::default(),
        })
    }

    /// The request body of `batch`, gzipped when configured.
    fn encode(&self, batch: &[SpanData]) -> Result<Vec<u8>, OTelSdkError> {
        let mut out = self.buffer.for_spans(batch.len());
        match &self.body {
            Body::Protobuf(resource) => otlp_proto::encode(&mut out, resource, batch),
            Body::Json(resource) => otlp_json::encode(&mut out, resource, batch),
        }
        self.buffer.note(out.len(), batch.len());
        if !self.gzip {
            return Ok(out);
        }
        let mut gz = flate2::write::GzEncoder::new(
            Vec::with_capacity(out.len() / 4),
            flate2::Compression::default(),
        );
        gz.write_all(&out)
            .and_then(|()| gz.finish())
            .map_err(|e| OTelSdkError::InternalFailure(format!("io: gzip: {e}")))
    }

    /// Spans the collector's 2xx answer says it rejected.
    fn rejected(&self, answer: &[u8]) -> u64 {
        let rejected = match &self.body {
            Body::Protobuf(_) => ExportTraceServiceResponse::decode(answer)
                .ok()
                .and_then(|r| r.partial_success)
                .map_or(0, |p| p.rejected_spans),
            Body::Json(_) => json_rejected(answer),
        };
        u64::try_from(rejected).unwrap_or(0)
    }
}

impl SpanExporter for HttpSpanExporter {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let body = bytes::Bytes::from(self.encode(&batch)?);
        drop(batch);
        let mut retries = Retries::new(self.timeout);
        loop {
            let sent = self
                .client
                .post(&self.endpoint)
                .headers(self.headers.clone())
                .body(body.clone())
                .send()
                .await;
            let (failure, retry_after) = match sent {
                Ok(response) if response.status().is_success() => {
                    let answer = read_answer(response).await;
                    let rejected = self.rejected(&answer);
                    if rejected > 0 {
                        note_partial_loss(rejected, FailureReason::Rejected);
                    }
                    return Ok(());
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = retry_after(response.headers());
                    let failure = OTelSdkError::InternalFailure(format!(
                        "HTTP export failed with status code: {}",
                        status.as_u16()
                    ));
                    (failure, retryable(status).then_some(retry_after))
                }
                Err(e) if e.is_timeout() => return Err(OTelSdkError::Timeout(self.timeout)),
                Err(e) => {
                    let retry = e.is_connect().then_some(None);
                    (request_error(&e), retry)
                }
            };
            let Some(retry_after) = retry_after else {
                return Err(failure);
            };
            let Some(wait) = retries.next_wait(retry_after) else {
                return Err(failure);
            };
            tokio::time::sleep(wait).await;
        }
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.body = match self.body {
            Body::Protobuf(_) => Body::Protobuf(ResourceProto::new(resource)),
            Body::Json(_) => Body::Json(ResourceJson::new(&resource.into())),
        };
    }
}

/// The most of a collector's 2xx answer that is read: a partial success is
/// a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The body of a 2xx answer, or nothing when it is unreadable or larger
/// than [`MAX_ANSWER_BYTES`] (the export succeeded either way; a collector
/// cannot make the exporter buffer an unbounded answer).
async fn read_answer(mut response: reqwest::Response) -> Vec<u8> {
    let mut answer = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if answer.len() + chunk.len() <= MAX_ANSWER_BYTES => {
                answer.extend_from_slice(&chunk);
            }
            Ok(None) => return answer,
            Ok(Some(_)) | Err(_) => return Vec::new(),
        }
    }
}

/// Whether the OTLP specification has a failure with `status` retried.
fn retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// The collector's `Retry-After`: seconds, or an HTTP date (the time
/// until it; a date already past means now).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers, SystemTime::now())
}

/// [`retry_after`] with the clock read at `now`.
fn retry_after_at(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The error of a request that got no answer, in the form the export
/// worker classifies: a TLS failure names the transport, anything else
/// ends in "network error". The URL is left out (it may hold credentials).
fn request_error(e: &reqwest::Error) -> OTelSdkError {
    let mut causes = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        causes.push_str(": ");
        causes.push_str(&cause.to_string());
        source = cause.source();
    }
    let lower = causes.to_ascii_lowercase();
    let message = if lower.contains("certificate") || lower.contains("handshake") {
        format!("HTTP export failed: transport error{causes}")
    } else {
        format!("HTTP export failed{causes}: network error")
    };
    OTelSdkError::InternalFailure(crate::redact::mask_urls_in_text(&message))
}

/// `partialSuccess.rejectedSpans` of an OTLP/JSON answer (a number or, as
/// proto3 JSON writes 64-bit integers, a string); 0 when absent.
fn json_rejected(answer: &[u8]) -> i64 {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(answer) else {
        return 0;
    };
    match &value["partialSuccess"]["rejectedSpans"] {
        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0),
        serde_json::Value::String(s) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traces::classify::classify;

    #[test]
    fn retries_what_the_otlp_specification_calls_retryable() {
        for code in [429, 502, 503, 504] {
            assert!(retryable(StatusCode::from_u16(code).expect("status")));
        }
        for code in [400, 401, 403, 404, 413, 500] {
            assert!(!retryable(StatusCode::from_u16(code).expect("status")));
        }
    }

    #[test]
    fn reads_retry_after_in_seconds_or_as_a_date() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        let date = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let before = date - Duration::from_secs(90);
        assert_eq!(
            retry_after_at(&headers, before),
            Some(Duration::from_secs(90))
        );
        // a date already past: retry at once
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn status_errors_classify_on_the_number() {
        let e = OTelSdkError::InternalFailure("HTTP export failed with status code: 413".into());
        assert_eq!(classify(&e), FailureReason::TooLarge);
    }

    #[test]
    fn partial_success_is_read_from_json_answers() {
        assert_eq!(
            json_rejected(br#"{"partialSuccess":{"rejectedSpans":"3"}}"#),
            3
        );
        assert_eq!(
            json_rejected(br#"{"partialSuccess":{"rejectedSpans":2}}"#),
            2
        );
        assert_eq!(json_rejected(b"{}"), 0);
        assert_eq!(json_rejected(b"not json"), 0);
    }

    /// Serves one HTTP/1.1 answer with a `len`-byte body on loopback.
    async fn answer_once(len: usize) -> String {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}/v1/traces", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {len}\r\n\r\n");
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&vec![b'x'; len]).await;
        });
        url
    }

    #[tokio::test]
    async fn answers_are_read_up_to_a_bound() {
        let client = reqwest::Client::new();
        let small = client
            .post(answer_once(10).await)
            .send()
            .await
            .expect("send");
        assert_eq!(read_answer(small).await.len(), 10);
        let huge = client
            .post(answer_once(MAX_ANSWER_BYTES + 1).await)
            .send()
            .await
            .expect("send");
        assert!(read_answer(huge).await.is_empty());
    }

    #[tokio::test]
    async fn a_refused_connection_is_a_network_error_without_the_url() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("port");
        let client = reqwest::Client::new();
        let e = client
            .post(format!("http://user:pw@127.0.0.1:{port}/v1/traces"))
            .send()
            .await
            .expect_err("refused");
        let error = request_error(&e);
        assert_eq!(classify(&error), FailureReason::Unavailable, "{error}");
        assert!(!error.to_string().contains("pw"), "{error}");
    }
}
