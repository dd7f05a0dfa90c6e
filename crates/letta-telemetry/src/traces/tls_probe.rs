//! Whether a collector port speaks TLS: the one question a plaintext
//! client's failed export cannot answer from its error (the collector just
//! closes the connection). Asked once, on the export thread, after a
//! plaintext export failed on the transport.
//!
//! The probe sends a minimal TLS 1.2 ClientHello and reads the first bytes
//! of the answer: a TLS server answers with a handshake record (`0x16`) or,
//! when it cannot agree on parameters, an alert record (`0x15`), both
//! followed by the major version `0x03`; a plaintext HTTP/1 or HTTP/2 server
//! answers with text or a frame, or closes. It is written by hand because it
//! is one fixed message and no handshake follows: a TLS library would need
//! the `tls` feature and a certificate verifier that accepts anything, for a
//! connection that is dropped after three bytes.

use std::io::{Read as _, Write as _};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// A TLS 1.2 ClientHello offering the ECDHE-GCM suites, X25519 and P-256,
/// without SNI.
fn client_hello() -> Vec<u8> {
    let mut body = Vec::with_capacity(96);
    body.extend_from_slice(&[0x03, 0x03]); // client_version TLS 1.2
    body.extend_from_slice(&[0x5a; 32]); // random
    body.push(0); // no session id
    let suites: [u16; 4] = [0xc02f, 0xc02b, 0xc030, 0xc02c];
    body.extend_from_slice(&u16::try_from(suites.len() * 2).unwrap_or(0).to_be_bytes());
    for suite in suites {
        body.extend_from_slice(&suite.to_be_bytes());
    }
    body.extend_from_slice(&[0x01, 0x00]); // compression: null
    let extensions: [&[u8]; 3] = [
        // supported_groups: x25519, secp256r1
        &[0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17],
        // ec_point_formats: uncompressed
        &[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00],
        // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256,
        // rsa_pkcs1_sha256
        &[
            0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
        ],
    ];
    let ext_len: usize = extensions.iter().map(|e| e.len()).sum();
    body.extend_from_slice(&u16::try_from(ext_len).unwrap_or(0).to_be_bytes());
    for ext in extensions {
        body.extend_from_slice(ext);
    }
    let mut handshake = vec![0x01]; // ClientHello
    handshake.extend_from_slice(&u32::try_from(body.len()).unwrap_or(0).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 0x03, 0x01]; // handshake record, TLS 1.0 framing
    record.extend_from_slice(&u16::try_from(handshake.len()).unwrap_or(0).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// Whether `host:port` answers a ClientHello as a TLS server, within
/// `timeout` for the connection and again for the answer.
pub(crate) fn speaks_tls(host: &str, port: u16, timeout: Duration) -> bool {
    let Some(addr) = (host, port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut a| a.next())
    else {
        return false;
    };
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, timeout) else {
        return false;
    };
    if stream.set_read_timeout(Some(timeout)).is_err()
        || stream.set_write_timeout(Some(timeout)).is_err()
        || stream.write_all(&client_hello()).is_err()
    {
        return false;
    }
    let mut head = [0u8; 3];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => return false,
            Ok(n) => read += n,
        }
    }
    matches!(head, [0x15 | 0x16, 0x03, _])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A server that answers the first bytes it reads with `answer`.
    fn answering(answer: &'static [u8]) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            if let Ok((mut conn, _)) = listener.accept() {
                let mut buf = [0u8; 512];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(answer);
            }
        });
        port
    }

    #[test]
    fn the_hello_is_a_well_formed_record() {
        let hello = client_hello();
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        let record_len = usize::from(u16::from_be_bytes([hello[3], hello[4]]));
        assert_eq!(record_len, hello.len() - 5);
        assert_eq!(hello[5], 0x01, "a ClientHello");
        let body_len = usize::from(hello[7]) << 8 | usize::from(hello[8]);
        assert_eq!(body_len, hello.len() - 9);
    }

    #[test]
    fn tls_answers_are_told_from_plaintext_ones() {
        let timeout = Duration::from_secs(2);
        // A TLS alert (handshake_failure) and a ServerHello record header.
        assert!(speaks_tls(
            "127.0.0.1",
            answering(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]),
            timeout
        ));
        assert!(speaks_tls(
            "127.0.0.1",
            answering(&[0x16, 0x03, 0x03, 0x00, 0x4a]),
            timeout
        ));
        // An HTTP/1 answer, an HTTP/2 frame, a closed connection.
        assert!(!speaks_tls(
            "127.0.0.1",
            answering(b"HTTP/1.1 400 Bad Request\r\n\r\n"),
            timeout
        ));
        assert!(!speaks_tls(
            "127.0.0.1",
            answering(&[0x00, 0x00, 0x08, 0x07, 0x00]),
            timeout
        ));
        assert!(!speaks_tls("127.0.0.1", answering(b""), timeout));
        // Nothing listening.
        let closed = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        assert!(!speaks_tls("127.0.0.1", closed, timeout));
    }
}
