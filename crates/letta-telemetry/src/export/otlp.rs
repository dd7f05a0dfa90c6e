//! Builds the OTLP span exporter (gRPC via tonic, HTTP protobuf or JSON via
//! reqwest) from the settings: endpoint, headers, timeout, gzip, custom CA.

use std::collections::HashMap;
use std::time::Duration;

use opentelemetry_otlp::{
    SpanExporter, WithExportConfig, WithHttpConfig, WithTonicConfig, tonic_types,
};

use crate::init::InitError;
use crate::settings::{Compression, Protocol, Settings, Signal};

/// Where and how traces are exported over OTLP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OtlpTarget {
    /// Full URL: for HTTP including the `/v1/traces` path.
    pub(crate) endpoint: String,
    pub(crate) protocol: Protocol,
}

/// The OTLP target of traces, or `None` when no endpoint is configured
/// (traces then go to the local file).
pub(crate) fn traces_target(settings: &Settings) -> Option<OtlpTarget> {
    let endpoint = settings.traces_endpoint()?;
    let endpoint = endpoint.trim();
    if endpoint.is_empty() {
        return None;
    }
    let endpoint = if endpoint.contains("://") {
        endpoint.to_owned()
    } else {
        format!("http://{endpoint}")
    };
    Some(OtlpTarget {
        endpoint,
        protocol: settings.protocol(Signal::Traces),
    })
}

fn build_error(reason: impl std::fmt::Display) -> InitError {
    InitError::Exporter {
        signal: "traces",
        reason: reason.to_string(),
    }
}

fn read_certificate(settings: &Settings) -> Result<Option<Vec<u8>>, InitError> {
    match &settings.otlp.certificate {
        None => Ok(None),
        Some(path) => std::fs::read(path)
            .map(Some)
            .map_err(|source| InitError::Io {
                path: path.clone(),
                source,
            }),
    }
}

/// Builds the exporter. Must run inside a tokio runtime context (tonic
/// spawns its connection task there).
pub(crate) fn build_span_exporter(
    settings: &Settings,
    target: &OtlpTarget,
) -> Result<SpanExporter, InitError> {
    let timeout = settings.otlp.timeout;
    let certificate = read_certificate(settings)?;
    match target.protocol {
        Protocol::Grpc => build_grpc(settings, target, timeout, certificate),
        Protocol::HttpProtobuf | Protocol::HttpJson => {
            build_http(settings, target, timeout, certificate)
        }
    }
}

fn build_grpc(
    settings: &Settings,
    target: &OtlpTarget,
    timeout: Duration,
    certificate: Option<Vec<u8>>,
) -> Result<SpanExporter, InitError> {
    let mut headers = http::HeaderMap::new();
    for (key, value) in &settings.otlp.headers {
        let name = http::HeaderName::from_bytes(key.as_bytes()).map_err(|_| {
            build_error(format!(
                "OTEL_EXPORTER_OTLP_HEADERS: {key:?} is not a valid header name (expected ASCII letters, digits, '-', '_', '.')"
            ))
        })?;
        let value = http::HeaderValue::from_str(value).map_err(|_| {
            build_error(format!(
                "OTEL_EXPORTER_OTLP_HEADERS: the value of header {key:?} is not valid (expected visible ASCII)"
            ))
        })?;
        headers.append(name, value);
    }
    let metadata = tonic_types::metadata::MetadataMap::from_headers(headers);
    let mut builder = SpanExporter::builder()
        .with_tonic()
        .with_endpoint(target.endpoint.clone())
        .with_timeout(timeout)
        .with_metadata(metadata);
    if settings.otlp.compression == Some(Compression::Gzip) {
        builder = builder.with_compression(opentelemetry_otlp::Compression::Gzip);
    }
    if target.endpoint.starts_with("https://") || certificate.is_some() {
        let mut tls = tonic_types::transport::ClientTlsConfig::new().with_enabled_roots();
        if let Some(pem) = certificate {
            tls = tls.ca_certificate(tonic_types::transport::Certificate::from_pem(pem));
        }
        builder = builder.with_tls_config(tls);
    }
    builder.build().map_err(build_error)
}

fn build_http(
    settings: &Settings,
    target: &OtlpTarget,
    timeout: Duration,
    certificate: Option<Vec<u8>>,
) -> Result<SpanExporter, InitError> {
    let protocol = if target.protocol == Protocol::HttpJson {
        opentelemetry_otlp::Protocol::HttpJson
    } else {
        opentelemetry_otlp::Protocol::HttpBinary
    };
    let mut client = reqwest::Client::builder().timeout(timeout);
    if let Some(pem) = certificate {
        let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
            build_error(format!(
                "OTEL_EXPORTER_OTLP_CERTIFICATE: not a PEM certificate: {e}"
            ))
        })?;
        client = client.tls_certs_merge([cert]);
    }
    let client = client
        .build()
        .map_err(|e| build_error(format!("could not build the HTTP client: {e}")))?;
    let headers: HashMap<String, String> = settings.otlp.headers.iter().cloned().collect();
    let mut builder = SpanExporter::builder()
        .with_http()
        .with_http_client(client)
        .with_endpoint(target.endpoint.clone())
        .with_protocol(protocol)
        .with_timeout(timeout)
        .with_headers(headers);
    if settings.otlp.compression == Some(Compression::Gzip) {
        builder = builder.with_compression(opentelemetry_otlp::Compression::Gzip);
    }
    builder.build().map_err(build_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(endpoint: Option<&str>, traces: Option<&str>, protocol: Protocol) -> Settings {
        let mut s = Settings::default();
        s.otlp.endpoint = endpoint.map(str::to_owned);
        s.otlp.traces_endpoint = traces.map(str::to_owned);
        s.otlp.protocol = protocol;
        s
    }

    #[test]
    fn no_endpoint_means_no_target() {
        assert_eq!(traces_target(&settings(None, None, Protocol::Grpc)), None);
    }

    #[test]
    fn http_generic_endpoint_gets_the_signal_path() {
        let t = traces_target(&settings(Some("http://c:4318"), None, Protocol::HttpJson));
        assert_eq!(
            t.map(|t| t.endpoint),
            Some("http://c:4318/v1/traces".into())
        );
    }

    #[test]
    fn grpc_endpoint_is_used_as_is_and_signal_endpoint_wins() {
        let t = traces_target(&settings(Some("c:4317"), None, Protocol::Grpc));
        assert_eq!(t.map(|t| t.endpoint), Some("http://c:4317".into()));
        let t = traces_target(&settings(
            Some("http://c:4318"),
            Some("http://t:9/x"),
            Protocol::HttpProtobuf,
        ));
        assert_eq!(t.map(|t| t.endpoint), Some("http://t:9/x".into()));
    }
}
