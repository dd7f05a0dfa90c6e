//! Why the collector refused the test span, in words an operator acts on:
//! from the reason the exporter's failure was classified under, and from
//! what the settings say of TLS.

use letta_telemetry::Settings;
use letta_telemetry::traces::{ExportStatsSnapshot, FailureReason};

use super::endpoint::Endpoint;

/// The problem and its fix, for a test span that was not accepted.
pub fn diagnose(
    stats: &ExportStatsSnapshot,
    settings: &Settings,
    endpoint: &Endpoint,
) -> (String, String) {
    let failed = |reason| stats.failures(reason) > 0;
    if failed(FailureReason::Unauthenticated) {
        return (
            "the collector refused the credentials: unauthenticated".to_owned(),
            "set OTEL_EXPORTER_OTLP_HEADERS to `authorization=Bearer <token>` with the \
             collector's token (COLLECTOR_BEARER_TOKEN of the otel/ configurations)"
                .to_owned(),
        );
    }
    let no_client_certificate = settings.otlp.client_certificate.is_none();
    if failed(FailureReason::Tls) && settings.otlp.certificate.is_some() && no_client_certificate {
        // A CA is trusted and the handshake still failed: the collector most
        // likely refused a client that presents no certificate.
        return (
            "TLS handshake failed: the collector probably requires a client certificate \
             (mTLS), or its certificate is not signed by OTEL_EXPORTER_OTLP_CERTIFICATE"
                .to_owned(),
            "set OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY to a \
             certificate signed by the collector's client CA (COLLECTOR_TLS_CLIENT_CA_FILE); \
             check that OTEL_EXPORTER_OTLP_CERTIFICATE is the CA of the collector's certificate"
                .to_owned(),
        );
    }
    if failed(FailureReason::Tls) {
        return (
            "TLS handshake failed: the collector's certificate is not trusted".to_owned(),
            "set OTEL_EXPORTER_OTLP_CERTIFICATE to the PEM of the CA that signed the \
             collector's certificate (and reach it by a name the certificate holds)"
                .to_owned(),
        );
    }
    let transport = failed(FailureReason::Rejected) || failed(FailureReason::Unavailable);
    // The port accepted the TCP connection (checked before), yet the
    // exchange broke: over plaintext, the port most likely speaks TLS; over
    // TLS without a client certificate, the collector most likely wants one.
    if transport && endpoint.scheme == "http" {
        return (
            "the port accepts connections but the plaintext export failed: probably \
             plaintext to a TLS port"
                .to_owned(),
            "use an https:// endpoint and set OTEL_EXPORTER_OTLP_CERTIFICATE to the CA of \
             the collector's certificate"
                .to_owned(),
        );
    }
    if transport && no_client_certificate {
        return (
            "the collector closed the TLS connection: it probably requires a client \
             certificate (mTLS)"
                .to_owned(),
            "set OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY to a \
             certificate signed by the collector's client CA (COLLECTOR_TLS_CLIENT_CA_FILE)"
                .to_owned(),
        );
    }
    (
        format!(
            "the test span was not accepted (exported {}, dropped {}, failures {})",
            stats.spans_exported,
            stats.spans_dropped(),
            stats.total_failures()
        ),
        "check that the protocol matches the port (OTEL_EXPORTER_OTLP_PROTOCOL), the \
         headers (OTEL_EXPORTER_OTLP_HEADERS), TLS (https:// and \
         OTEL_EXPORTER_OTLP_CERTIFICATE); run with \
         LETTA_TELEMETRY_VERBOSE_TELEMETRY_LOGGING=true for the exporter's errors"
            .to_owned(),
    )
}
