//! [`OtlpSettings`]: the standard `OTEL_EXPORTER_OTLP_*` variables.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::values::{Compression, Protocol};

/// OTLP exporter settings (standard `OTEL_EXPORTER_OTLP_*` variables).
///
/// Endpoints are stored validated: an `http(s)://` URL as written, or, for
/// gRPC, `host:port` turned into `https://host:port` (`http://` with
/// `OTEL_EXPORTER_OTLP_INSECURE`). Use
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
    /// PEM file of the client certificate for mTLS
    /// (`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`; set with `client_key`).
    pub client_certificate: Option<PathBuf>,
    /// PEM file of the client's private key for mTLS
    /// (`OTEL_EXPORTER_OTLP_CLIENT_KEY`; set with `client_certificate`).
    pub client_key: Option<PathBuf>,
    /// `OTEL_EXPORTER_OTLP_INSECURE`: a gRPC endpoint written without a
    /// scheme (`host:port`) is plaintext when true, TLS otherwise, as in the
    /// SDK. An endpoint with a scheme says it itself.
    pub insecure: bool,
    /// `OTEL_EXPORTER_OTLP_TRACES_*`: what traces set for themselves.
    pub traces: SignalOtlpSettings,
    /// `OTEL_EXPORTER_OTLP_METRICS_*`: what metrics set for themselves.
    pub metrics: SignalOtlpSettings,
    /// `OTEL_EXPORTER_OTLP_LOGS_*`: what logs set for themselves.
    pub logs: SignalOtlpSettings,
}

/// What one signal sets for itself (`OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS`,
/// `_TIMEOUT`, `_COMPRESSION`, `_CERTIFICATE`, `_CLIENT_CERTIFICATE`,
/// `_CLIENT_KEY`, `_INSECURE`). Each one set replaces the generic value for
/// that signal, as in the SDK (per-signal headers replace the generic ones,
/// they are not merged). The effective values are
/// [`Settings::headers`](super::Settings::headers) and its siblings.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct SignalOtlpSettings {
    /// Headers of this signal (values are secrets: never rendered).
    pub headers: Option<Vec<(String, String)>>,
    /// Export timeout of this signal.
    pub timeout: Option<Duration>,
    /// Compression of this signal: `Some(None)` is `none`.
    pub compression: Option<Option<Compression>>,
    /// PEM file of the CA of this signal's collector.
    pub certificate: Option<PathBuf>,
    /// PEM file of this signal's client certificate (mTLS).
    pub client_certificate: Option<PathBuf>,
    /// PEM file of this signal's client key (mTLS).
    pub client_key: Option<PathBuf>,
    /// Whether this signal's schemeless gRPC endpoint is plaintext.
    pub insecure: Option<bool>,
}

impl fmt::Debug for SignalOtlpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = self.headers.as_ref().map(|h| {
            h.iter()
                .map(|(k, _)| format!("{k}=***"))
                .collect::<Vec<_>>()
        });
        f.debug_struct("SignalOtlpSettings")
            .field("headers", &headers)
            .field("timeout", &self.timeout)
            .field("compression", &self.compression)
            .field("certificate", &self.certificate)
            .field("client_certificate", &self.client_certificate)
            .field("client_key", &self.client_key)
            .field("insecure", &self.insecure)
            .finish()
    }
}

impl fmt::Debug for OtlpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<_> = self
            .headers
            .iter()
            .map(|(k, _)| format!("{k}=***"))
            .collect();
        let masked = |e: &Option<String>| e.as_deref().map(crate::redact::mask_url);
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
            .field("client_certificate", &self.client_certificate)
            .field("client_key", &self.client_key)
            .field("insecure", &self.insecure)
            .field("traces", &self.traces)
            .field("metrics", &self.metrics)
            .field("logs", &self.logs)
            .finish()
    }
}
