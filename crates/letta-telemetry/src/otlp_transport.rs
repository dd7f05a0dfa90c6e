//! The OTLP transport shared by the trace, metric and log exporters: one
//! place that turns the settings of a signal (endpoint, protocol, headers,
//! timeout, gzip, custom CA, client certificate) into a configured
//! `opentelemetry-otlp` exporter builder. Each value is the signal's own
//! variable, else the generic one, as [`Settings::headers`] and its siblings
//! resolve them.
//!
//! gRPC needs the `otlp-grpc` feature, HTTP the `otlp-http` feature, and
//! `https://` endpoints or a custom CA the `tls` feature; a protocol this
//! build lacks is an `PipelineError` that names the feature.

#[cfg(feature = "otlp-http")]
use std::collections::HashMap;
use std::time::Duration;

use opentelemetry_otlp::WithExportConfig;
#[cfg(feature = "otlp-http")]
use opentelemetry_otlp::WithHttpConfig;
#[cfg(feature = "otlp-grpc")]
use opentelemetry_otlp::{WithTonicConfig, tonic_types};

use crate::pipeline::PipelineError;
use crate::settings::{Compression, Protocol, Settings, Signal};

/// How one signal reaches the collector.
#[derive(Debug, Clone)]
pub(crate) struct OtlpTransport {
    endpoint: String,
    protocol: Protocol,
    timeout: Duration,
    headers: Vec<(String, String)>,
    gzip: bool,
    certificate: Option<Vec<u8>>,
    /// The client certificate and key (PEM), for mTLS.
    identity: Option<(Vec<u8>, Vec<u8>)>,
}

impl OtlpTransport {
    /// The transport of `signal` to `endpoint` (already resolved by the
    /// settings: per-signal or generic, with `/v1/<signal>` for HTTP). Reads
    /// the custom CA file, if any.
    pub(crate) fn new(
        settings: &Settings,
        signal: Signal,
        endpoint: String,
    ) -> Result<Self, PipelineError> {
        let read = |path: &std::path::Path| {
            std::fs::read(path).map_err(|source| PipelineError::Io {
                path: path.to_path_buf(),
                source,
            })
        };
        let certificate = settings.certificate(signal).map(read).transpose()?;
        let identity = match settings.client_identity(signal) {
            Some((cert, key)) => Some((read(cert)?, read(key)?)),
            None => None,
        };
        Ok(OtlpTransport {
            endpoint,
            protocol: settings.protocol(signal),
            timeout: settings.timeout(signal),
            headers: settings.headers(signal).to_vec(),
            gzip: settings.compression(signal) == Some(Compression::Gzip),
            certificate,
            identity,
        })
    }

    /// The endpoint, in full (for HTTP with its `/v1/<signal>` path).
    pub(crate) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Transport protocol.
    pub(crate) fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// An exporter-build error of this signal.
    pub(crate) fn error(&self, reason: impl std::fmt::Display) -> PipelineError {
        PipelineError::Exporter(reason.to_string())
    }

    /// The error for a protocol this build has no transport for.
    #[allow(dead_code)] // used only in builds that lack a transport
    pub(crate) fn missing(&self, feature: &str) -> PipelineError {
        self.error(format!(
            "the {} protocol needs the `{feature}` feature of letta-telemetry, which this build lacks",
            self.protocol
        ))
    }

    /// Whether this transport needs TLS: an `https://` endpoint or a custom
    /// CA. Without the `tls` feature that is an error naming it.
    fn wants_tls(&self) -> Result<bool, PipelineError> {
        let wants = self.endpoint.starts_with("https://")
            || self.certificate.is_some()
            || self.identity.is_some();
        if wants && cfg!(not(feature = "tls")) {
            return Err(self.error(
                "an https:// endpoint (a schemeless gRPC endpoint is https unless \
                 OTEL_EXPORTER_OTLP_INSECURE=true), OTEL_EXPORTER_OTLP_CERTIFICATE or a client \
                 certificate needs the `tls` feature of letta-telemetry, which this build lacks",
            ));
        }
        Ok(wants)
    }

    /// The configured headers, validated.
    #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
    pub(crate) fn header_map(&self) -> Result<http::HeaderMap, PipelineError> {
        let mut headers = http::HeaderMap::new();
        for (key, value) in &self.headers {
            let name = http::HeaderName::from_bytes(key.to_ascii_lowercase().as_bytes())
                .map_err(|_| {
                    self.error(format!(
                        "OTEL_EXPORTER_OTLP_HEADERS: {key:?} is not a valid header name (expected ASCII letters, digits, '-', '_', '.')"
                    ))
                })?;
            let value = http::HeaderValue::from_str(value).map_err(|_| {
                self.error(format!(
                    "OTEL_EXPORTER_OTLP_HEADERS: the value of header {key:?} is not valid (expected visible ASCII)"
                ))
            })?;
            headers.append(name, value);
        }
        Ok(headers)
    }

    /// The request metadata of gRPC: the configured headers.
    #[cfg(feature = "otlp-grpc")]
    pub(crate) fn metadata(&self) -> Result<tonic_types::metadata::MetadataMap, PipelineError> {
        Ok(tonic_types::metadata::MetadataMap::from_headers(
            self.header_map()?,
        ))
    }

    /// Whether requests are gzip-compressed.
    #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
    pub(crate) fn gzip(&self) -> bool {
        self.gzip
    }

    /// The export timeout.
    #[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// The TLS configuration of gRPC: the system's roots, the custom CA,
    /// the client certificate.
    #[cfg(all(feature = "otlp-grpc", feature = "tls"))]
    fn client_tls(&self) -> tonic_types::transport::ClientTlsConfig {
        let mut tls = tonic_types::transport::ClientTlsConfig::new().with_enabled_roots();
        if let Some(pem) = &self.certificate {
            tls = tls.ca_certificate(tonic_types::transport::Certificate::from_pem(pem));
        }
        if let Some((cert, key)) = &self.identity {
            tls = tls.identity(tonic_types::transport::Identity::from_pem(cert, key));
        }
        tls
    }

    /// A gRPC channel to the endpoint, connected on first use (so it must
    /// be made inside a tokio runtime, which runs its connection task),
    /// each request bounded by the export timeout.
    #[cfg(feature = "otlp-grpc")]
    pub(crate) fn grpc_channel(&self) -> Result<tonic::transport::Channel, PipelineError> {
        #[allow(unused_mut)] // without `tls` nothing is added
        let mut endpoint = tonic::transport::Endpoint::from_shared(self.endpoint.clone())
            .map_err(|e| {
                self.error(format!(
                    "OTEL_EXPORTER_OTLP_ENDPOINT: {:?} is not a valid gRPC endpoint (expected http://host:port or https://host:port): {e}",
                    self.endpoint
                ))
            })?
            .timeout(self.timeout);
        // without the `tls` feature, a transport that wants TLS is refused here
        if self.wants_tls()? {
            #[cfg(feature = "tls")]
            {
                endpoint = endpoint
                    .tls_config(self.client_tls())
                    .map_err(|e| self.error(format!("could not configure TLS: {e}")))?;
            }
        }
        Ok(endpoint.connect_lazy())
    }

    /// Configures a gRPC (tonic) exporter builder (of metrics and logs).
    /// TLS is on for `https://` endpoints and whenever a custom CA is given.
    #[cfg(feature = "otlp-grpc")]
    pub(crate) fn tonic<B: WithExportConfig + WithTonicConfig>(
        &self,
        builder: B,
    ) -> Result<B, PipelineError> {
        let mut b = builder
            .with_endpoint(self.endpoint.clone())
            .with_timeout(self.timeout)
            .with_metadata(self.metadata()?);
        if self.gzip {
            b = WithTonicConfig::with_compression(b, opentelemetry_otlp::Compression::Gzip);
        }
        if self.wants_tls()? {
            #[cfg(feature = "tls")]
            {
                b = b.with_tls_config(self.client_tls());
            }
        }
        Ok(b)
    }

    /// Configures an HTTP (protobuf or JSON) exporter builder, with a reqwest
    /// client that trusts the custom CA when one is given.
    #[cfg(feature = "otlp-http")]
    pub(crate) fn http<B: WithExportConfig + WithHttpConfig>(
        &self,
        builder: B,
    ) -> Result<B, PipelineError> {
        let protocol = if self.protocol == Protocol::HttpJson {
            opentelemetry_otlp::Protocol::HttpJson
        } else {
            opentelemetry_otlp::Protocol::HttpBinary
        };
        let client = self.http_client()?;
        let headers: HashMap<String, String> = self.headers.iter().cloned().collect();
        let mut b = builder
            .with_http_client(client)
            .with_endpoint(self.endpoint.clone())
            .with_protocol(protocol)
            .with_timeout(self.timeout)
            .with_headers(headers);
        if self.gzip {
            b = WithHttpConfig::with_compression(b, opentelemetry_otlp::Compression::Gzip);
        }
        Ok(b)
    }

    /// The HTTP client of OTLP/HTTP: the timeout, the custom CA and the
    /// client certificate (mTLS).
    #[cfg(feature = "otlp-http")]
    pub(crate) fn http_client(&self) -> Result<reqwest::Client, PipelineError> {
        #[allow(unused_mut)] // without `tls` nothing is added
        let mut client = reqwest::Client::builder().timeout(self.timeout);
        self.wants_tls()?;
        #[cfg(feature = "tls")]
        if let Some(pem) = &self.certificate {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                self.error(format!(
                    "OTEL_EXPORTER_OTLP_CERTIFICATE: not a PEM certificate: {e}"
                ))
            })?;
            client = client.tls_certs_merge([cert]);
        }
        #[cfg(feature = "tls")]
        if let Some((cert, key)) = &self.identity {
            // reqwest (rustls) takes the certificate chain and the key as one PEM.
            let mut pem = cert.clone();
            pem.push(b'\n');
            pem.extend_from_slice(key);
            let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                self.error(format!(
                    "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE / _CLIENT_KEY: not a PEM certificate and private key: {e}"
                ))
            })?;
            client = client.identity(identity);
        }
        client
            .build()
            .map_err(|e| self.error(format!("could not build the HTTP client: {e}")))
    }
}
