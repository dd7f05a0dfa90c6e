//! Plain HTTP/1.1 on loopback, for the peers' APIs (the test agent's
//! `/test/...`, Phoenix's REST API, ClickHouse's HTTP interface): one request per connection,
//! chunked bodies decoded. Kept by hand so that the peers crate needs no
//! HTTP client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::PeerError;

/// An answer of a peer's HTTP API.
#[derive(Debug, Clone)]
pub struct HttpAnswer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: String,
}

/// `GET path` on 127.0.0.1:`port`.
pub fn http_get(port: u16, path: &str) -> Result<HttpAnswer, PeerError> {
    let head =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    exchange(port, &head, b"", Duration::from_secs(10))
}

/// Sends `head` (the request line and headers, ending with an empty line)
/// and `body` to 127.0.0.1:`port`, and reads the whole answer, waiting at
/// most `timeout` for each read. A status that cannot be read is 0.
pub fn exchange(
    port: u16,
    head: &str,
    body: &[u8],
    timeout: Duration,
) -> Result<HttpAnswer, PeerError> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream =
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(PeerError::Io)?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(PeerError::Io)?;
    stream.write_all(head.as_bytes()).map_err(PeerError::Io)?;
    stream.write_all(body).map_err(PeerError::Io)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(PeerError::Io)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text.as_str(), ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase()
            .starts_with("transfer-encoding: chunked")
    });
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    Ok(HttpAnswer { status, body })
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || tail.len() < n {
            break;
        }
        out.push_str(&tail[..n]);
        rest = tail[n..].trim_start_matches("\r\n");
    }
    out
}
