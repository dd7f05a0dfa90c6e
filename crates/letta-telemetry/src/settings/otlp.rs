//! [`OtlpSettings`]: the standard `OTEL_EXPORTER_OTLP_*` variables.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::values::{Compression, Protocol};

/// OTLP exporter settings (standard `OTEL_EXPORTER_OTLP_*` variables).
///
/// Endpoints are stored validated: an `http(s)://` URL as written, or, for
/// gRPC, `host:port` turned into `http://host:port`. Use
/// [`Settings::endpoint`](super::Settings::endpoint) to get the effective
/// endpoint of a signal. `Debug` masks header values and the secrets of
/// endpoints.
#[derive(Clone, Default)]
pub struct OtlpSettings {
    /// Generic endpoint (`LETTA_OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT`).
    pub endpoint: Option<String>,
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, used as-is.
    pub traces_endpoint: Option<String>,
    /// `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`, used as-is.
    pub metrics_endpoint: Option<String>,
    /// `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT`, used as-is.
    pub logs_endpoint: Option<String>,
    /// Transport protocol (`OTEL_EXPORTER_OTLP_PROTOCOL`, default `grpc`).
    pub protocol: Protocol,
    /// `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`: overrides `protocol` for traces.
    pub traces_protocol: Option<Protocol>,
    /// `OTEL_EXPORTER_OTLP_METRICS_PROTOCOL`: overrides `protocol` for metrics.
    pub metrics_protocol: Option<Protocol>,
    /// `OTEL_EXPORTER_OTLP_LOGS_PROTOCOL`: overrides `protocol` for logs.
    pub logs_protocol: Option<Protocol>,
    /// Extra headers, percent-decoded (values are secrets: never rendered).
    pub headers: Vec<(String, String)>,
    /// Per-export timeout (`OTEL_EXPORTER_OTLP_TIMEOUT`, default 10 s).
    pub timeout: Duration,
    /// Compression, if any (`OTEL_EXPORTER_OTLP_COMPRESSION`).
    pub compression: Option<Compression>,
    /// PEM file of a custom CA (`OTEL_EXPORTER_OTLP_CERTIFICATE`).
    pub certificate: Option<PathBuf>,
}

impl fmt::Debug for OtlpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<_> = self
            .headers
            .iter()
            .map(|(k, _)| format!("{k}=***"))
            .collect();
        let masked = |e: &Option<String>| e.as_deref().map(super::parse::mask_url);
        f.debug_struct("OtlpSettings")
            .field("endpoint", &masked(&self.endpoint))
            .field("traces_endpoint", &masked(&self.traces_endpoint))
            .field("metrics_endpoint", &masked(&self.metrics_endpoint))
            .field("logs_endpoint", &masked(&self.logs_endpoint))
            .field("protocol", &self.protocol)
            .field("traces_protocol", &self.traces_protocol)
            .field("metrics_protocol", &self.metrics_protocol)
            .field("logs_protocol", &self.logs_protocol)
            .field("headers", &headers)
            .field("timeout", &self.timeout)
            .field("compression", &self.compression)
            .field("certificate", &self.certificate)
            .finish()
    }
}
