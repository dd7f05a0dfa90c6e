//! The collector endpoint: host, port, and whether the port fits the protocol.

use letta_telemetry::settings::Protocol;

/// A parsed endpoint URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `http` or `https`.
    pub scheme: String,
    /// Host name or address (without brackets).
    pub host: String,
    /// Port (explicit, or the protocol's default).
    pub port: u16,
    /// Whether the port was written in the URL.
    pub explicit_port: bool,
}

impl Endpoint {
    /// Parses `scheme://host[:port][/path]`.
    pub fn parse(raw: &str, protocol: Protocol) -> Result<Self, String> {
        let (scheme, rest) = raw
            .split_once("://")
            .ok_or_else(|| "it has no scheme (expected http:// or https://)".to_owned())?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(format!("scheme {scheme:?} is not http or https"));
        }
        let authority = rest.split('/').next().unwrap_or_default();
        let authority = authority.rsplit('@').next().unwrap_or_default();
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| "unclosed [ in the host".to_owned())?;
            (host.to_owned(), after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((host, port)) => (host.to_owned(), Some(port)),
                None => (authority.to_owned(), None),
            }
        };
        if host.is_empty() {
            return Err("it has no host".to_owned());
        }
        let default_port = if protocol.is_http() { 4318 } else { 4317 };
        let (port, explicit_port) = match port {
            None | Some("") => (default_port, false),
            Some(p) => (
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| format!("port {p:?} is not a number from 1 to 65535"))?,
                true,
            ),
        };
        Ok(Self {
            scheme,
            host,
            port,
            explicit_port,
        })
    }

    /// A problem and its fix when the port is the other protocol's default.
    pub fn port_mismatch(&self, protocol: Protocol) -> Option<(String, String)> {
        match (protocol.is_http(), self.port) {
            (true, 4317) => Some((
                format!(
                    "the endpoint uses port 4317 (OTLP gRPC) but the protocol is {protocol:?} (HTTP)"
                ),
                "use port 4318 for HTTP, or set OTEL_EXPORTER_OTLP_PROTOCOL=grpc".to_owned(),
            )),
            (false, 4318) => Some((
                "the endpoint uses port 4318 (OTLP HTTP) but the protocol is gRPC".to_owned(),
                "use port 4317 for gRPC, or set OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"
                    .to_owned(),
            )),
            _ => None,
        }
    }
}
