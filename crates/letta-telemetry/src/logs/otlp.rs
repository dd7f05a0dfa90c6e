//! Log export over OTLP: `tracing` events become OpenTelemetry log records
//! (through `opentelemetry-appender-tracing`), correlated with the span
//! current in the OpenTelemetry context, batched and exported.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use opentelemetry_otlp::{
    LogExporter, WithExportConfig, WithHttpConfig, WithTonicConfig, tonic_types,
};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{
    BatchLogProcessor, LogBatch, LogExporter as SdkLogExporter, SdkLoggerProvider,
};
use tokio::runtime::Handle;

use crate::init::InitError;
use crate::io_runtime::{Entered, OwnedRuntime, export_runtime};
use crate::settings::{Compression, Protocol, Settings, Signal};

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

/// Builds the logger provider when logs go to OTLP
/// ([`Settings::logs_to_otlp`]): to [`Settings::endpoint`] of logs, over
/// [`Settings::protocol`] of logs, as [`Settings::render`] shows.
pub(crate) fn logger_provider(
    settings: &Settings,
    resource: &Resource,
) -> Result<Option<SdkLoggerProvider>, InitError> {
    if !settings.logs_to_otlp() {
        return Ok(None);
    }
    let Some(endpoint) = settings.endpoint(Signal::Logs) else {
        return Ok(None);
    };
    let (handle, owned) = export_runtime("letta-logs-export").map_err(|source| InitError::Io {
        path: "tokio runtime for log export".into(),
        source,
    })?;
    let inner = {
        // tonic connects (lazily) in the runtime current when it is built.
        let _entered = handle.enter();
        match settings.protocol(Signal::Logs) {
            Protocol::Grpc => grpc_exporter(settings, endpoint)?,
            protocol @ (Protocol::HttpProtobuf | Protocol::HttpJson) => {
                http_exporter(settings, endpoint, protocol)?
            }
        }
    };
    let exporter = InRuntime {
        handle,
        inner,
        _owned: owned,
    };
    let provider = SdkLoggerProvider::builder()
        .with_resource(resource.clone())
        .with_log_processor(BatchLogProcessor::builder(exporter).build())
        .build();
    Ok(Some(provider))
}

/// The OTLP exporter, its futures run inside a tokio runtime: the batch
/// processor polls them on its own thread, while tonic and async reqwest need
/// a tokio reactor.
struct InRuntime {
    handle: Handle,
    inner: LogExporter,
    _owned: Option<OwnedRuntime>,
}

impl std::fmt::Debug for InRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InRuntime")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl SdkLogExporter for InRuntime {
    fn export(&self, batch: LogBatch<'_>) -> impl Future<Output = OTelSdkResult> + Send {
        let _entered = self.handle.enter();
        Entered::new(self.handle.clone(), self.inner.export(batch))
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        let _entered = self.handle.enter();
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

fn exporter_error(reason: impl std::fmt::Display) -> InitError {
    InitError::Exporter {
        signal: "logs",
        reason: reason.to_string(),
    }
}

/// The PEM of `OTEL_EXPORTER_OTLP_CERTIFICATE`, if set.
fn certificate(settings: &Settings) -> Result<Option<Vec<u8>>, InitError> {
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

fn grpc_exporter(settings: &Settings, endpoint: String) -> Result<LogExporter, InitError> {
    let otlp = &settings.otlp;
    let certificate = certificate(settings)?;
    let tls = endpoint.starts_with("https://") || certificate.is_some();
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
            let name = http::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
                .map_err(|_| exporter_error(format!("invalid OTLP header name {k:?}")))?;
            let value = http::HeaderValue::from_str(v)
                .map_err(|_| exporter_error(format!("invalid value of OTLP header {k:?}")))?;
            headers.append(name, value);
        }
        b = b.with_metadata(tonic_types::metadata::MetadataMap::from_headers(headers));
    }
    if tls {
        let mut config = tonic_types::transport::ClientTlsConfig::new().with_enabled_roots();
        if let Some(pem) = certificate {
            config = config.ca_certificate(tonic_types::transport::Certificate::from_pem(pem));
        }
        b = b.with_tls_config(config);
    }
    b.build().map_err(exporter_error)
}

fn http_exporter(
    settings: &Settings,
    endpoint: String,
    protocol: Protocol,
) -> Result<LogExporter, InitError> {
    let otlp = &settings.otlp;
    let protocol = if protocol == Protocol::HttpJson {
        opentelemetry_otlp::Protocol::HttpJson
    } else {
        opentelemetry_otlp::Protocol::HttpBinary
    };
    let mut b = LogExporter::builder()
        .with_http()
        .with_endpoint(endpoint)
        .with_protocol(protocol)
        .with_timeout(otlp.timeout);
    if let Some(pem) = certificate(settings)? {
        let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| {
            exporter_error(format!(
                "OTEL_EXPORTER_OTLP_CERTIFICATE: not a PEM certificate: {e}"
            ))
        })?;
        let client = reqwest::Client::builder()
            .timeout(otlp.timeout)
            .tls_certs_merge([cert])
            .build()
            .map_err(|e| exporter_error(format!("could not build the HTTP client: {e}")))?;
        b = b.with_http_client(client);
    }
    if let Some(Compression::Gzip) = otlp.compression {
        b = b.with_compression(opentelemetry_otlp::Compression::Gzip);
    }
    if !otlp.headers.is_empty() {
        b = b.with_headers(otlp.headers.iter().cloned().collect::<HashMap<_, _>>());
    }
    b.build().map_err(exporter_error)
}
