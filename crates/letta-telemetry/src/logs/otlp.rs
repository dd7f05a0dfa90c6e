//! Log export over OTLP: `tracing` events become OpenTelemetry log records
//! (through `opentelemetry-appender-tracing`), correlated with the span
//! current in the OpenTelemetry context, batched and exported.

use std::collections::HashMap;

use opentelemetry_otlp::{LogExporter, WithExportConfig, WithHttpConfig, WithTonicConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::logs::{BatchLogProcessor, SdkLoggerProvider};

use crate::init::InitError;
use crate::settings::{Compression, Protocol, Settings};

/// Targets never bridged to OTLP: the export path's own logs would loop.
pub(crate) const NOT_EXPORTED_TARGETS: [&str; 8] = [
    "opentelemetry",
    "libdd",
    "tonic",
    "h2",
    "hyper",
    "hyper_util",
    "reqwest",
    "tower",
];

/// The OTLP logs endpoint: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` as is, else the
/// generic endpoint (plus `/v1/logs` over HTTP).
fn endpoint(settings: &Settings) -> Option<String> {
    if let Some(e) = settings
        .otlp
        .logs_endpoint
        .as_ref()
        .filter(|e| !e.is_empty())
    {
        return Some(e.clone());
    }
    let base = settings.otlp.endpoint.as_ref().filter(|e| !e.is_empty())?;
    Some(match settings.otlp.protocol {
        Protocol::Grpc => base.clone(),
        Protocol::HttpProtobuf | Protocol::HttpJson => {
            format!("{}/v1/logs", base.trim_end_matches('/'))
        }
    })
}

/// Builds the logger provider when an OTLP endpoint is set (and the SDK is
/// not disabled).
pub(crate) fn logger_provider(
    settings: &Settings,
    resource: &Resource,
) -> Result<Option<SdkLoggerProvider>, InitError> {
    if settings.sdk_disabled {
        return Ok(None);
    }
    let Some(endpoint) = endpoint(settings) else {
        return Ok(None);
    };
    let otlp = &settings.otlp;
    let exporter = match otlp.protocol {
        Protocol::Grpc => {
            let mut b = LogExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .with_timeout(otlp.timeout);
            if let Some(Compression::Gzip) = otlp.compression {
                b = b.with_compression(opentelemetry_otlp::Compression::Gzip);
            }
            if !otlp.headers.is_empty() {
                let mut headers = http::HeaderMap::new();
                for (k, v) in &otlp.headers {
                    if let (Ok(k), Ok(v)) = (
                        http::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes()),
                        http::HeaderValue::from_str(v),
                    ) {
                        headers.insert(k, v);
                    }
                }
                let md =
                    opentelemetry_otlp::tonic_types::metadata::MetadataMap::from_headers(headers);
                b = b.with_metadata(md);
            }
            b.build()
        }
        Protocol::HttpProtobuf | Protocol::HttpJson => {
            let protocol = if otlp.protocol == Protocol::HttpJson {
                opentelemetry_otlp::Protocol::HttpJson
            } else {
                opentelemetry_otlp::Protocol::HttpBinary
            };
            let mut b = LogExporter::builder()
                .with_http()
                .with_endpoint(endpoint)
                .with_protocol(protocol)
                .with_timeout(otlp.timeout);
            if let Some(Compression::Gzip) = otlp.compression {
                b = b.with_compression(opentelemetry_otlp::Compression::Gzip);
            }
            if !otlp.headers.is_empty() {
                b = b.with_headers(otlp.headers.iter().cloned().collect::<HashMap<_, _>>());
            }
            b.build()
        }
    }
    .map_err(|e| InitError::Exporter {
        signal: "logs",
        reason: e.to_string(),
    })?;
    let provider = SdkLoggerProvider::builder()
        .with_resource(resource.clone())
        .with_log_processor(BatchLogProcessor::builder(exporter).build())
        .build();
    Ok(Some(provider))
}
