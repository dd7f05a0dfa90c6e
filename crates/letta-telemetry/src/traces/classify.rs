//! Why an export failed, from the exporter's error.
//!
//! The OTLP exporters report failures as text that carries a typed status:
//! `… failed with gRPC code: DeadlineExceeded`, `… failed with status code:
//! 413`, `HTTP export failed: network error`. The status is parsed out into a
//! [`GrpcCode`] or an HTTP status number and classified on that, never by
//! matching the rest of the message.

use opentelemetry_sdk::error::OTelSdkError;

use super::stats::FailureReason;

/// The gRPC status codes, as the OTLP exporter names them (`tonic::Code`'s
/// `Debug`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GrpcCode {
    Ok,
    Cancelled,
    Unknown,
    InvalidArgument,
    DeadlineExceeded,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    ResourceExhausted,
    FailedPrecondition,
    Aborted,
    OutOfRange,
    Unimplemented,
    Internal,
    Unavailable,
    DataLoss,
    Unauthenticated,
}

impl GrpcCode {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "Ok" => Self::Ok,
            "Cancelled" => Self::Cancelled,
            "Unknown" => Self::Unknown,
            "InvalidArgument" => Self::InvalidArgument,
            "DeadlineExceeded" => Self::DeadlineExceeded,
            "NotFound" => Self::NotFound,
            "AlreadyExists" => Self::AlreadyExists,
            "PermissionDenied" => Self::PermissionDenied,
            "ResourceExhausted" => Self::ResourceExhausted,
            "FailedPrecondition" => Self::FailedPrecondition,
            "Aborted" => Self::Aborted,
            "OutOfRange" => Self::OutOfRange,
            "Unimplemented" => Self::Unimplemented,
            "Internal" => Self::Internal,
            "Unavailable" => Self::Unavailable,
            "DataLoss" => Self::DataLoss,
            "Unauthenticated" => Self::Unauthenticated,
            _ => return None,
        })
    }

    fn reason(self) -> FailureReason {
        match self {
            Self::DeadlineExceeded | Self::Cancelled => FailureReason::Timeout,
            // The OTLP receiver answers a request over its size limit with
            // ResourceExhausted (or OutOfRange for a message too large).
            Self::ResourceExhausted | Self::OutOfRange => FailureReason::TooLarge,
            Self::Unavailable => FailureReason::Unavailable,
            Self::Unauthenticated | Self::PermissionDenied => FailureReason::Unauthenticated,
            _ => FailureReason::Rejected,
        }
    }
}

/// What the exporter's message says of the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Grpc(GrpcCode),
    Http(u16),
    /// The request never got an answer (connection refused, DNS, TLS).
    Network,
    /// A local file could not be written.
    Io,
}

fn parse_status(message: &str) -> Option<Status> {
    if let Some((_, rest)) = message.split_once("gRPC code: ") {
        let name = rest.split(|c: char| !c.is_ascii_alphanumeric()).next()?;
        return GrpcCode::parse(name).map(Status::Grpc);
    }
    if let Some((_, rest)) = message.split_once("status code: ") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return digits.parse().ok().map(Status::Http);
    }
    if message.ends_with("network error") {
        return Some(Status::Network);
    }
    if message.starts_with("io:") {
        return Some(Status::Io);
    }
    None
}

fn http_reason(code: u16) -> FailureReason {
    match code {
        401 | 403 => FailureReason::Unauthenticated,
        413 => FailureReason::TooLarge,
        408 | 504 => FailureReason::Timeout,
        0 | 502 | 503 => FailureReason::Unavailable,
        _ => FailureReason::Rejected,
    }
}

/// Whether a transport failure happened in the TLS handshake. The status
/// says only `Unavailable` or `Unknown`; the rustls reason (`invalid peer
/// certificate: UnknownIssuer`, `NotValidForName`, a handshake alert) is in
/// the transport error's detail, which is the one place it can be read.
fn tls_failure(message: &str) -> bool {
    let detail = message.to_ascii_lowercase();
    detail.contains("transport error")
        && (detail.contains("certificate") || detail.contains("handshake"))
}

/// Maps an exporter error to a [`FailureReason`].
pub(crate) fn classify(error: &OTelSdkError) -> FailureReason {
    match error {
        OTelSdkError::Timeout(_) => FailureReason::Timeout,
        OTelSdkError::InternalFailure(message) if tls_failure(message) => FailureReason::Tls,
        OTelSdkError::InternalFailure(message) => match parse_status(message) {
            Some(Status::Grpc(code)) => code.reason(),
            Some(Status::Http(code)) => http_reason(code),
            Some(Status::Network) => FailureReason::Unavailable,
            Some(Status::Io) => FailureReason::Io,
            None => FailureReason::Rejected,
        },
        _ => FailureReason::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(message: &str) -> FailureReason {
        classify(&OTelSdkError::InternalFailure(message.to_owned()))
    }

    #[test]
    fn grpc_codes_are_classified_on_the_code() {
        let grpc = |code: &str| {
            of(&format!(
                "TonicTracesClient export failed with gRPC code: {code}: transport error"
            ))
        };
        assert_eq!(grpc("DeadlineExceeded"), FailureReason::Timeout);
        assert_eq!(grpc("Cancelled"), FailureReason::Timeout);
        assert_eq!(grpc("ResourceExhausted"), FailureReason::TooLarge);
        assert_eq!(grpc("OutOfRange"), FailureReason::TooLarge);
        assert_eq!(grpc("Unavailable"), FailureReason::Unavailable);
        assert_eq!(grpc("Unauthenticated"), FailureReason::Unauthenticated);
        assert_eq!(grpc("PermissionDenied"), FailureReason::Unauthenticated);
        assert_eq!(grpc("InvalidArgument"), FailureReason::Rejected);
        assert_eq!(
            of("TonicTracesClient export failed with gRPC code: DeadlineExceeded"),
            FailureReason::Timeout
        );
    }

    #[test]
    fn http_statuses_are_classified_on_the_number() {
        let http = |code: u16| of(&format!("HTTP export failed with status code: {code}"));
        assert_eq!(http(413), FailureReason::TooLarge);
        assert_eq!(http(408), FailureReason::Timeout);
        assert_eq!(http(504), FailureReason::Timeout);
        assert_eq!(http(503), FailureReason::Unavailable);
        assert_eq!(http(401), FailureReason::Unauthenticated);
        assert_eq!(http(403), FailureReason::Unauthenticated);
        assert_eq!(http(400), FailureReason::Rejected);
        assert_eq!(
            of("HTTP export failed: network error"),
            FailureReason::Unavailable
        );
    }

    #[test]
    fn tls_handshake_failures_are_told_apart_from_an_unreachable_collector() {
        // What tonic reports for an untrusted collector certificate.
        assert_eq!(
            of(
                "TonicTracesClient export failed with gRPC code: Unavailable: transport error: \
                invalid peer certificate: UnknownIssuer"
            ),
            FailureReason::Tls
        );
        assert_eq!(
            of(
                "export failed with gRPC code: Unknown: transport error: received fatal alert: \
                HandshakeFailure"
            ),
            FailureReason::Tls
        );
        // A refused connection is not a TLS failure.
        assert_eq!(
            of("export failed with gRPC code: Unavailable: transport error: tcp connect error"),
            FailureReason::Unavailable
        );
    }

    #[test]
    fn local_and_unknown_failures() {
        assert_eq!(of("io: No space left on device"), FailureReason::Io);
        assert_eq!(of("something else"), FailureReason::Rejected);
        assert_eq!(
            classify(&OTelSdkError::Timeout(std::time::Duration::from_secs(1))),
            FailureReason::Timeout
        );
    }
}
