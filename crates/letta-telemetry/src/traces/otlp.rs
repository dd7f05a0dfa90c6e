//! Builds the OTLP span exporter (gRPC via tonic, HTTP protobuf or JSON via
//! reqwest) from the settings: endpoint, headers, timeout, gzip, custom CA.

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use opentelemetry_otlp::SpanExporter;

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::init::InitError;
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use crate::otlp_transport::OtlpTransport;
use crate::settings::{Protocol, Settings, Signal};

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

/// Builds the exporter. Must run inside a tokio runtime context (tonic
/// spawns its connection task there).
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
pub(crate) fn build_span_exporter(
    settings: &Settings,
    target: &OtlpTarget,
) -> Result<SpanExporter, InitError> {
    let t = OtlpTransport::new(settings, Signal::Traces, target.endpoint.clone())?;
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
